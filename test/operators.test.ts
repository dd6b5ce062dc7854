/**
 * Issue 11, end to end through the `etl` CLI on both databases: operators fix their own data.
 * An unmapped charge gets an override with `etl charges map`, `etl remap` re-codes exactly those
 * lines (amounts, totals and lineage untouched, a second run changes nothing, the views and the
 * dashboard show the new code); a quarantined file is retried when what decides its fate changed,
 * and says why not otherwise; `etl retry` re-runs quarantined files from the landing store.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../src/db/connect.js';
import { runCli, type CliResult } from './support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from './support/databases.js';
import { CLI, fixtureDirOf, tempDir, UPS_FIXTURES } from './support/paths.js';

const UNMAPPED_FILE = path.join(UPS_FIXTURES, 'de-latin1-standard.csv');
const UNMAPPED = 'Zuschlag Sonderzone';

/** A UPS file with a header row added by hand: no carrier recognizes it, `--carrier ups` reads it. */
/**
 * A GLS header file with DPD's column names added (a merged export): GLS and DPD both claim it,
 * so without --carrier it is quarantined as ambiguous; with --carrier gls it loads. `extra` sets
 * the added columns' order, so two such files differ in their bytes.
 */
function claimedByTwo(dir: string, name: string, extra = ['Fracht', 'Dieselzuschlag', 'Maut', 'PLZ Empfänger', 'Rechnungsbetrag']): string {
  const out = path.join(dir, name);
  const [header = '', ...rows] = fs.readFileSync(path.join(fixtureDirOf('gls'), 'de-header-two-invoices.csv'), 'utf8').split('\n');
  const blanks = ';'.repeat(extra.length);
  fs.writeFileSync(out, [`${header.replace(/\r$/, '')};${extra.join(';')}`, ...rows.map((r) => (r === '' ? r : `${r.replace(/\r$/, '')}${blanks}`))].join('\n'));
  return out;
}

function reportData(file: string): { unmapped: { description: string; fix_command: string }[]; overrides: { pattern: string; charge_code: string; lines: number }[] } {
  const html = fs.readFileSync(file, 'utf8');
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the report embeds its data');
  return JSON.parse(m[1] as string) as ReturnType<typeof reportData>;
}

async function charges(db: Db) {
  return db.db
    .selectFrom('charges')
    .select(['id', 'invoice_id', 'shipment_id', 'tracking_number', 'charge_code', 'charge_description', 'amount_minor', 'incentive_minor', 'currency', 'source_file_id', 'source_row'])
    .orderBy('id')
    .execute();
}

async function totals(db: Db) {
  return {
    invoices: await db.db.selectFrom('invoices').selectAll().orderBy('id').execute(),
    shipments: await db.db.selectFrom('shipments').selectAll().orderBy('id').execute(),
    sourceFiles: await db.db.selectFrom('source_files').select(['id', 'status', 'sha256', 'stored_path']).orderBy('id').execute(),
  };
}

/** Charge lines per code in the `spend_by_month` view. */
async function spendByCode(db: Db): Promise<Map<string, number>> {
  const rows = await sql<{ charge_code: string; n: number | string }>`SELECT charge_code, SUM(charge_count) AS n FROM spend_by_month GROUP BY charge_code ORDER BY charge_code`.execute(db.db);
  return new Map(rows.rows.map((r) => [r.charge_code, Number(r.n)]));
}

for (const dialect of DIALECTS) {
  describe(`operators fix their own data (${dialect})`, () => {
    let tdb: TestDatabase;
    let db: Db;
    const tmp = tempDir('etl-operators-');
    const etl = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => runCli(['--db', tdb.url, '--data-dir', tdb.dataDir, ...args], { ETL_OPERATOR: 'ops-anna', ...env });
    before(async () => {
      tdb = await createTestDatabase(dialect);
      db = await tdb.open();
    });
    after(async () => {
      await db.close();
      await tdb.drop();
      tmp.cleanup();
    });

    describe('an unmapped charge: override, remap, views and dashboard', () => {
      let loaded: Awaited<ReturnType<typeof charges>>;
      let loadedTotals: Awaited<ReturnType<typeof totals>>;
      let loadedSpend: Map<string, number>;

      test('a file with an unmapped charge loads, with a warning that names the fixing command', async () => {
        const r = await etl(['ingest', UNMAPPED_FILE]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /no canonical code for charge "Zuschlag Sonderzone" \(code ZZZ\); loaded as unmapped — map it with: etl charges map --carrier ups -- 'Zuschlag Sonderzone' <code>, then etl remap/);
        loaded = await charges(db);
        loadedTotals = await totals(db);
        loadedSpend = await spendByCode(db);
        assert.equal(loaded.filter((c) => c.charge_code === 'unmapped').length, 1);
      });

      test('the dashboard shows the exact etl charges map command for the unmapped description', async () => {
        const out = path.join(tmp.dir, `before-${dialect}.html`);
        const r = await etl(['report', '--out', out]);
        assert.equal(r.code, 0, r.stderr);
        const data = reportData(out);
        assert.deepEqual(data.unmapped.map((u) => [u.description, u.fix_command]), [[UNMAPPED, "etl charges map --carrier ups -- 'Zuschlag Sonderzone' <code>"]]);
        assert.deepEqual(data.overrides, []);
      });

      test('an override to an unknown canonical code is refused with the list of valid codes', async () => {
        const r = await etl(['charges', 'map', '--carrier', 'ups', UNMAPPED, 'remote-area']);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /"remote-area" is not a canonical charge code; valid codes: freight, fuel, .*remote_area.*, other\n/);
        assert.equal((await db.db.selectFrom('charge_map_overrides').selectAll().execute()).length, 0);
      });

      test('the command etl charges --unmapped prints, run by a shell as printed, adds the override', async () => {
        const list = await etl(['--json', 'charges', '--unmapped']);
        assert.equal(list.code, 0, list.stderr);
        const [u] = JSON.parse(list.stdout) as { description: string; map_command: string }[];
        assert.equal(u?.description, UNMAPPED);
        const command = (u?.map_command ?? '').replace(/^etl /, `"${process.execPath}" "${CLI}" --db "${tdb.url}" --data-dir "${tdb.dataDir}" `).replace('<code>', 'remote_area');
        const r = spawnSync('sh', ['-c', command], { encoding: 'utf8', env: { ...process.env, ETL_OPERATOR: 'ops-anna' } });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /override added: ups label "Zuschlag Sonderzone" → remote_area/);
        const o = await etl(['--json', 'charges', '--overrides']);
        const overrides = JSON.parse(o.stdout) as { carrier: string; match: string; pattern: string; chargeCode: string; source: string; createdBy: string }[];
        assert.deepEqual(overrides.map((x) => [x.carrier, x.match, x.pattern, x.chargeCode, x.source, x.createdBy]), [['ups', 'label', UNMAPPED, 'remote_area', 'database', 'ops-anna']]);
      });

      test('etl remap --dry-run says what would change and changes nothing', async () => {
        const r = await etl(['--json', 'remap', '--dry-run']);
        assert.equal(r.code, 0, r.stderr);
        const s = JSON.parse(r.stdout) as { run_id: number | null; charge_lines: number };
        assert.deepEqual([s.run_id, s.charge_lines], [null, 1]);
        assert.deepEqual(await charges(db), loaded);
      });

      test('etl remap re-codes exactly those lines; amounts, shipment and invoice totals and lineage are unchanged', async () => {
        const r = await etl(['--json', 'remap']);
        assert.equal(r.code, 0, r.stderr);
        const s = JSON.parse(r.stdout) as { run_id: number; invoices: number; charge_lines: number; changes: unknown[] };
        assert.deepEqual(s.changes, [{ carrier: 'ups', oldCode: 'unmapped', newCode: 'remote_area', lines: 1, invoices: 1 }]);
        const expected = loaded.map((c) => (c.charge_code === 'unmapped' && c.charge_description === UNMAPPED ? { ...c, charge_code: 'remote_area' } : c));
        assert.deepEqual(await charges(db), expected);
        assert.deepEqual(await totals(db), loadedTotals);
        const recorded = await db.db.selectFrom('charge_remaps').select(['run_id', 'carrier', 'old_code', 'new_code', 'charge_lines', 'invoices']).execute();
        assert.deepEqual(recorded.map((x) => ({ ...x, run_id: Number(x.run_id) })), [{ run_id: s.run_id, carrier: 'ups', old_code: 'unmapped', new_code: 'remote_area', charge_lines: 1, invoices: 1 }]);
        const run = await db.db.selectFrom('etl_runs').select(['command', 'status', 'charges']).where('id', '=', s.run_id).executeTakeFirstOrThrow();
        assert.deepEqual(run, { command: 'remap', status: 'succeeded', charges: 1 });
      });

      test('a second etl remap changes nothing', async () => {
        const before = await charges(db);
        const r = await etl(['--json', 'remap']);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual((JSON.parse(r.stdout) as { changes: unknown[] }).changes, []);
        assert.deepEqual(await charges(db), before);
        assert.deepEqual(await totals(db), loadedTotals);
      });

      test('the views and the dashboard show the new code and the override in use', async () => {
        const spend = await spendByCode(db);
        const expected = new Map(loadedSpend);
        expected.delete('unmapped');
        expected.set('remote_area', (loadedSpend.get('remote_area') ?? 0) + 1);
        assert.deepEqual(spend, expected);
        const out = path.join(tmp.dir, `after-${dialect}.html`);
        const r = await etl(['report', '--out', out]);
        assert.equal(r.code, 0, r.stderr);
        const data = reportData(out);
        assert.deepEqual(data.unmapped, []);
        assert.deepEqual(data.overrides.map((o) => [o.pattern, o.charge_code, o.lines]), [[UNMAPPED, 'remote_area', 1]]);
        assert.match(r.stderr, /0 unmapped charge descriptions/);
      });
    });

    describe('overrides in etl.config.yaml', () => {
      test('an override to an unknown code in the config is refused with file:line and the valid codes', async () => {
        const cfg = path.join(tmp.dir, 'bad.yaml');
        fs.writeFileSync(cfg, 'charges:\n  ups:\n    codes:\n      ZZZ: remote\n');
        const r = await etl(['ingest', '--config', cfg, UNMAPPED_FILE]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /bad\.yaml:4: charges\.ups\.codes\.ZZZ: "remote" is not a canonical charge code; valid codes: freight, fuel/);
        fs.writeFileSync(cfg, 'charges:\n  pigeon-post:\n    labels:\n      Extra: other\n');
        const u = await etl(['remap', '--config', cfg]);
        assert.equal(u.code, 2);
        assert.match(u.stderr, /bad\.yaml:2: charges\.pigeon-post: unknown carrier "pigeon-post" \(known: ups, /);
      });

      test('a config override wins over the built-in map at ingest and in remap, and is listed', async () => {
        // Fuel Surcharge is mapped to fuel by UPS's built-in map; the operator says otherwise
        const cfg = path.join(tmp.dir, 'etl.config.yaml');
        fs.writeFileSync(cfg, 'charges:\n  ups:\n    labels:\n      "Fuel Surcharge": other\n');
        const fuelBefore = (await charges(db)).filter((c) => c.charge_description.startsWith('Fuel Surcharge')).length;
        const r = await etl(['ingest', path.join(UPS_FIXTURES, 'en-quoted-bom.csv')], { ETL_CONFIG: cfg });
        assert.equal(r.code, 0, r.stderr);
        const fuel = (await charges(db)).filter((c) => c.charge_description.startsWith('Fuel Surcharge'));
        assert.ok(fuel.length > fuelBefore, 'the file bills fuel surcharges');
        assert.deepEqual(new Set(fuel.slice(fuelBefore).map((c) => c.charge_code)), new Set(['other']));
        const l = await etl(['--json', 'charges', '--overrides', '--config', cfg]);
        assert.ok((JSON.parse(l.stdout) as { pattern: string; source: string }[]).some((o) => o.pattern === 'Fuel Surcharge' && o.source === 'config'));
        // without the config, remap goes back to the built-in map for exactly those lines
        const back = await etl(['--json', 'remap', '--carrier', 'ups']);
        assert.equal(back.code, 0, back.stderr);
        const changes = (JSON.parse(back.stdout) as { changes: { oldCode: string; newCode: string; lines: number }[] }).changes;
        assert.deepEqual(changes.map((c) => [c.oldCode, c.newCode, c.lines]), [['other', 'fuel', fuel.length - fuelBefore]]);
      });
    });

    describe('suggestions', () => {
      test('a suggestion is shown, never applied by itself; --apply-suggestions saves it as an override that remap uses', async () => {
        // the same invoice billed again with a misspelt surcharge name (a corrected file replaces it)
        const misspelt = path.join(tmp.dir, 'misspelt.csv');
        fs.writeFileSync(misspelt, Buffer.from(fs.readFileSync(UNMAPPED_FILE).toString('latin1').replace(UNMAPPED, 'Zustelbereichzuschlag'), 'latin1'));
        assert.equal((await etl(['ingest', misspelt])).code, 0);
        const countOverrides = async () => (await db.db.selectFrom('charge_map_overrides').select('pattern').execute()).length;
        const before = await countOverrides();
        const list = await etl(['--json', 'charges', '--unmapped']);
        assert.equal(list.code, 0, list.stderr);
        const shown = JSON.parse(list.stdout) as { description: string; suggestion: { code: string; reason: string } | null; map_command: string }[];
        assert.deepEqual(shown.map((u) => [u.description, u.suggestion?.code, u.map_command]), [['Zustelbereichzuschlag', 'delivery_area', 'etl charges map --carrier ups -- Zustelbereichzuschlag delivery_area']]);
        assert.match(shown[0]?.suggestion?.reason ?? '', /close to ups label "Zustellbereichszuschlag"/);
        assert.equal(await countOverrides(), before, 'listing applies nothing');
        assert.equal((await charges(db)).filter((c) => c.charge_code === 'unmapped').length, 1);
        const apply = await etl(['charges', '--unmapped', '--apply-suggestions']);
        assert.equal(apply.code, 0, apply.stderr);
        assert.match(apply.stderr, /1 suggestion\(s\) applied as overrides; run etl remap/);
        const saved = await db.db.selectFrom('charge_map_overrides').select(['pattern', 'charge_code', 'created_by']).where('pattern', '=', 'Zustelbereichzuschlag').execute();
        assert.deepEqual(saved, [{ pattern: 'Zustelbereichzuschlag', charge_code: 'delivery_area', created_by: 'ops-anna (suggestion)' }]);
        const r = await etl(['--json', 'remap']);
        assert.deepEqual((JSON.parse(r.stdout) as { changes: { oldCode: string; newCode: string; lines: number }[] }).changes.map((c) => [c.oldCode, c.newCode, c.lines]), [['unmapped', 'delivery_area', 1]]);
      });
    });

    describe('retrying quarantined files', () => {
      test('a file two carriers claim is quarantined; ingesting it unchanged again exits 1 and says why nothing was retried', async () => {
        const file = claimedByTwo(tmp.dir, 'hand-edited.csv');
        const first = await etl(['ingest', file]);
        assert.equal(first.code, 1);
        assert.match(first.stderr, /hand-edited\.csv: quarantined: hand-edited\.csv, row 1: it could be gls or dpd; pass --carrier/);
        const again = await etl(['ingest', file]);
        assert.equal(again.code, 1);
        assert.match(again.stderr, /identical file already quarantined \(source file \d+\) and nothing that decides its fate changed \(--carrier none, --account none, ETL [^,]+, same carrier adapters and charge-map overrides\): not retried/);
        const rows = await db.db.selectFrom('source_files').select(['status', 'attempts']).where('original_name', '=', 'hand-edited.csv').execute();
        assert.deepEqual(rows, [{ status: 'quarantined', attempts: 1 }]);
      });

      test('re-ingested with --carrier it is retried and loads; its row becomes loaded and status counts stay true', async () => {
        const file = path.join(tmp.dir, 'hand-edited.csv');
        const r = await etl(['ingest', '--carrier', 'gls', file]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /↻ hand-edited\.csv: quarantined before \(source file (\d+)\); tried again: --carrier changed \(none → "gls"\)\n/);
        assert.match(r.stderr, /\+ hand-edited\.csv: 2 invoice\(s\)/);
        const row = await db.db.selectFrom('source_files').select(['id', 'status', 'attempts', 'carrier', 'fate_key']).where('original_name', '=', 'hand-edited.csv').executeTakeFirstOrThrow();
        assert.deepEqual([row.status, row.attempts, row.carrier], ['loaded', 2, 'gls']);
        assert.equal(JSON.parse(row.fate_key ?? '{}').carrier, 'gls');
        const inv = await db.db.selectFrom('invoices').select('source_file_id').where('source_file_id', '=', row.id).execute();
        assert.equal(inv.length, 2);
        // the quarantine's issues went with it: the file's issues are this load's
        const issues = await db.db.selectFrom('data_issues').select('code').where('source_file_id', '=', row.id).execute();
        assert.ok(!issues.some((i) => i.code === 'ambiguous_carrier'));
        const s = await etl(['--json', 'status']);
        assert.equal((JSON.parse(s.stdout) as { files: { quarantined: number } }).files.quarantined, 0);
        // and it is now an ordinary loaded file: identical bytes are skipped
        const again = await etl(['ingest', '--carrier', 'gls', file]);
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stderr, /identical file already loaded/);
      });

      test('etl retry re-runs a quarantined file from the landing store, without the original', async () => {
        const file = claimedByTwo(tmp.dir, 'gone-later.csv', ['Rechnungsbetrag', 'Maut', 'Dieselzuschlag', 'Fracht', 'PLZ Empfänger']);
        assert.equal((await etl(['ingest', file])).code, 1);
        const { id } = await db.db.selectFrom('source_files').select('id').where('original_name', '=', 'gone-later.csv').executeTakeFirstOrThrow();
        fs.rmSync(file);
        const loaded = await etl(['retry', 'abc']);
        assert.equal(loaded.code, 2);
        const r = await etl(['retry', '--carrier', 'gls', String(id)]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /↻ gone-later\.csv: quarantined before \(source file \d+\); tried again: etl retry/);
        const row = await db.db.selectFrom('source_files').select(['status', 'original_name']).where('id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual(row, { status: 'loaded', original_name: 'gone-later.csv' });
        const notQuarantined = await etl(['retry', String(id)]);
        assert.equal(notQuarantined.code, 2);
        assert.match(notQuarantined.stderr, /source file \d+ \(gone-later\.csv\) is loaded, not quarantined/);
      });

      test('etl retry --all of a file that is still bad keeps it quarantined once, with its issues once, and exits 1', async () => {
        const odd = path.join(tmp.dir, 'notes.csv');
        fs.writeFileSync(odd, 'date,what,amount\n2025-03-01,lunch,12.50\n');
        assert.equal((await etl(['ingest', odd])).code, 1);
        const { id } = await db.db.selectFrom('source_files').select('id').where('original_name', '=', 'notes.csv').executeTakeFirstOrThrow();
        const issuesBefore = await db.db.selectFrom('data_issues').select(['code', 'message']).where('source_file_id', '=', id).execute();
        const r = await etl(['retry', '--all']);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /notes\.csv: quarantined: notes\.csv, row 1: no carrier recognizes this file/);
        const rows = await db.db.selectFrom('source_files').select(['id', 'status', 'attempts']).where('original_name', '=', 'notes.csv').execute();
        assert.deepEqual(rows.map((x) => ({ ...x, id: Number(x.id) })), [{ id: Number(id), status: 'quarantined', attempts: 2 }]);
        assert.deepEqual(await db.db.selectFrom('data_issues').select(['code', 'message']).where('source_file_id', '=', id).execute(), issuesBefore);
      });
    });
  });
}
