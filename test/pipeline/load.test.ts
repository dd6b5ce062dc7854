/**
 * Load, idempotency, replacement, reconciliation and quarantine: the same tests on SQLite and on
 * a real PostgreSQL.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { ingest, snapshot } from '../support/ingest.js';
import { fixtureDirOf, goldenCases, tempDir, UPS_FIXTURES } from '../support/paths.js';
import { addCents, rewriteCsv } from '../support/rewrite.js';

const GOLDEN = goldenCases(UPS_FIXTURES).map((c) => c.file);
const GERMAN = path.join(UPS_FIXTURES, 'de-latin1-standard.csv');
const NET = 52; // 0-based index of column 53 Net Amount
const TOTAL = 10; // column 11 Invoice Amount
const CLASS = 43; // column 44 Charge Classification Code

for (const dialect of DIALECTS) {
  describe(`loading on ${dialect}`, () => {
    const t = useTestDatabase(dialect);
    const tmp = tempDir();
    after(() => tmp.cleanup());

    test('every golden UPS invoice loads and reconciles to the cent', async () => {
      const results = await ingest(t.db, t.tdb.dataDir, GOLDEN);
      assert.deepEqual(results.map((r) => r.status), GOLDEN.map(() => 'loaded'));
      const inv = await t.db.db.selectFrom('invoices').select(['invoice_number', 'reconciled', 'net_total_minor', 'stated_total_minor']).execute();
      assert.equal(inv.length, GOLDEN.length);
      for (const i of inv) {
        assert.equal(Boolean(i.reconciled), true, `invoice ${i.invoice_number}`);
        assert.equal(i.net_total_minor, i.stated_total_minor);
      }
      // every charge is traceable to its file and row
      const orphans = await t.db.db.selectFrom('charges').select('id').where((eb) => eb.or([eb('source_row', '<', 1), eb('source_file_id', 'is', null)])).execute();
      assert.equal(orphans.length, 0);
      // every charge with a tracking number is linked to the shipment of the same invoice
      const unlinked = await t.db.db.selectFrom('charges').select('id').where('tracking_number', 'is not', null).where('shipment_id', 'is', null).execute();
      assert.equal(unlinked.length, 0);
    });

    test('ingesting the same files again changes nothing', async () => {
      const before = await snapshot(t.db);
      const results = await ingest(t.db, t.tdb.dataDir, GOLDEN);
      assert.deepEqual(results.map((r) => r.status), GOLDEN.map(() => 'skipped'));
      assert.deepEqual(await snapshot(t.db), before);
    });

    test('a corrected file for the same invoice replaces it in one go', async () => {
      const corrected = path.join(tmp.dir, 'de-latin1-standard-corrected.csv');
      // raise the first freight charge by 1.00 and the stated total with it, on every row
      let raised = false;
      rewriteCsv(GERMAN, corrected, ',', (f) => {
        f[TOTAL] = addCents(f[TOTAL] ?? '', 100);
        if (!raised && f[CLASS] === 'FRT') {
          f[NET] = addCents(f[NET] ?? '', 100);
          raised = true;
        }
      });
      const original = await t.db.db.selectFrom('invoices').selectAll().where('source_file_id', 'in', t.db.db.selectFrom('source_files').select('id').where('original_name', '=', 'de-latin1-standard.csv')).executeTakeFirstOrThrow();
      const chargesBefore = await t.db.db.selectFrom('charges').select(t.db.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const [r] = await ingest(t.db, t.tdb.dataDir, [corrected]);
      assert.equal(r?.status, 'loaded');
      const now = await t.db.db.selectFrom('invoices').selectAll().where('invoice_number', '=', original.invoice_number).execute();
      assert.equal(now.length, 1, 'still one invoice with that number');
      assert.equal(now[0]?.net_total_minor, original.net_total_minor + 100);
      assert.equal(Boolean(now[0]?.reconciled), true);
      const chargesAfter = await t.db.db.selectFrom('charges').select(t.db.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(chargesAfter.n), Number(chargesBefore.n), 'old charges replaced, not added to');
      const old = await t.db.db.selectFrom('source_files').select('status').where('original_name', '=', 'de-latin1-standard.csv').executeTakeFirstOrThrow();
      assert.equal(old.status, 'superseded');
      const note = await t.db.db.selectFrom('data_issues').select('message').where('code', '=', 'invoice_replaced').execute();
      assert.equal(note.length, 1);
      assert.match(note[0]?.message ?? '', /replaces the version loaded from de-latin1-standard\.csv/);
    });

    test('an invoice that does not reconcile loads, flagged, with an error issue', async () => {
      const off = path.join(tmp.dir, 'us-off-by-a-cent.csv');
      rewriteCsv(path.join(UPS_FIXTURES, 'us-multipiece-inches.csv'), off, ',', (f) => {
        f[5] = `9${(f[5] ?? '').slice(1)}`; // a new invoice number, so nothing is replaced
        f[TOTAL] = addCents(f[TOTAL] ?? '', 1);
      });
      const [r] = await ingest(t.db, t.tdb.dataDir, [off]);
      assert.equal(r?.status, 'loaded');
      assert.equal(r?.unreconciled, 1);
      const inv = await t.db.db.selectFrom('invoices').selectAll().where('source_file_id', '=', r?.sourceFileId ?? -1).executeTakeFirstOrThrow();
      assert.equal(Boolean(inv.reconciled), false);
      assert.equal(inv.stated_total_minor, (inv.net_total_minor) + 1);
      const issues = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', inv.source_file_id).where('code', '=', 'total_mismatch').execute();
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.severity, 'error');
      assert.match(issues[0]?.message ?? '', /^us-off-by-a-cent\.csv, row 1: invoice 9\d+ does not reconcile: .* \(difference -0\.01\)$/);
    });

    test('a file whose control total (SAP BEx Overall Result) is off by a penny loads, flagged', async () => {
      const src = path.join(fixtureDirOf('royal-mail'), 'bex-export-no-title.csv');
      const off = path.join(tmp.dir, 'bex-off-by-a-penny.csv');
      let overallRow = 0;
      rewriteCsv(src, off, ',', (f, i) => {
        if (f[0] === 'Overall Result') {
          overallRow = i + 1;
          f[32] = addCents((f[32] ?? '').replace(/,/g, ''), 1);
        }
        // other invoice numbers, so nothing loaded earlier is replaced
        if (/^\d{10}$/.test(f[3] ?? '')) f[3] = `8${(f[3] ?? '').slice(1)}`;
      });
      assert.ok(overallRow > 0);
      const [r] = await ingest(t.db, t.tdb.dataDir, [off], 'royal-mail');
      assert.equal(r?.status, 'loaded', r?.message ?? '');
      assert.equal(r?.unreconciled, 1, 'counted as unreconciled (the run exits 1)');
      const issues = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', r?.sourceFileId ?? -1).where('code', '=', 'total_mismatch').execute();
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.source_row, overallRow);
      assert.match(issues[0]?.message ?? '', /Overall Result states .* \(difference -0\.01\)/);
      const inv = await t.db.db.selectFrom('invoices').select('reconciled').where('source_file_id', '=', r?.sourceFileId ?? -1).execute();
      assert.ok(inv.length > 0 && inv.every((i) => i.reconciled === null), 'BEx invoices state no total of their own');
    });

    test('a bad file is quarantined and the good file after it still loads', async () => {
      const good = path.join(tmp.dir, 'en-renumbered.csv');
      rewriteCsv(path.join(UPS_FIXTURES, 'en-invoice-level-only.csv'), good, ',', (f) => {
        f[5] = `8${(f[5] ?? '').slice(1)}`;
      });
      const bad = path.join(UPS_FIXTURES, 'bad', 'non-numeric-amount.csv');
      const before = await t.db.db.selectFrom('charges').select(t.db.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const results = await ingest(t.db, t.tdb.dataDir, [bad, good]);
      assert.deepEqual(results.map((r) => r.status), ['quarantined', 'loaded']);
      const q = await t.db.db.selectFrom('source_files').selectAll().where('id', '=', results[0]?.sourceFileId ?? -1).executeTakeFirstOrThrow();
      assert.equal(q.status, 'quarantined');
      assert.ok(fs.existsSync(q.stored_path), 'the raw file is kept');
      // nothing of the quarantined file reached the data tables
      const fromBad = await t.db.db.selectFrom('charges').select('id').where('source_file_id', '=', q.id).execute();
      assert.equal(fromBad.length, 0);
      const after = await t.db.db.selectFrom('charges').select(t.db.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(after.n) - Number(before.n), results[1]?.charges);
    });
  });
}
