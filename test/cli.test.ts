/** The `etl` command line as a user runs it: exit codes, messages, JSON output, logs. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from './support/cli.js';
import { goldenCases, tempDir, UPS_FIXTURES } from './support/paths.js';

const tmp = tempDir('etl-cli-');
after(() => tmp.cleanup());
const golden = goldenCases(UPS_FIXTURES).map((c) => c.file);
const bad = goldenCases(path.join(UPS_FIXTURES, 'bad')).map((c) => c.file);

describe('etl usage errors exit 2', () => {
  test('unknown command', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });
  test('an unknown carrier names the known ones', async () => {
    const r = await runCli(['--data-dir', tmp.dir, 'ingest', '--carrier', 'pigeon', golden[0] ?? '']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown carrier "pigeon" \(known: ups/);
  });
  test('a path that does not exist', async () => {
    const r = await runCli(['--data-dir', tmp.dir, 'ingest', '--carrier', 'ups', path.join(tmp.dir, 'nope.csv')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nope\.csv: no such file or directory/);
  });
  test('an unsupported database URL', async () => {
    const r = await runCli(['--data-dir', tmp.dir, '--db', 'mysql://x', 'status']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unsupported database URL/);
  });
});

describe('etl system failures exit 3 and never print a password', () => {
  test('unreachable PostgreSQL', async () => {
    const r = await runCli(['--data-dir', tmp.dir, '--db', 'postgres://postgres:s3cr3t-pw@127.0.0.1:1/nothing', 'status']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nothing/);
    assert.doesNotMatch(r.stderr + r.stdout, /s3cr3t-pw/);
    const log = fs.existsSync(path.join(tmp.dir, 'logs', 'etl.log')) ? fs.readFileSync(path.join(tmp.dir, 'logs', 'etl.log'), 'utf8') : '';
    assert.doesNotMatch(log, /s3cr3t-pw/);
  });
});

describe('etl ingest, status and charges', () => {
  const dataDir = path.join(tmp.dir, 'run');

  test('good files load without --carrier (recognized as UPS): exit 0, a summary, JSON on request', async () => {
    const r = await runCli(['--data-dir', dataDir, '--json', 'ingest', ...golden]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { files: number; loaded: number; invoices: number; charges: number; unreconciled: number };
    assert.equal(out.files, golden.length);
    assert.equal(out.loaded, golden.length);
    assert.equal(out.invoices, golden.length);
    assert.equal(out.unreconciled, 0);
    assert.ok(out.charges > 100);
    const results = (JSON.parse(r.stdout) as { results: { carrier: string; detected: boolean }[] }).results;
    assert.deepEqual(new Set(results.map((x) => `${x.carrier} ${x.detected}`)), new Set(['ups true']));
  });

  test('a file no carrier recognizes is quarantined, naming what was looked at', async () => {
    const odd = path.join(tmp.dir, 'notes.csv');
    fs.writeFileSync(odd, 'date,what,amount\n2025-03-01,lunch,12.50\n');
    const r = await runCli(['--data-dir', dataDir, 'ingest', odd]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /notes\.csv: quarantined: notes\.csv, row 1: no carrier recognizes this file; looked at the first lines \("date,what,amount"\.\.\.\): ups 0\.00/);
  });

  test('a directory (walked recursively, so bad/ too): exit 1, each bad file named with row and column', async () => {
    const r = await runCli(['--data-dir', dataDir, 'ingest', '--carrier', 'ups', UPS_FIXTURES]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /non-numeric-amount\.csv: quarantined: non-numeric-amount\.csv, row 7, column 53 Net Amount: amount: "12\.3x" is not a number/);
    // the golden files in the directory were already loaded: unchanged
    assert.equal((r.stderr.match(/identical file already loaded/g) ?? []).length, golden.length);
  });

  test('status --json reports files, invoices and issues', async () => {
    const r = await runCli(['--data-dir', dataDir, '--json', 'status']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { files: { loaded: number; quarantined: number }; invoices: number; unreconciled: number; runs: number; issues: Record<string, number> };
    assert.deepEqual(s.files, { loaded: golden.length, quarantined: bad.length + 1, superseded: 0 });
    assert.equal(s.invoices, golden.length);
    assert.equal(s.runs, 3);
    assert.ok((s.issues.error ?? 0) >= 1);
    const human = await runCli(['--data-dir', dataDir, 'status']);
    assert.match(human.stdout, /quarantined +non-numeric-amount\.csv: /);
  });

  test('charges --unmapped lists descriptions without a code, with an example file and row', async () => {
    const r = await runCli(['--data-dir', dataDir, '--json', 'charges', '--unmapped']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { carrier: string; description: string; count: number; example: { file: string; row: number } }[];
    assert.deepEqual(list.map((u) => [u.carrier, u.description, u.count]), [['ups', 'Zuschlag Sonderzone', 1]]);
    assert.deepEqual(list[0]?.example, { file: 'de-latin1-standard.csv', row: 22 });
  });

  test('machine logs are JSON lines in the data dir', () => {
    const lines = fs.readFileSync(path.join(dataDir, 'logs', 'etl.log'), 'utf8').trim().split('\n');
    const events = lines.map((l) => JSON.parse(l) as { event?: string; file?: string; status?: string });
    assert.ok(events.some((e) => e.event === 'file' && e.file === 'non-numeric-amount.csv' && e.status === 'quarantined'));
    assert.ok(events.some((e) => e.event === 'ingest_summary'));
  });

  test('migrate is idempotent', async () => {
    const r = await runCli(['--data-dir', dataDir, 'migrate']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /schema is up to date/);
  });
});
