/**
 * Golden test over the real Royal Mail download in `../shared/real-invoices/royal-mail/`
 * (issue 10). The expected figures are its README's (computed independently of the ETL): the
 * docket commentary split into postage, surcharge and green surcharge lines, the file's own
 * surcharge figure checked, `0.000` weights unknown. Runs on SQLite and PostgreSQL; skips
 * outside CI when the folder is missing, fails in CI.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { tempDir } from '../support/paths.js';
import { realInvoice } from '../support/real-invoices.js';
import { loadReal } from '../support/real-load.js';

const FILE = 'royal-mail/hhbyte_20260302_9075354834_Invoice_0751634000.csv';

/** README: 8 dockets (docket number, items, Net Value in pence); only the Signed For one states a weight (0.100 kg). */
const DOCKETS = [
  ['5150808970', 1, 469],
  ['7146948065', 14, 5587],
  ['7147025564', 16, 6385],
  ['7147224546', 1, 399],
  ['7147254059', 43, 17159],
  ['7147348330', 15, 5986],
  ['7147477389', 1, 399],
  ['7147556637', 27, 10774],
] as const;

for (const dialect of DIALECTS) {
  describe(`real Royal Mail download (${dialect})`, () => {
    const t = useTestDatabase(dialect);

    test('surcharges 45.69 and green surcharges 5.85 are lines of their own; Total Net 471.58 reconciles; the control figure 51.54 holds', async (tc) => {
      const file = realInvoice(tc, FILE);
      if (file === null) return;
      const got = await loadReal(t.db, t.tdb.dataDir, file, 'royal-mail');
      assert.equal(got.status, 'loaded');
      assert.equal(got.unreconciled, 0);
      assert.deepEqual(got.invoices, [
        {
          invoice_number: '9075354834',
          account_number: '0751634000',
          invoice_date: '2026-03-02',
          currency: 'GBP',
          stated_total_minor: 47158,
          net_total_minor: 47158,
          reconciled: true,
          shipment_count: 8,
          // 8 dockets + 7 surcharge and 7 green surcharge lines (the Tracked 24 dockets)
          charge_count: 22,
        },
      ]);
      // 471.58 = postage 420.04 + surcharges 45.69 + green surcharges 5.85 (= the file's 51.54)
      assert.deepEqual(got.codes, { environmental: [7, 585], freight: [8, 42004], fuel: [7, 4569] });
      assert.deepEqual(
        got.shipments,
        DOCKETS.map(([tracking, items, net]) => ({
          tracking_number: tracking,
          package_count: items,
          // `0.000` on a docket is no weight, not 0 kg
          billed_weight: tracking === '5150808970' ? 0.1 : null,
          weight_unit: tracking === '5150808970' ? 'kg' : null,
          // each docket's total is unchanged by the split
          net_total_minor: net,
        })),
      );
      assert.deepEqual(got.issues, []);
    });

    test('the file\'s own surcharge figure is checked: changed to 51.55 it is an error naming its row and column', async (tc) => {
      const file = realInvoice(tc, FILE);
      if (file === null) return;
      const tmp = tempDir('etl-real-rm-');
      try {
        // a copy outside the repository (the real files are never committed), one byte changed
        const bytes = fs.readFileSync(file).toString('latin1');
        assert.ok(bytes.includes('|51.54|'));
        const changed = path.join(tmp.dir, 'changed-control.csv');
        fs.writeFileSync(changed, Buffer.from(bytes.replace('|51.54|', '|51.55|'), 'latin1'));
        const got = await loadReal(t.db, t.tdb.dataDir, changed, 'royal-mail');
        assert.equal(got.status, 'loaded', 'a figure that does not hold is reported; the invoice still loads');
        // (the copy also replaces the invoice loaded by the test above: a warning, not counted here)
        const errors = got.issues.flatMap((i, n) => (i[0] === 'error' ? [[i, got.messages[n]] as const] : []));
        assert.deepEqual(errors.map(([i]) => i), [['error', 'total_mismatch', 26, '33 Net Value']]);
        assert.match(errors[0]?.[1] ?? '', /states 51\.55 GBP of surcharges .* sum to 51\.54 GBP/);
        assert.equal(got.unreconciled, 1);
        assert.equal(got.invoices[0]?.reconciled, true, 'the invoice total itself still reconciles');
      } finally {
        tmp.cleanup();
      }
    });
  });
}
