/**
 * A PostgreSQL connection killed under a running `etl ingest` (pg_terminate_backend from a second,
 * admin connection): the process must not crash with an unhandled 'error' event; the file being
 * loaded is rolled back, the command stops with a clear message and exit 3, and the run is marked
 * failed. PostgreSQL only: SQLite has no connection to lose (its crash safety is kill.test.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { writeLargeUpsFile } from '../../fixtures/generate/ups.js';
import { openDatabase } from '../../src/db/connect.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, SKIP_POSTGRES, type TestDatabase } from '../support/databases.js';
import { CLI, tempDir, UPS_FIXTURES } from '../support/paths.js';

const ADMIN_URL = process.env.ETL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SMALL = path.join(UPS_FIXTURES, 'us-multipiece-inches.csv');

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function dbName(url: string): string {
  return new URL(url).pathname.slice(1);
}

/** Runs the CLI in the background; resolves with its exit code and output. */
function startCli(args: readonly string[]): { done: Promise<{ code: number | null; stderr: string }>; running: () => boolean } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  void done.then(() => clearTimeout(timer));
  return { done, running: () => child.exitCode === null && child.signalCode === null };
}

/**
 * Waits until a load transaction is writing charges: another session holds a row-exclusive lock
 * on `charges` (held until commit). Asked on the test database itself, where the table oid means
 * something; a poll on any written xid also caught the run's own short `etl_runs` insert.
 */
async function waitForLoadTransaction(url: string, running: () => boolean): Promise<void> {
  const deadline = Date.now() + 120_000;
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    for (;;) {
      const r = await c.query(`SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'charges'::regclass AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid()`);
      if ((r.rows[0] as { n: number }).n > 0) return;
      if (!running() || Date.now() > deadline) assert.fail('the ingest never got to writing charges');
      await new Promise((res) => setTimeout(res, 20));
    }
  } finally {
    await c.end();
  }
}

async function state(url: string): Promise<{ run: string | undefined; files: string[]; invoices: number; charges: number }> {
  const db = await openDatabase(url);
  try {
    const run = await db.db.selectFrom('etl_runs').select('status').orderBy('id', 'desc').executeTakeFirst();
    const files = (await db.db.selectFrom('source_files').select('original_name').orderBy('id').execute()).map((f) => f.original_name);
    const inv = await db.db.selectFrom('invoices').select(db.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const ch = await db.db.selectFrom('charges').select(db.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { run: run?.status, files, invoices: Number(inv.n), charges: Number(ch.n) };
  } finally {
    await db.close();
  }
}

describe('PostgreSQL connection loss during etl ingest', { skip: SKIP_POSTGRES }, () => {
  const tmp = tempDir('etl-connection-');
  const big = path.join(tmp.dir, 'ups-big.csv');
  let chargeRows = 0;
  const dbs: TestDatabase[] = [];
  before(async () => {
    chargeRows = (await writeLargeUpsFile(big, { chargeRows: 60_000, seed: 11 })).chargeRows;
  });
  after(async () => {
    for (const d of dbs) await d.drop();
    tmp.cleanup();
  });

  async function freshDatabase(): Promise<TestDatabase> {
    const d = await createTestDatabase('postgres');
    dbs.push(d);
    await (await d.open()).close(); // migrated before the load starts
    return d;
  }

  test('the load connection killed mid-file: exit 3, a clear message without a stack trace, the run marked failed, nothing half-loaded', async () => {
    const d = await freshDatabase();
    const cli = startCli(['--data-dir', d.dataDir, '--db', d.url, 'ingest', '--carrier', 'ups', big, SMALL]);
    await waitForLoadTransaction(d.url, cli.running);
    await admin((c) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName(d.url)]));
    const r = await cli.done;
    assert.equal(r.code, 3, r.stderr);
    // pg words it by when the server's notice arrives: while a query runs, between queries, or as
    // the socket resets under a COPY the loader is writing
    assert.match(r.stderr, /lost the connection to postgres:\/\/\S+ while loading ups-big\.csv \((terminating connection due to administrator command|Client has encountered a connection error|Connection terminated unexpectedly|(?:write|read) ECONNRESET)/);
    assert.match(r.stderr, /ups-big\.csv was rolled back and the files after it were not loaded/);
    assert.doesNotMatch(r.stderr, /Unhandled|^\s+at /m, 'no crash, no stack trace');
    assert.deepEqual(await state(d.url), { run: 'failed', files: [], invoices: 0, charges: 0 });

    // the same command again loads both files, whole
    const again = await runCli(['--data-dir', d.dataDir, '--db', d.url, 'ingest', '--carrier', 'ups', big, SMALL]);
    assert.equal(again.code, 0, again.stderr);
    const s = await state(d.url);
    assert.deepEqual(s.files, ['ups-big.csv', 'us-multipiece-inches.csv']);
    assert.equal(s.run, 'succeeded');
  });

  test('the run lock connection killed mid-run: stops before the next file with exit 3 and the run marked failed; no file half-loaded', async () => {
    const d = await freshDatabase();
    const cli = startCli(['--data-dir', d.dataDir, '--db', d.url, 'ingest', '--carrier', 'ups', big, SMALL]);
    await waitForLoadTransaction(d.url, cli.running);
    const killed = await admin((c) =>
      c.query(
        // the run lock is the one single-key (bigint) advisory lock; the file's content and
        // invoice locks have two keys (objsubid 2)
        `SELECT pg_terminate_backend(l.pid) AS ok FROM pg_locks l JOIN pg_database b ON b.oid = l.database WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND b.datname = $1`,
        [dbName(d.url)],
      ),
    );
    assert.equal(killed.rowCount, 1, 'exactly one session (the lock holder) was terminated');
    const r = await cli.done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /lost the run lock: its connection to postgres:\/\/\S+ ended/);
    assert.doesNotMatch(r.stderr, /Unhandled|^\s+at /m);
    const s = await state(d.url);
    assert.equal(s.run, 'failed');
    assert.ok(!s.files.includes('us-multipiece-inches.csv'), 'no file is started without the lock');
    // the file under way when the lock went was either committed whole or not at all
    assert.ok(s.invoices === 0 ? s.charges === 0 : s.charges === chargeRows, `charges ${s.charges}`);
  });
});
