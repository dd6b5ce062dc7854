/**
 * shipments.receiver_company (migration 0010) in the database, on SQLite and on a real
 * PostgreSQL, through the CLI: a UPS file whose col 76 Receiver Company Name is set on some rows
 * (the golden us-multipiece-inches.csv with three receivers named) fills the column from the
 * shipment's first row that states one, and the residential surcharge to the company receiver
 * (and only that one) becomes a `residential_business` finding, marked as a heuristic.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { fixtureDirOf, tempDir } from '../support/paths.js';

const SOURCE = path.join(fixtureDirOf('ups'), 'us-multipiece-inches.csv');
const COMPANY = 76; // UPS Billing Data: Receiver Company Name (../shared/formats.md 1c)

/** tracking number → [physical rows (1-based) that get the company, the company]. */
const NAMED: Record<string, [number[], string]> = {
  // Dom. Standard, Fuel Surcharge, Residential Surcharge 3.59: named on the surcharge row only
  '1ZHHE52X0329440223': [[3], 'Keystone Dental Supply LLC'],
  // Dom. Standard, Fuel Surcharge, Additional Handling: a company, but no residential surcharge
  '1ZHHE52X0381490352': [[10, 11, 12], 'Prairie Hardware Co.'],
  // WW Standard to Canada, no residential surcharge
  '1ZHHE52X1171208139': [[29], 'Boulangerie Tremblay Inc.'],
};

/** The golden file with the receiver companies written into col 76 of the rows above. */
function withCompanies(): string {
  const rows = fs.readFileSync(SOURCE, 'utf8').split('\n');
  assert.ok(!rows.some((r) => r.includes('"')), 'the source has no quoted fields, so a comma split is exact');
  return rows
    .map((r, i) => {
      if (r === '') return r;
      const fields = r.split(',');
      assert.equal(fields[COMPANY - 1], '', `row ${i + 1} states no receiver company yet`);
      const named = NAMED[fields[20] ?? ''];
      if (named !== undefined && named[0].includes(i + 1)) fields[COMPANY - 1] = named[1];
      return fields.join(',');
    })
    .join('\n');
}

for (const dialect of DIALECTS) {
  describe(`receiver company on ${dialect}: UPS col 76 into shipments.receiver_company and the residential_business heuristic`, () => {
    const t = useTestDatabase(dialect);
    const tmp = tempDir('etl-company-');
    after(() => tmp.cleanup());
    const cli = (...args: string[]) => runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, ...args]);
    const file = path.join(tmp.dir, 'ups-companies.csv');

    before(async () => {
      fs.writeFileSync(file, withCompanies());
      const r = await cli('ingest', '--carrier', 'ups', file);
      assert.equal(r.code, 0, r.stderr);
    });

    test('the column holds the company the file states, from any row of the shipment; NULL where it states none', async () => {
      const rows = await t.db.db.selectFrom('shipments').select(['tracking_number', 'receiver_company']).orderBy('tracking_number').execute();
      assert.equal(rows.length, 12);
      const named = rows.filter((r) => r.receiver_company !== null).map((r) => [r.tracking_number, r.receiver_company]);
      assert.deepEqual(named, Object.entries(NAMED).map(([tracking, [, company]]) => [tracking, company]).sort());
    });

    test('only the residential surcharge to the company receiver is a finding, marked as a heuristic, with its line', async () => {
      const found = await t.db.db.selectFrom('audit_findings').select(['rule', 'severity', 'heuristic', 'tracking_number', 'amount_minor', 'currency', 'explanation', 'evidence']).where('rule', '=', 'residential_business').execute();
      assert.deepEqual(
        found.map((f) => [f.rule, f.severity, Boolean(f.heuristic), f.tracking_number, Number(f.amount_minor), f.currency]),
        [['residential_business', 'medium', true, '1ZHHE52X0329440223', 359, 'USD']],
      );
      assert.deepEqual((JSON.parse(found[0]?.evidence ?? '[]') as Array<{ file: string; row: number }>).map((e) => `${e.file}:${e.row}`), ['ups-companies.csv:3']);
      assert.match(found[0]?.explanation ?? '', /"Keystone Dental Supply LLC"/);
      // the other residential surcharge (1ZHHE52X0307368747, 5.20) goes to a receiver with no company
      const resi = await t.db.db.selectFrom('charges').select(['tracking_number']).where('charge_code', '=', 'residential').orderBy('tracking_number').execute();
      assert.ok(resi.some((c) => c.tracking_number === '1ZHHE52X0307368747'), 'the fixture has a residential surcharge without a company');
    });

    test('recomputing the audit changes nothing', async () => {
      const before = await t.db.db.selectFrom('audit_findings').select(['finding_key']).orderBy('finding_key').execute();
      const r = await cli('audit', '--all');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await t.db.db.selectFrom('audit_findings').select(['finding_key']).orderBy('finding_key').execute(), before);
    });
  });
}
