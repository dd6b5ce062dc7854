/**
 * The run lock. SQLite: while one `etl ingest` loads, a second one against the same database
 * stops with a message naming the holder, or waits with --wait-lock and then changes nothing (the
 * file is already loaded). PostgreSQL: loads share the run lock (workers on many machines), so
 * the second ingest runs at once, waits on the file's content lock and then changes nothing;
 * `etl remap`, which needs the database alone, is the one refused. Never a double load.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { writeLargeUpsFile } from '../../fixtures/generate/ups.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { CLI, tempDir } from '../support/paths.js';

const tmp = tempDir('etl-lock-');
let file = '';
let rows = 0;
before(async () => {
  file = path.join(tmp.dir, 'ups-lock.csv');
  rows = (await writeLargeUpsFile(file, { chargeRows: 120_000, seed: 11 })).chargeRows;
});
after(() => tmp.cleanup());

for (const dialect of DIALECTS) {
  describe(`run lock on ${dialect}`, () => {
    let tdb: TestDatabase;
    before(async () => {
      tdb = await createTestDatabase(dialect);
      await (await tdb.open()).close(); // migrate first
    });
    after(async () => tdb.drop());

    test('a second load stops (or waits) while the first holds the lock; nothing is loaded twice', async () => {
      const base = ['--db', tdb.url, '--data-dir', tdb.dataDir];
      const first = spawn(process.execPath, [CLI, ...base, 'ingest', '--carrier', 'ups', file], { stdio: 'ignore' });
      const firstDone = new Promise<number | null>((res) => first.on('close', res));
      // wait until the first one holds the lock
      const db0 = await tdb.open();
      try {
        for (let i = 0; ; i++) {
          // PostgreSQL: the file's content lock (two-key advisory lock, first key "etl" 0x02)
          const held =
            dialect === 'sqlite'
              ? fs.existsSync(`${db0.sqlite?.name ?? ''}.lock`)
              : // the file's content lock (two-key advisory lock, first key "etl" 0x02), in this database
                // only: other tests on the same server take their own
                Number((await sql<{ n: number }>`select count(*) as n from pg_locks where locktype = 'advisory' and objsubid = 2 and classid = ${0x65746c02}::oid and database = (select oid from pg_database where datname = current_database())`.execute(db0.db)).rows[0]?.n ?? 0) > 0;
          if (held) break;
          if (i > 2000) assert.fail('the first ingest never took the lock');
          await new Promise((res) => setTimeout(res, 5));
        }
      } finally {
        await db0.close();
      }
      const refused = await runCli([...base, ...(dialect === 'sqlite' ? ['ingest', '--carrier', 'ups', file] : ['remap'])]);
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(refused.stderr, /is loading into/);
      assert.match(refused.stderr, /wait for it, or pass --wait-lock/);
      // PostgreSQL: no --wait-lock needed, the content lock makes it wait for the first's commit
      const waiting = await runCli([...base, '--json', 'ingest', '--carrier', 'ups', ...(dialect === 'sqlite' ? ['--wait-lock', '120'] : []), file]);
      assert.equal(await firstDone, 0);
      assert.equal(waiting.code, 0, waiting.stderr);
      const out = JSON.parse(waiting.stdout) as { skipped: number; loaded: number };
      assert.deepEqual([out.loaded, out.skipped], [0, 1], 'the waiting run found the file loaded and changed nothing');
      const db = await tdb.open();
      try {
        const n = await db.db.selectFrom('charges').select(db.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(n.n), rows, 'loaded exactly once');
      } finally {
        await db.close();
      }
    });
  });
}
