/**
 * Load records cross from the file-flow worker to the loader packed column by column
 * (pipeline/pack.ts): every field must arrive exactly as it left, nulls, extremes and shared
 * texts included. (test/pipeline/thread.test.ts compares whole loads through a worker.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MinorTotal } from '../../src/model/money.js';
import type { LoadCharge } from '../../src/pipeline/flow.js';
import { packCharges, packShipments, transferOf, unpackCharges, unpackShipments, type Packed } from '../../src/pipeline/pack.js';
import type { ShipmentAggregate } from '../../src/pipeline/pivot.js';

/** As the other thread gets it: cloned, its typed arrays moved. */
const crossed = (p: Packed): Packed => structuredClone(p, { transfer: transferOf(p) });

test('charges arrive with every field as it left', () => {
  const base: LoadCharge = {
    invoiceKey: '0000A12B34\u0000000084969381', trackingNumber: '1Z999AA10123456784', chargeCode: 'fuel', chargeDescription: 'Fuel Surcharge',
    amountMinor: 96, incentiveMinor: null, currency: 'GBP', sourceRow: 2, carrierCode: 'FSC', carrierClass: 'FSC', adjustmentKind: null,
  };
  const charges: LoadCharge[] = [
    base,
    { ...base, amountMinor: Number.MAX_SAFE_INTEGER, incentiveMinor: -Number.MAX_SAFE_INTEGER, sourceRow: 3, trackingNumber: null },
    { ...base, amountMinor: -1, incentiveMinor: 0, chargeDescription: 'Zuschlag für Überlänge', carrierCode: '', adjustmentKind: 'correction', sourceRow: 4 },
    // one text in two fields, an empty description
    { ...base, chargeDescription: 'FSC', carrierClass: '', sourceRow: 5 },
    { ...base, chargeDescription: '', trackingNumber: '', sourceRow: 6 },
  ];
  const p = packCharges(charges);
  // the repeated texts go once
  assert.ok(p.words.length < charges.length * 7 / 2, `${p.words.length} distinct texts`);
  assert.deepEqual(unpackCharges(crossed(p)), charges);
  assert.deepEqual(unpackCharges(crossed(packCharges([]))), []);
});

test('shipments arrive with every fact, flag and their exact total', () => {
  const facts: ShipmentAggregate['facts'] = {
    trackingNumber: '1Z999AA10123456784', leadTrackingNumber: null, service: 'Ground', shipDate: '2025-03-02', zone: '003', packageCount: 1,
    enteredWeight: 5.8, billedWeight: 6, weightUnit: 'kg', length: 65.5, width: 38, height: 10.5, dimensionUnit: 'cm', volumetricWeight: 0.1 + 0.2,
    senderPostcode: 'I19 2VZ', senderCountry: 'GB', receiverPostcode: 'R6 5JF', receiverCountry: 'GB', netTotalMinor: 848,
    declaredWeight: null, declaredLength: null, declaredWidth: null, declaredHeight: null, weightSource: 'declared', receiverCompany: null,
  };
  const agg = (over: Partial<ShipmentAggregate>, f: Partial<ShipmentAggregate['facts']> = {}): ShipmentAggregate => {
    const all = { ...facts, ...f };
    const netTotal = new MinorTotal();
    netTotal.add(all.netTotalMinor);
    return { invoiceKey: 'A\u00001', currency: 'GBP', netTotal, lastRow: 4, facts: all, fromPackageRow: true, auditedWeight: false, auditedDimensions: true, serviceRank: 2, ...over };
  };
  const list = [
    agg({}),
    agg({ fromPackageRow: false, auditedDimensions: false, auditedWeight: true, serviceRank: 0, lastRow: 9 }, {
      netTotalMinor: -Number.MAX_SAFE_INTEGER, service: null, shipDate: null, weightUnit: null, dimensionUnit: null, weightSource: 'audited',
      length: null, width: null, height: null, packageCount: 0, receiverCompany: 'Müller & Söhne GmbH', leadTrackingNumber: '1Z999AA10123456784',
    }),
    agg({ invoiceKey: 'B\u00002', currency: 'EUR' }, { netTotalMinor: Number.MAX_SAFE_INTEGER, declaredWeight: 12.25, declaredLength: 1e-3 }),
  ];
  const back = unpackShipments(crossed(packShipments(list)));
  assert.deepEqual(back, list);
  for (const s of back) assert.equal(s.netTotal.exact(), BigInt(s.facts.netTotalMinor));
});
