/**
 * Months are defined once, by the dialect adapter (src/db/dialect): the report and the
 * spend_by_month view agree with the invoice dates on both databases, also when a PostgreSQL
 * session's DateStyle would print a date as `08/03/2025` (CAST(date AS TEXT) depends on it).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/connect.js';
import { collectReportData } from '../../src/report/data.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { ingest } from '../support/ingest.js';
import { UPS_FIXTURES } from '../support/paths.js';

const FILES = ['de-latin1-standard.csv', 'us-multipiece-inches.csv', 'gb-semicolon-decimal-comma.csv'].map((f) => path.join(UPS_FIXTURES, f));

for (const dialect of DIALECTS) {
  describe(`months on ${dialect}`, () => {
    const t = useTestDatabase(dialect);

    test('the report, the spend_by_month view and the invoice dates give the same months', async () => {
      const results = await ingest(t.db, t.tdb.dataDir, FILES);
      assert.deepEqual(results.map((r) => r.status), ['loaded', 'loaded', 'loaded']);
      // the months as the dates read in an ISO session (the default)
      const dates = await t.db.db.selectFrom('invoices').select('invoice_date').execute();
      const expected = [...new Set(dates.map((d) => String(d.invoice_date).slice(0, 7)))].sort();
      assert.ok(expected.length >= 2, `fixtures span several months: ${expected.join(', ')}`);
      for (const m of expected) assert.match(m, /^\d{4}-\d{2}$/);
      if (dialect === 'postgres') {
        const name = new URL(t.tdb.url).pathname.slice(1);
        await sql.raw(`ALTER DATABASE ${name} SET DateStyle = 'SQL, DMY'`).execute(t.db.db);
      }
      const db = await openDatabase(t.tdb.url); // a new session, with the database's DateStyle
      try {
        if (dialect === 'postgres') {
          const style = await sql<{ d: string }>`SELECT CAST(DATE '2025-03-08' AS TEXT) AS d`.execute(db.db);
          assert.equal(style.rows[0]?.d, '08/03/2025', 'the session prints dates day first');
        }
        const view = await sql<{ month: string }>`SELECT DISTINCT month FROM spend_by_month ORDER BY month`.execute(db.db);
        assert.deepEqual(view.rows.map((r) => r.month), expected);

        const report = await collectReportData(db, { generatedAt: new Date(), chartLibrary: { name: 'x', version: '0' } });
        assert.deepEqual(report.months, expected);
        assert.deepEqual([...new Set(report.spend.map((r) => r.month))].sort(), expected);
      } finally {
        await db.close();
      }
    });
  });
}
