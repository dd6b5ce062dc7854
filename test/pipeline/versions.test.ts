/**
 * Which version of an invoice wins never depends on file names or command-line order: the later
 * issue date wins; on the same date, the file landed in a later run; two versions with the same
 * date in one run cannot be ordered, so the loaded one stays and the other is reported (exit 1).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/connect.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { tempDir, UPS_FIXTURES } from '../support/paths.js';
import { addCents, rewriteCsv } from '../support/rewrite.js';

const SOURCE = path.join(UPS_FIXTURES, 'us-multipiece-inches.csv'); // invoice 000084602910 of 2025-04-05
const DATE = 4; // column 5 Invoice Date
const TOTAL = 10; // column 11 Invoice Amount
const NET = 52; // column 53 Net Amount
const CLASS = 43; // column 44 Charge Classification Code

/** A re-issued version: the first freight charge and the total raised by `cents`, dated `date`. */
function correction(dest: string, cents: number, date: string | null): void {
  let raised = false;
  rewriteCsv(SOURCE, dest, ',', (f) => {
    f[TOTAL] = addCents(f[TOTAL] ?? '', cents);
    if (date !== null) f[DATE] = date;
    if (!raised && f[CLASS] === 'FRT') {
      f[NET] = addCents(f[NET] ?? '', cents);
      raised = true;
    }
  });
}

interface State {
  invoices: { invoice_date: string; net_total_minor: number; file: string }[];
  files: Record<string, string>;
  codes: string[];
}

for (const dialect of DIALECTS) {
  describe(`versions of an invoice (${dialect})`, () => {
    const tmp = tempDir('etl-versions-');
    const dbs: TestDatabase[] = [];
    const original = path.join(tmp.dir, 'src', '000084602910.csv');
    const later = path.join(tmp.dir, 'src', '000084602910-corrected.csv');
    const sameDay = path.join(tmp.dir, 'src', '000084602910-rebilled.csv');
    let originalNet = 0;
    before(() => {
      fs.mkdirSync(path.dirname(original), { recursive: true });
      fs.copyFileSync(SOURCE, original);
      correction(later, 100, '2025-04-12');
      correction(sameDay, 250, null);
    });
    after(async () => {
      for (const d of dbs) await d.drop();
      tmp.cleanup();
    });

    async function fresh(): Promise<TestDatabase> {
      const d = await createTestDatabase(dialect);
      dbs.push(d);
      return d;
    }

    const ingest = (d: TestDatabase, paths: string[]) => runCli(['--data-dir', d.dataDir, '--db', d.url, 'ingest', '--carrier', 'ups', ...paths]);

    async function state(d: TestDatabase): Promise<State> {
      const db = await openDatabase(d.url);
      try {
        const invoices = await db.db
          .selectFrom('invoices')
          .innerJoin('source_files', 'source_files.id', 'invoices.source_file_id')
          .select(['invoices.invoice_date', 'invoices.net_total_minor', 'source_files.original_name as file'])
          .where('invoices.invoice_number', '=', '000084602910')
          .execute();
        const files = Object.fromEntries((await db.db.selectFrom('source_files').select(['original_name', 'status']).execute()).map((f) => [f.original_name, f.status]));
        const codes = (await db.db.selectFrom('data_issues').select('code').where('code', 'in', ['invoice_replaced', 'invoice_outdated', 'invoice_conflict']).orderBy('id').execute()).map((c) => c.code);
        return { invoices: invoices.map((i) => ({ ...i, net_total_minor: Number(i.net_total_minor) })), files, codes };
      } finally {
        await db.close();
      }
    }

    /** The later-dated correction is the invoice's version; the original is superseded. */
    async function assertCorrectionCurrent(d: TestDatabase, note: string): Promise<void> {
      const s = await state(d);
      assert.deepEqual(s.invoices, [{ invoice_date: '2025-04-12', net_total_minor: originalNet + 100, file: '000084602910-corrected.csv' }]);
      assert.deepEqual(s.files, { '000084602910-corrected.csv': 'loaded', '000084602910.csv': 'superseded' });
      assert.deepEqual(s.codes, [note]);
    }

    test('a folder with an original and its later-dated correction keeps the correction, although name order loads the correction first', async () => {
      const d0 = await fresh();
      assert.equal((await ingest(d0, [original])).code, 0);
      originalNet = (await state(d0)).invoices[0]?.net_total_minor ?? 0;
      assert.ok(originalNet > 0);

      const folder = path.join(tmp.dir, 'pair');
      fs.mkdirSync(folder);
      fs.copyFileSync(original, path.join(folder, '000084602910.csv'));
      fs.copyFileSync(later, path.join(folder, '000084602910-corrected.csv'));
      const d = await fresh();
      const r = await ingest(d, [folder]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stderr.indexOf('000084602910-corrected.csv') < r.stderr.indexOf('000084602910.csv'), 'the correction is loaded first');
      assert.match(r.stderr, /= 000084602910\.csv: 000084602910\.csv, row 1: invoice 000084602910 dated 2025-04-05 is older than the version dated 2025-04-12 already loaded from 000084602910-corrected\.csv; this version was not loaded/);
      await assertCorrectionCurrent(d, 'invoice_outdated');
    });

    test('command-line order reversed (original first): the later-dated correction still wins', async () => {
      const d = await fresh();
      const r = await ingest(d, [original, later]);
      assert.equal(r.code, 0, r.stderr);
      await assertCorrectionCurrent(d, 'invoice_replaced');
    });

    test('an older version arriving in a later run does not replace the later-dated one', async () => {
      const d = await fresh();
      assert.equal((await ingest(d, [later])).code, 0);
      const r = await ingest(d, [original]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /is older than the version dated 2025-04-12/);
      assert.deepEqual((await state(d)).invoices, [{ invoice_date: '2025-04-12', net_total_minor: originalNet + 100, file: '000084602910-corrected.csv' }]);
    });

    test('the same issue date in one run cannot be ordered: the loaded version stays, the other is reported (exit 1), in either order', async () => {
      for (const [first, second] of [[original, sameDay], [sameDay, original]] as const) {
        const d = await fresh();
        const r = await ingest(d, [first, second]);
        assert.equal(r.code, 1, r.stderr);
        const firstName = path.basename(first);
        const secondName = path.basename(second);
        assert.match(r.stderr, new RegExp(`${secondName.replace('.', '\\.')}: quarantined: .*invoice 000084602910 is also in ${firstName.replace('.', '\\.')}, loaded earlier in this run with the same issue date 2025-04-05; nothing in the files says which version is newer`));
        const s = await state(d);
        assert.deepEqual(s.invoices.map((i) => i.file), [firstName]);
        assert.deepEqual(s.files, { [firstName]: 'loaded', [secondName]: 'quarantined' });
        assert.deepEqual(s.codes, ['invoice_conflict']);
      }
    });

    test('the same issue date in a later run: the version landed later wins', async () => {
      const d = await fresh();
      assert.equal((await ingest(d, [original])).code, 0);
      const r = await ingest(d, [sameDay]);
      assert.equal(r.code, 0, r.stderr);
      const s = await state(d);
      assert.deepEqual(s.invoices, [{ invoice_date: '2025-04-05', net_total_minor: originalNet + 250, file: '000084602910-rebilled.csv' }]);
      assert.deepEqual(s.files, { '000084602910.csv': 'superseded', '000084602910-rebilled.csv': 'loaded' });
    });
  });
}
