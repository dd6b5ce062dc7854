/**
 * Messages that name the cause: a full disk says "disk full" and where (the database, or the
 * landing folder), not "cannot rollback - no transaction is active"; a read-only data directory
 * does not stop read-only commands (the log goes to stderr only). Real file systems: small tmpfs
 * mounts and read-only bind mounts, so these tests need root (they are skipped without it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { writeLargeUpsFile } from '../../fixtures/generate/ups.js';
import { openDatabase } from '../../src/db/connect.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS, SKIP_POSTGRES, type TestDatabase } from '../support/databases.js';
import { tempDir, UPS_FIXTURES } from '../support/paths.js';

const ROOT_ONLY = process.getuid?.() !== 0 ? 'needs root to mount tmpfs and read-only bind mounts' : false;
const ADMIN_URL = process.env.ETL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const FIXTURE = path.join(UPS_FIXTURES, 'us-multipiece-inches.csv');

const tmp = tempDir('etl-disk-');
const mounts: string[] = [];
let big = '';
before(async () => {
  if (ROOT_ONLY !== false) return;
  fs.chmodSync(tmp.dir, 0o755); // PostgreSQL's own user must reach its tablespace below
  big = path.join(tmp.dir, 'ups-big.csv');
  await writeLargeUpsFile(big, { chargeRows: 4000, seed: 5 }); // 1.8 MB
});
after(() => {
  for (const m of mounts.reverse()) execFileSync('umount', [m]);
  tmp.cleanup();
});

function tmpfs(name: string, size: string): string {
  const dir = path.join(tmp.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** A read-only view of `dir` (a bind mount), as a read-only disk or share would be. */
function readOnlyView(dir: string, name: string): string {
  const view = path.join(tmp.dir, name);
  fs.mkdirSync(view, { recursive: true });
  execFileSync('mount', ['--bind', dir, view]);
  mounts.push(view);
  execFileSync('mount', ['-o', 'remount,bind,ro', view]);
  return view;
}

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  c.on('error', () => undefined);
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

describe('a full disk says "disk full" and where', { skip: ROOT_ONLY }, () => {
  test('SQLite database on a full disk: names the database, never "cannot rollback"', async () => {
    // 2.5 MB: the 1.8 MB file lands, the database then has no room for its 4,000 charges
    const dataDir = path.join(tmpfs('sqlite-full', '2500k'), 'data');
    const r = await runCli(['--data-dir', dataDir, 'ingest', '--carrier', 'ups', big]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /disk full: the database sqlite:\S+\/sqlite-full\/data\/etl\.sqlite has no space left while loading ups-big\.csv \(database or disk is full \(SQLITE_FULL\)\); ups-big\.csv was rolled back/);
    assert.doesNotMatch(r.stderr, /cannot rollback/);
  });

  test('PostgreSQL tablespace on a full disk: names the database and the server\'s words (53100)', { skip: SKIP_POSTGRES }, async () => {
    // the catalogs stay where they are; only the charges table lives on a 1 MB disk
    const space = tmpfs('pg-full', '1m');
    const pgUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    fs.chownSync(space, pgUid, pgUid);
    const name = `etl_full_${process.pid}`;
    await admin(`CREATE TABLESPACE ${name} LOCATION '${space}'`);
    const d = await createTestDatabase('postgres');
    try {
      const db = await d.open();
      try {
        await sql`ALTER TABLE charges SET TABLESPACE ${sql.raw(name)}`.execute(db.db);
      } finally {
        await db.close();
      }
      const more = path.join(tmp.dir, 'ups-bigger.csv');
      await writeLargeUpsFile(more, { chargeRows: 20_000, seed: 6 });
      const r = await runCli(['--data-dir', d.dataDir, '--db', d.url, 'ingest', '--carrier', 'ups', more]);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /disk full: the database postgres:\/\/\S+ has no space left while loading ups-bigger\.csv \(could not extend file .*No space left on device \(53100\)\)/);
    } finally {
      await d.drop();
      await admin(`DROP TABLESPACE ${name}`);
    }
  });

  test('landing store on a full disk: names the landing folder', async () => {
    const dataDir = path.join(tmpfs('landing-full', '1m'), 'data');
    const r = await runCli(['--data-dir', dataDir, '--db', `sqlite:${path.join(tmp.dir, 'landing-full.sqlite')}`, 'ingest', '--carrier', 'ups', big]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /landing \S+ups-big\.csv into \S+\/landing-full\/data\/landing failed: disk full \(no space left on device\) \(ENOSPC\)/);
  });
});

for (const dialect of DIALECTS) {
  describe(`a read-only data directory (${dialect})`, { skip: ROOT_ONLY }, () => {
    let tdb: TestDatabase;
    let view = '';
    before(async () => {
      if (ROOT_ONLY !== false) return;
      tdb = await createTestDatabase(dialect);
      await (await openDatabase(tdb.url)).close();
      const loaded = await runCli(['--data-dir', tdb.dataDir, '--db', tdb.url, 'ingest', '--carrier', 'ups', FIXTURE]);
      assert.equal(loaded.code, 0, loaded.stderr);
      view = readOnlyView(tdb.dataDir, `ro-${dialect}`);
    });
    after(async () => {
      await tdb?.drop();
    });

    test('etl status works, with its log on stderr only', async () => {
      const r = await runCli(['--data-dir', view, '--db', tdb.url, 'status']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /invoices +1 \(0 unreconciled\)/);
      assert.match(r.stderr, /warning: cannot write the log file \S+\/logs\/etl\.log \(read-only file system \(EROFS\)\); logging to stderr only/);
    });

    test('etl export and charges work too; etl ingest stops naming the read-only landing folder', async () => {
      const out = path.join(tmp.dir, `invoice-summary-${dialect}.csv`);
      const exp = await runCli(['--data-dir', view, '--db', tdb.url, 'export', '--view', 'invoice_summary', '--out', out]);
      assert.equal(exp.code, 0, exp.stderr);
      assert.ok(fs.readFileSync(out, 'utf8').split('\n').length >= 2);
      const charges = await runCli(['--data-dir', view, '--db', tdb.url, '--json', 'charges', '--unmapped']);
      assert.equal(charges.code, 0, charges.stderr);
      const ing = await runCli(['--data-dir', view, '--db', tdb.url, 'ingest', '--carrier', 'ups', path.join(UPS_FIXTURES, 'de-adjustments.csv')]);
      assert.equal(ing.code, 3, ing.stderr);
      assert.match(ing.stderr, /into \S+\/landing failed: read-only file system \(EROFS\)/);
    });
  });
}

describe('a SQLite database in a read-only directory', { skip: ROOT_ONLY }, () => {
  test('the message says the directory is not writable and what to do', async () => {
    const dataDir = path.join(tmp.dir, 'sqlite-ro');
    const loaded = await runCli(['--data-dir', dataDir, 'ingest', '--carrier', 'ups', FIXTURE]);
    assert.equal(loaded.code, 0, loaded.stderr);
    const view = readOnlyView(dataDir, 'sqlite-ro-view');
    const r = await runCli(['--data-dir', view, 'status']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /its directory \S+sqlite-ro-view is not writable, and SQLite must create etl\.sqlite-shm there even to read/);
  });
});
