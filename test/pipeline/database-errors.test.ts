/**
 * One file's text or one file's database error never stops the other files, and text is stored
 * the same on both databases: control characters (NUL, ESC, DEL...) are removed from text fields
 * with a warning naming file, row and column; a statement the database refuses for one file's
 * data quarantines that file with the database's message, and the next file loads.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { findCarrier } from '../../carriers/index.js';
import { writeLargeUpsFile } from '../../fixtures/generate/ups.js';
import { ingestPaths } from '../../src/pipeline/ingest.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { tempDir, UPS_FIXTURES } from '../support/paths.js';
import { rewriteCsv } from '../support/rewrite.js';

const UPS = findCarrier('ups');
if (UPS === undefined) throw new Error('no ups adapter');
const SOURCE = path.join(UPS_FIXTURES, 'us-multipiece-inches.csv');
const NEXT = path.join(UPS_FIXTURES, 'de-adjustments.csv');
const DESCRIPTION = 45; // 0-based: column 46 Charge Description
const TRACKING = 20; // 0-based: column 21 Tracking Number
/** Rows from here on lie past the first 8 KiB, which binary sniffing looks at. */
const PAST_SNIFF = 24;

for (const dialect of DIALECTS) {
  describe(`text and database errors on ${dialect}`, () => {
    const t = useTestDatabase(dialect);
    const tmp = tempDir('etl-dberr-');
    after(() => tmp.cleanup());
    const ingest = (files: string[]) => ingestPaths({ db: t.db, dataDir: t.tdb.dataDir, runId: null }, files, { carrier: UPS, carriers: [UPS] });

    test('a NUL in a charge description is removed with a warning naming file, row and column, on both databases; the next file still loads', async () => {
      const file = path.join(tmp.dir, 'fuel-nul.csv');
      let row = 0;
      rewriteCsv(SOURCE, file, ',', (f, i) => {
        if (row === 0 && i >= PAST_SNIFF && f[DESCRIPTION] === 'Fuel Surcharge') {
          f[DESCRIPTION] = 'Fuel\x00Surcharge';
          row = i + 1;
        }
      });
      assert.ok(row > 0);
      const results = await ingest([file, NEXT]);
      assert.deepEqual(results.map((r) => r.status), ['loaded', 'loaded']);
      const stored = await t.db.db
        .selectFrom('charges')
        .innerJoin('source_files', 'source_files.id', 'charges.source_file_id')
        .select('charges.charge_description')
        .where('source_files.original_name', '=', 'fuel-nul.csv')
        .where('charges.source_row', '=', row)
        .execute();
      assert.deepEqual(stored.map((s) => s.charge_description), ['FuelSurcharge']);
      const issues = await t.db.db.selectFrom('data_issues').select(['file_name', 'source_row', 'source_column', 'severity', 'message']).where('code', '=', 'control_character').execute();
      assert.deepEqual(issues.map((i) => [i.file_name, i.source_row, i.source_column, i.severity]), [['fuel-nul.csv', row, '46 Charge Description', 'warning']]);
      assert.match(issues[0]?.message ?? '', /"Fuel\\u0000Surcharge" holds control character\(s\) U\+0000; stored without them as "FuelSurcharge"/);
    });

    test('backslashes and \\N in text are stored as written (PostgreSQL loads by COPY, whose text format escapes them)', async () => {
      const file = path.join(tmp.dir, 'backslash.csv');
      const odd = 'Fuel \\N Surcharge C:\\temp\\ \\t \\\\';
      let row = 0;
      rewriteCsv(SOURCE, file, ',', (f, i) => {
        if (row === 0 && i >= 3 && f[DESCRIPTION] === 'Fuel Surcharge') {
          f[DESCRIPTION] = odd;
          row = i + 1;
        }
      });
      assert.ok(row > 0);
      const [r] = await ingest([file]);
      assert.equal(r?.status, 'loaded');
      const stored = await t.db.db
        .selectFrom('charges')
        .innerJoin('source_files', 'source_files.id', 'charges.source_file_id')
        .select('charges.charge_description')
        .where('source_files.original_name', '=', 'backslash.csv')
        .where('charges.source_row', '=', row)
        .execute();
      assert.deepEqual(stored.map((s) => s.charge_description), [odd]);
    });

    test('ESC and DEL in a tracking number are removed the same way, and the shipment keeps its charges together', async () => {
      const file = path.join(tmp.dir, 'tracking-esc.csv');
      let target = '';
      const rows: number[] = [];
      rewriteCsv(SOURCE, file, ',', (f, i) => {
        // ESC and DEL are not NUL: a few of them do not make the file look binary, wherever they are
        if (target === '' && i >= 3) target = f[TRACKING] ?? '';
        if (target !== '' && f[TRACKING] === target) {
          f[TRACKING] = `\x1b[31m${target}\x7f`;
          rows.push(i + 1);
        }
      });
      assert.ok(rows.length >= 2, 'a shipment with several charge rows');
      const [r] = await ingest([file]);
      assert.equal(r?.status, 'loaded');
      const ships = await t.db.db.selectFrom('shipments').select(['tracking_number', 'id']).where('tracking_number', 'like', `%${target.slice(2)}%`).execute();
      // the clean number: same as in the original file, one shipment (this file's), all its charges on it
      const mine = ships.filter((s) => s.tracking_number === `[31m${target}`);
      assert.equal(mine.length, 1, JSON.stringify(ships));
      const charges = await t.db.db.selectFrom('charges').select('source_row').where('shipment_id', '=', mine[0]?.id ?? -1).orderBy('source_row').execute();
      assert.deepEqual(charges.map((c) => c.source_row), rows);
      const issues = await t.db.db.selectFrom('data_issues').select(['source_row', 'source_column', 'message']).where('file_name', '=', 'tracking-esc.csv').where('code', '=', 'control_character').orderBy('id').execute();
      assert.equal(issues.length, rows.length);
      assert.equal(issues[0]?.source_column, '21 Tracking Number');
      assert.match(issues[0]?.message ?? '', /U\+001B, U\+007F/);
    });

    /** A rule of the database's own (a trigger) refusing one charge: a per-file data error. */
    async function refuseCharges(description: string): Promise<() => Promise<void>> {
      if (dialect === 'postgres') {
        await sql`CREATE FUNCTION refuse_test_charge() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.charge_description = ${sql.lit(description)} THEN
              RAISE EXCEPTION 'charge refused by a database rule' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
          END $$`.execute(t.db.db);
        await sql`CREATE TRIGGER refuse_test_charge BEFORE INSERT ON charges FOR EACH ROW EXECUTE FUNCTION refuse_test_charge()`.execute(t.db.db);
      } else {
        await sql`CREATE TRIGGER refuse_test_charge BEFORE INSERT ON charges WHEN NEW.charge_description = ${sql.lit(description)}
          BEGIN SELECT RAISE(ABORT, 'charge refused by a database rule'); END`.execute(t.db.db);
      }
      return async () => {
        await sql`DROP TRIGGER refuse_test_charge${dialect === 'postgres' ? sql` ON charges` : sql``}`.execute(t.db.db);
        if (dialect === 'postgres') await sql`DROP FUNCTION refuse_test_charge()`.execute(t.db.db);
      };
    }

    test('a file whose rows the database refuses is quarantined with the database message; the file after it loads', async () => {
      const undo = await refuseCharges('Refused Charge');
      try {
        const refused = path.join(tmp.dir, 'refused.csv');
        let done = false;
        rewriteCsv(path.join(UPS_FIXTURES, 'gb-semicolon-decimal-comma.csv'), refused, ';', (f) => {
          if (!done && f[DESCRIPTION] !== undefined && f[DESCRIPTION] !== '') {
            f[DESCRIPTION] = 'Refused Charge';
            done = true;
          }
        });
        const next = path.join(UPS_FIXTURES, 'en-quoted-bom.csv');
        const results = await ingest([refused, next]);
        assert.deepEqual(results.map((r) => r.status), ['quarantined', 'loaded']);
        assert.match(results[0]?.message ?? '', /refused\.csv: the database refused this file, so nothing of it was loaded: .*charge refused by a database rule/);
        const kept = await t.db.db.selectFrom('source_files').select(['status']).where('original_name', '=', 'refused.csv').execute();
        assert.deepEqual(kept.map((k) => k.status), ['quarantined']);
        const leftovers = await t.db.db.selectFrom('charges').select('id').where('charge_description', '=', 'Refused Charge').execute();
        assert.equal(leftovers.length, 0);
      } finally {
        await undo();
      }
    });

    test('a charge refused early in a large file (PostgreSQL: by a COPY running while later rows are read) quarantines the file with the database message', async () => {
      // 60k rows: more than one COPY's worth, so on PostgreSQL the refused row's COPY fails in
      // the background and the loader's next statement has to report the COPY's own error
      const large = path.join(tmp.dir, 'large-source.csv');
      await writeLargeUpsFile(large, { chargeRows: 60_000, seed: 11 });
      const refused = path.join(tmp.dir, 'large-refused.csv');
      let row = 0;
      rewriteCsv(large, refused, ',', (f, i) => {
        if (row === 0 && i >= 1000 && f[DESCRIPTION] === 'Fuel Surcharge') {
          f[DESCRIPTION] = 'Refused Fuel Surcharge';
          row = i + 1;
        }
      });
      assert.ok(row > 0);
      const undo = await refuseCharges('Refused Fuel Surcharge');
      try {
        // the connection is usable again after the failed COPY: the next file loads
        const results = await ingest([refused, path.join(UPS_FIXTURES, 'de-latin1-standard.csv')]);
        assert.deepEqual(results.map((r) => r.status), ['quarantined', 'loaded']);
        assert.match(results[0]?.message ?? '', /large-refused\.csv: the database refused this file, so nothing of it was loaded: .*charge refused by a database rule/);
        const left = await t.db.db
          .selectFrom('charges')
          .innerJoin('source_files', 'source_files.id', 'charges.source_file_id')
          .select(t.db.db.fn.countAll<number>().as('n'))
          .where('source_files.original_name', '=', 'large-refused.csv')
          .executeTakeFirstOrThrow();
        assert.equal(Number(left.n), 0, 'nothing of the refused file');
      } finally {
        await undo();
      }
    });
  });
}
