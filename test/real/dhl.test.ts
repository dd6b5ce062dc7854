/**
 * Golden tests over the real DHL Express MyBill files in `../shared/real-invoices/dhl/` (issue
 * 10), with its README's figures: the full sinlead file (one invoice that reconciles, one the
 * file itself makes inconsistent, reported as such) and the three reduced-column alx extracts
 * (S rows only: no stated invoice total; each row checked against its own total incl. VAT less
 * tax, the customs one reported as not adding up). SQLite and PostgreSQL; skips outside CI when
 * the folder is missing, fails in CI.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { realInvoice } from '../support/real-invoices.js';
import { loadReal } from '../support/real-load.js';

const ZAR = { account_number: '', currency: 'ZAR', stated_total_minor: null, reconciled: null, shipment_count: 1 } as const;

for (const dialect of DIALECTS) {
  describe(`real DHL Express files (${dialect})`, () => {
    const t = useTestDatabase(dialect);

    test('sinlead: TPER087654321 reconciles at 1302.0; TPER012345678 states 1302.0 but its rows sum to 2604.0 and is reported, not fixed', async (tc) => {
      const file = realInvoice(tc, 'dhl/sinlead_reconcile_tw.csv');
      if (file === null) return;
      const got = await loadReal(t.db, t.tdb.dataDir, file, 'dhl');
      assert.equal(got.status, 'loaded');
      assert.equal(got.unreconciled, 1);
      const tw = { account_number: '123456789', invoice_date: '2024-09-06', currency: 'TWD', stated_total_minor: 130200 } as const;
      assert.deepEqual(got.invoices, [
        { ...tw, invoice_number: 'TPER012345678', net_total_minor: 260400, reconciled: false, shipment_count: 2, charge_count: 6 },
        { ...tw, invoice_number: 'TPER087654321', net_total_minor: 130200, reconciled: true, shipment_count: 1, charge_count: 3 },
      ]);
      // per S row: Weight Charge 1010.0, FF 268.0, FD 24.0 (each row = its own 1302.0 excl. VAT)
      assert.deepEqual(got.codes, { environmental: [3, 7200], freight: [3, 303000], fuel: [3, 80400] });
      assert.deepEqual(
        got.shipments.map((s) => [s.tracking_number, s.package_count, s.billed_weight, s.net_total_minor]),
        [['6666666666', 1, 2, 130200], ['8888888888', 1, 2, 130200], ['9999999999', 1, 2, 130200]],
      );
      assert.deepEqual(got.issues, [['error', 'total_mismatch', 2, null]]);
      assert.match(got.messages[0] ?? '', /invoice TPER012345678 does not reconcile: its charges sum to 2604\.00 TWD but the invoice states 1302\.00 TWD/);
    });

    test('alx freight extract loads: Weight Charge 3425.00 + FF 773.66 (1374.75 less its -601.09 discount) = 4198.66, no stated invoice total', async (tc) => {
      const file = realInvoice(tc, 'dhl/alx_mybill_freight_sanitized.csv');
      if (file === null) return;
      const got = await loadReal(t.db, t.tdb.dataDir, file, 'dhl');
      assert.equal(got.status, 'loaded');
      assert.deepEqual(got.invoices, [{ ...ZAR, invoice_number: 'CPTR001005873', invoice_date: '2026-04-17', net_total_minor: 419866, charge_count: 2 }]);
      assert.deepEqual(got.codes, { freight: [1, 342500], fuel: [1, 77366] });
      assert.deepEqual(got.shipments, [{ tracking_number: '6560843833', package_count: 1, billed_weight: null, weight_unit: null, net_total_minor: 419866 }]);
      assert.deepEqual(got.issues, []);
      assert.equal(got.unreconciled, 0);
    });

    test('alx duty extract loads: XX 136.55 + RG 22.21 + DT 350.00 = 508.76, its stated total', async (tc) => {
      const file = realInvoice(tc, 'dhl/alx_mybill_cptir_sanitized.csv');
      if (file === null) return;
      const got = await loadReal(t.db, t.tdb.dataDir, file, 'dhl');
      assert.equal(got.status, 'loaded');
      assert.deepEqual(got.invoices, [{ ...ZAR, invoice_number: 'CPTIR00273840', invoice_date: '2026-08-31', net_total_minor: 50876, charge_count: 3 }]);
      assert.deepEqual(got.codes, { customs_clearance: [1, 35000], duties_taxes: [1, 13655], other: [1, 2221] });
      // a duty row bills no Weight Charge: the shipment, but no package
      assert.deepEqual(got.shipments, [{ tracking_number: '1921099471', package_count: 0, billed_weight: null, weight_unit: null, net_total_minor: 50876 }]);
      assert.deepEqual(got.issues, []);
    });

    test('alx customs extract loads and its shipment is reported: one XX line of 15.60 against a stated 1316.15', async (tc) => {
      const file = realInvoice(tc, 'dhl/alx_mybill_customs_sanitized.csv');
      if (file === null) return;
      const got = await loadReal(t.db, t.tdb.dataDir, file, 'dhl');
      assert.equal(got.status, 'loaded');
      assert.deepEqual(got.invoices, [{ ...ZAR, invoice_number: 'CPTZR00026033', invoice_date: '2026-04-21', net_total_minor: 1560, charge_count: 1 }]);
      assert.deepEqual(got.codes, { duties_taxes: [1, 1560] });
      assert.deepEqual(got.issues, [['error', 'total_mismatch', 2, 'Total amount (incl. VAT)']]);
      assert.match(got.messages[0] ?? '', /shipment 8339567983 does not add up: its charges on this row sum to 15\.60 ZAR but the row states 1316\.15 ZAR/);
      assert.equal(got.unreconciled, 1, 'counted, so the run exits 1');
    });
  });
}
