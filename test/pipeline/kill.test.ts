/**
 * Crash safety: SIGKILL the ingest process while it loads a large file. The database must hold
 * nothing of that file (one transaction per file), and the next run must load it completely, once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { writeLargeUpsFile } from '../../fixtures/generate/ups.js';
import { openDatabase } from '../../src/db/connect.js';
import { runCli } from '../support/cli.js';
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

test('SIGKILL in the middle of a load leaves no partial invoice; the next run loads the file once', async () => {
  const file = path.join(tmp.dir, 'ups-kill.csv');
  const meta = await writeLargeUpsFile(file, { chargeRows: 150_000, seed: 7 });
  const dataDir = path.join(tmp.dir, 'data');
  const dbFile = path.join(dataDir, 'etl.sqlite');
  const url = `sqlite:${dbFile}`;
  await openDatabase(url).then((db) => db.close()); // migrate first, so WAL growth below is the load

  const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, 'ingest', '--carrier', 'ups', file], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // The load is under way once the write-ahead log grows past 2 MB: charges are being written.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const wal = fs.existsSync(`${dbFile}-wal`) ? fs.statSync(`${dbFile}-wal`).size : 0;
    if (wal > 2_000_000) break;
    if (Date.now() > deadline || child.exitCode !== null) assert.fail('the ingest never got to writing charges');
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  assert.deepEqual(await counts(url), { source_files: 0, invoices: 0, shipments: 0, charges: 0 }, 'nothing of the killed load is visible');

  const second = await runCli(['--data-dir', dataDir, '--json', 'ingest', '--carrier', 'ups', file]);
  assert.equal(second.code, 0, second.stderr);
  const after1 = await counts(url);
  assert.equal(after1.source_files, 1);
  assert.equal(after1.invoices, 1);
  assert.equal(after1.charges, meta.chargeRows);

  const third = await runCli(['--data-dir', dataDir, 'ingest', '--carrier', 'ups', file]);
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stderr, /identical file already loaded/);
  assert.deepEqual(await counts(url), after1, 'loaded once');
});
