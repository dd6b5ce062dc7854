/**
 * Issue 10, UPS: how adjustment lines, numeric description codes and invoice-level fees are
 * classified (the one classifier ingest and `etl remap` share), and that remap re-derives the
 * same codes from what was stored, on both databases. Descriptions, codes and classes are those
 * of the real US files in ../shared/real-invoices/ups (README).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { findCarrier } from '../../carriers/index.js';
import { createChargeClassifier } from '../../src/pipeline/clean.js';
import { recode, remapCharges } from '../../src/pipeline/remap.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { ingest } from '../support/ingest.js';
import { UPS_FIXTURES } from '../support/paths.js';

const ups = findCarrier('ups');
if (ups === undefined) throw new Error('no ups adapter');
const classify = createChargeClassifier(ups.charges);

describe('UPS adjustments keep the code of the charge they adjust', () => {
  test('Shipping Charge Correction lines of the real file: fuel, freight, surcharges, discount', () => {
    assert.equal(classify('Shipping Charge Correction Fuel Surcharge', 'FSC', 'FSC'), 'fuel');
    assert.equal(classify('Shipping Charge Correction Ground', '003', 'FRT'), 'freight');
    assert.equal(classify('Shipping Charge Correction Large Package Surcharge Resi', 'LPR', 'ACC'), 'large_package');
    assert.equal(classify('Shipping Charge Correction Addl. Handling weight', 'AHW', 'ACC'), 'additional_handling');
    assert.equal(classify('Shipping Charge Correction Special Incentive Modifier', 'SIM', 'ACC'), 'discount');
  });

  test('a correction naming a service is freight whatever its class; one naming nothing known is unmapped', () => {
    assert.equal(classify('Shipping Charge Correction TB Standard', 'SCC', 'ACC'), 'freight');
    assert.equal(classify('Not Previously Billed Ground Commercial', '003', 'FRT'), 'freight');
    assert.equal(classify('Shipping Charge Correction Mystery Fee', 'ZZZ', 'ACC'), null);
  });

  test('an address correction on the service row is the correction fee; fuel on it is fuel', () => {
    assert.equal(classify('Address Correction Ground', '003', 'FRT'), 'address_correction');
    assert.equal(classify('Address Correction Fuel Surcharge', 'FSC', 'FSC'), 'fuel');
    assert.equal(classify('Address Correction', '', 'ACC'), 'address_correction');
  });

  test('the correction fee itself (German) stays weight_correction; a weekly billing adjustment is adjustment', () => {
    assert.equal(classify('Versandkorrekturgebühr', 'SCC', 'ACC'), 'weight_correction');
    assert.equal(classify('Billing Adjustment for W/E 06/14/2025', '', 'ACC'), 'adjustment');
  });
});

describe('UPS numeric codes are read with their class; fees are never freight by class alone', () => {
  test('205 is import VAT under GOV, a Service Charge on an invoice-level FRT row', () => {
    assert.equal(classify('Value Added Tax', '205', 'GOV'), 'duties_taxes');
    assert.equal(classify('Service Charge', '205', 'FRT', true), 'service_fee');
    // without its label, code 205 on an FRT row is not a duty
    assert.notEqual(classify('Servicegebühr', '205', 'FRT', true), 'duties_taxes');
    assert.equal(classify('Disbursement Fee', '405', 'BRK'), 'customs_clearance');
  });

  test('an invoice-level line is not freight by its FRT class; a shipment line still is', () => {
    assert.equal(classify('Payment Processing Fee', 'NSS', 'FRT', true), 'admin_fee');
    assert.equal(classify('Some New Fee', 'XYZ', 'FRT', true), null);
    assert.equal(classify('Some New Fee', 'XYZ', 'FRT', false), 'freight');
    // an invoice-level fuel line keeps its label
    assert.equal(classify('Fuel Surcharge', 'FSC', 'FRT', true), 'fuel');
  });

  test('remap re-derives the same codes for invoice-level and shipment lines', () => {
    assert.equal(recode(classify, { chargeCode: 'unmapped', description: 'Some New Fee', carrierCode: 'XYZ', carrierClass: 'FRT', invoiceLevel: true }), 'unmapped');
    assert.equal(recode(classify, { chargeCode: 'freight', description: 'Some New Fee', carrierCode: 'XYZ', carrierClass: 'FRT' }), 'freight');
    assert.equal(recode(classify, { chargeCode: 'duties_taxes', description: 'Service Charge', carrierCode: '205', carrierClass: 'FRT', invoiceLevel: true }), 'service_fee');
  });
});

for (const dialect of DIALECTS) {
  describe(`etl remap agrees with ingest on UPS corrections and fees (${dialect})`, () => {
    const t = useTestDatabase(dialect);

    test('a remap right after loading changes nothing; a stale code on an invoice-level fee is put right', async () => {
      const [r] = await ingest(t.db, t.tdb.dataDir, [path.join(UPS_FIXTURES, 'us-corrections-multipiece.csv')]);
      assert.equal(r?.status, 'loaded', r?.message ?? '');
      const first = await remapCharges(t.db, [ups], [], { dryRun: false, runId: null });
      assert.equal(first.lines, 0, JSON.stringify(first.changes));

      // what an older version stored: the fee as freight (FRT class), the correction's fuel as weight_correction
      const k = t.db.db;
      await k.updateTable('charges').set({ charge_code: 'freight' }).where('charge_description', '=', 'Payment Processing Fee').execute();
      await k.updateTable('charges').set({ charge_code: 'weight_correction' }).where('charge_description', '=', 'Shipping Charge Correction Fuel Surcharge').execute();
      const second = await remapCharges(t.db, [ups], [], { dryRun: false, runId: null });
      assert.deepEqual(
        second.changes.map((c) => [c.oldCode, c.newCode, c.lines]).sort(),
        [['freight', 'admin_fee', 1], ['weight_correction', 'fuel', 4]],
      );
      const codes = await k.selectFrom('charges').select(['charge_description', 'charge_code', 'adjustment_kind']).where('tracking_number', 'is', null).orderBy('source_row').execute();
      assert.deepEqual(codes, [
        { charge_description: 'Payment Processing Fee', charge_code: 'admin_fee', adjustment_kind: null },
        { charge_description: 'Service Charge', charge_code: 'service_fee', adjustment_kind: null },
      ]);
      assert.equal((await remapCharges(t.db, [ups], [], { dryRun: true, runId: null })).lines, 0);
    });

    test('weight_source accepts only declared or audited', async () => {
      const k = t.db.db;
      const s = await k.selectFrom('shipments').select('id').where('weight_source', '=', 'audited').executeTakeFirstOrThrow();
      await assert.rejects(k.updateTable('shipments').set({ weight_source: 'guessed' as 'audited' }).where('id', '=', s.id).execute());
    });
  });
}
