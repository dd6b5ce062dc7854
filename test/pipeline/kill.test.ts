/**
 * Crash safety: SIGKILL the ingest process while it loads a large file, on both databases. The
 * database must hold nothing of that file (one transaction per file; on PostgreSQL the charges
 * go in by COPY inside it), and the next run must load it completely, once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { writeLargeUpsFile } from '../../fixtures/generate/ups.js';
import { openDatabase, type Db } from '../../src/db/connect.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS } from '../support/databases.js';
import { CLI, tempDir } from '../support/paths.js';

const tmp = tempDir('etl-kill-');
after(() => tmp.cleanup());

async function counts(url: string): Promise<Record<string, number>> {
  const db = await openDatabase(url);
  try {
    const out: Record<string, number> = {};
    for (const t of ['source_files', 'invoices', 'shipments', 'charges'] as const) {
      const r = await db.db.selectFrom(t).select(db.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      out[t] = Number(r.n);
    }
    return out;
  } finally {
    await db.close();
  }
}

/**
 * Bytes written for the load so far, though nothing is committed: SQLite's write-ahead log;
 * PostgreSQL's charges table on disk (uncommitted rows take pages too).
 */
async function written(db: Db, dbFile: string | null): Promise<number> {
  if (dbFile !== null) return fs.existsSync(`${dbFile}-wal`) ? fs.statSync(`${dbFile}-wal`).size : 0;
  const r = await sql<{ n: string | number }>`SELECT pg_relation_size('charges') AS n`.execute(db.db);
  return Number(r.rows[0]?.n ?? 0);
}

let file = '';
let meta: { chargeRows: number } = { chargeRows: 0 };

for (const dialect of DIALECTS) {
  test(`${dialect}: SIGKILL in the middle of a load leaves no partial invoice; the next run loads the file once`, async () => {
    if (file === '') {
      file = path.join(tmp.dir, 'ups-kill.csv');
      meta = await writeLargeUpsFile(file, { chargeRows: 150_000, seed: 7 });
    }
    const tdb = await createTestDatabase(dialect);
    const dataDir = path.join(tmp.dir, `data-${dialect}`);
    const dbFile = dialect === 'sqlite' ? tdb.url.slice('sqlite:'.length) : null;
    const watcher = await openDatabase(tdb.url); // migrates first, so what grows below is the load
    try {
      const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, '--db', tdb.url, 'ingest', '--carrier', 'ups', file], { stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // The load is under way once 2 MB have been written: charges are going in.
      const deadline = Date.now() + 60_000;
      for (;;) {
        if ((await written(watcher, dbFile)) > 2_000_000) break;
        if (Date.now() > deadline || child.exitCode !== null) assert.fail('the ingest never got to writing charges');
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');

      assert.deepEqual(await counts(tdb.url), { source_files: 0, invoices: 0, shipments: 0, charges: 0 }, 'nothing of the killed load is visible');

      // PostgreSQL ends the killed client's session (and its run lock) once it sees the socket close
      const second = await runCli(['--data-dir', dataDir, '--db', tdb.url, '--json', 'ingest', '--wait-lock', '30', '--carrier', 'ups', file]);
      assert.equal(second.code, 0, second.stderr);
      const after1 = await counts(tdb.url);
      assert.equal(after1.source_files, 1);
      assert.equal(after1.invoices, 1);
      assert.equal(after1.charges, meta.chargeRows);
      const lines = await watcher.db.selectFrom('charges').select(['source_row']).orderBy('source_row').execute();
      assert.equal(new Set(lines.map((l) => l.source_row)).size, meta.chargeRows, 'every charge line once');

      const third = await runCli(['--data-dir', dataDir, '--db', tdb.url, 'ingest', '--carrier', 'ups', file]);
      assert.equal(third.code, 0, third.stderr);
      assert.match(third.stderr, /identical file already loaded/);
      assert.deepEqual(await counts(tdb.url), after1, 'loaded once');
    } finally {
      await watcher.close();
      await tdb.drop();
    }
  });
}
