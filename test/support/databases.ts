/**
 * Test databases on both dialects. PostgreSQL is real (ETL_TEST_PG_URL, default the local
 * server); each test file gets its own fresh database, dropped afterwards. Unreachable
 * PostgreSQL fails the tests; a developer without one may set ETL_TEST_SKIP_POSTGRES=1, which
 * .ci/run refuses.
 */
import path from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';
import { openDatabase, type Db } from '../../src/db/connect.js';
import { tempDir } from './paths.js';

export interface TestDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  readonly url: string;
  readonly dataDir: string;
  open(): Promise<Db>;
  drop(): Promise<void>;
}

const ADMIN_URL = process.env.ETL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const SKIP_POSTGRES = process.env.ETL_TEST_SKIP_POSTGRES === '1';

export const DIALECTS = SKIP_POSTGRES ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

let counter = 0;

export async function createTestDatabase(dialect: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const tmp = tempDir(`etl-${dialect}-`);
  const dataDir = path.join(tmp.dir, 'data');
  if (dialect === 'sqlite') {
    const url = `sqlite:${path.join(tmp.dir, 'etl.sqlite')}`;
    return { dialect, url, dataDir, open: () => openDatabase(url), drop: async () => tmp.cleanup() };
  }
  const name = `etl_test_${process.pid}_${Date.now()}_${counter++}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  admin.on('error', () => undefined); // a dropped admin connection fails its query, not the process
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    dialect,
    url,
    dataDir,
    open: () => openDatabase(url),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      c.on('error', () => undefined);
      await c.connect();
      try {
        // DROP DATABASE asks for a checkpoint, which a busy server can refuse for a moment
        // ("checkpoint request failed"): try again before failing the suite's teardown
        for (let attempt = 1; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            break;
          } catch (err) {
            if (attempt >= 3) throw err;
            await new Promise((r) => setTimeout(r, 1000 * attempt));
          }
        }
      } finally {
        await c.end();
        tmp.cleanup();
      }
    },
  };
}

/**
 * Registers before/after hooks in the current suite that create, open, close and drop a test
 * database; read `.tdb` and `.db` inside tests.
 */
export function useTestDatabase(dialect: 'sqlite' | 'postgres'): { tdb: TestDatabase; db: Db } {
  const handle = {} as { tdb: TestDatabase; db: Db };
  before(async () => {
    handle.tdb = await createTestDatabase(dialect);
    handle.db = await handle.tdb.open();
  });
  after(async () => {
    await handle.db.close();
    await handle.tdb.drop();
  });
  return handle;
}
