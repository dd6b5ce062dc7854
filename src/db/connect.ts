/**
 * Database connections: SQLite through better-sqlite3 (default, zero set-up) or PostgreSQL
 * through pg, behind the same Kysely<Database>. `openDatabase` migrates on first use.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { describeError, SystemError, UsageError } from '../errors.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /**
   * SQLite only: the raw better-sqlite3 connection under `db` (the same single connection, so
   * statements on it run inside Kysely's open transaction). Used by the charge-insert hot path.
   */
  readonly sqlite: SQLite.Database | null;
  /** The URL with any password removed: safe for logs and messages. */
  readonly safeUrl: string;
  /** The URL as given (may hold a password: never print it). */
  readonly url: string;
  close(): Promise<void>;
}

/** pg is loaded only for PostgreSQL URLs (it adds ~15 MB to every process that loads it). */
async function loadPg(): Promise<typeof import('pg').default> {
  const pg = (await import('pg')).default;
  // pg returns BIGINT as text by default; our bigints are ids and minor-unit amounts and totals,
  // all within 2^53 (the loader guarantees it, see MAX_SAFE_MINOR), so numbers are exact, and
  // one beyond is refused, never rounded. NUMERIC (SUM(bigint), view decimals) deliberately
  // stays text: exact. DATE stays text so no time zone can shift it.
  pg.types.setTypeParser(20, (v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new SystemError(`integer ${v} from PostgreSQL exceeds 2^53`);
    return n;
  });
  pg.types.setTypeParser(1082, (v) => v);
  return pg;
}

/** Removes the password from a database URL. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/** `sqlite:./data/etl.sqlite`, `sqlite:/abs/path.sqlite`, `sqlite::memory:` → file path. */
function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  if (rest === ':memory:') return rest;
  if (rest === '') throw new UsageError(`database URL "${url}" names no file; try sqlite:./data/etl.sqlite`);
  return rest;
}

/** Opens (and migrates) the database at `url`. Throws UsageError or SystemError. */
export async function openDatabase(url: string, options: { migrate?: boolean } = {}): Promise<Db> {
  const safeUrl = redactUrl(url);
  let db: Kysely<Database>;
  let dialect: Dialect;
  let raw: SQLite.Database | null = null;
  if (url.startsWith('sqlite:')) {
    const file = sqlitePath(url);
    try {
      if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      const conn = new SQLite(file);
      conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = NORMAL');
      conn.pragma('foreign_keys = ON');
      conn.pragma('busy_timeout = 10000');
      raw = conn;
      db = new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
    } catch (err) {
      throw new SystemError(`cannot open SQLite database ${safeUrl}: ${describeError(err)}`, { cause: err });
    }
    dialect = 'sqlite';
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    const pg = await loadPg();
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    dialect = 'postgres';
    try {
      await sql`select 1`.execute(db);
    } catch (err) {
      await db.destroy().catch(() => undefined);
      throw new SystemError(`cannot reach PostgreSQL at ${safeUrl}: ${redactUrl(describeError(err))}`, { cause: err });
    }
  } else {
    throw new UsageError(`unsupported database URL "${safeUrl}": use sqlite:<file> or postgres://user@host:port/db`);
  }
  const handle: Db = { db, dialect, sqlite: raw, safeUrl, url, close: () => db.destroy() };
  if (options.migrate !== false) {
    const { error } = await migrateToLatest(handle.db, dialect);
    if (error !== undefined) {
      await handle.close();
      throw new SystemError(`migrating ${safeUrl} failed: ${describeError(error)}`, { cause: error });
    }
  }
  return handle;
}
