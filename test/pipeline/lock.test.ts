/**
 * The run lock: while one `etl ingest` loads, a second one against the same database stops with
 * a message naming the holder, or waits with --wait-lock and then changes nothing (the file is
 * already loaded). Never a double load. On SQLite and PostgreSQL.
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
          const held =
            dialect === 'sqlite'
              ? fs.existsSync(`${db0.sqlite?.name ?? ''}.lock`)
              : // this database's advisory locks only: other tests on the same server take their own
                Number((await sql<{ n: number }>`select count(*) as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`.execute(db0.db)).rows[0]?.n ?? 0) > 0;
          if (held) break;
          if (i > 2000) assert.fail('the first ingest never took the lock');
          await new Promise((res) => setTimeout(res, 5));
        }
      } finally {
        await db0.close();
      }
      const refused = await runCli([...base, 'ingest', '--carrier', 'ups', file]);
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(refused.stderr, /is loading into/);
      assert.match(refused.stderr, /wait for it, or pass --wait-lock/);
      const waiting = await runCli([...base, '--json', 'ingest', '--carrier', 'ups', '--wait-lock', '120', file]);
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
