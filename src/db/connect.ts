/**
 * Database connections: SQLite through better-sqlite3 (default, zero set-up) or PostgreSQL
 * through pg, behind the same Kysely<Database>. `openDatabase` migrates on first use.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { PoolClient } from 'pg';
import { describeError, SystemError, UsageError } from '../errors.js';
import { PROCESS_SECRETS, SecretScrubber } from '../secrets.js';
import { dialectAdapter, type Dialect, type DialectAdapter, type RawConnections } from './dialect/index.js';
import { copyAwarePool } from './dialect/postgres.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';

export type { Dialect } from './dialect/index.js';

export interface Db extends RawConnections {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Everything that differs between the databases (src/db/dialect). */
  readonly adapter: DialectAdapter;
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

/** Query parameters whose value is secret: libpq's password and sslpassword, keys, tokens. */
const SECRET_PARAM = /pass|pwd|secret|token|key|auth|cred/i;

export interface PostgresUrl {
  readonly user: string;
  /** From the user:password part, else the `password` parameter (as pg reads it); '' if none. */
  readonly password: string;
  readonly host: string;
  readonly port: string;
  readonly database: string;
  /** Printable: the password and every secret parameter replaced by `***`. */
  readonly safeUrl: string;
  /** Every secret value in the URL, decoded and as written, for scrubbing messages. */
  readonly secrets: readonly string[];
}

const ENCODE_ADVICE = 'percent-encode special characters in the user name and password (@ as %40, / as %2F, ? as %3F, # as %23, % as %25)';

/**
 * Parses a postgres:// URL the way pg does (WHATWG URL, after the same clean-up of spaces and
 * stray `%`), so what we redact is what pg connects with. `postgres://u:AT@S@host/db` is read
 * by both as user u, password `AT@S` (the last `@` ends the password). A URL that does not parse,
 * or whose password spilled into the path, query or fragment (an unencoded `/`, `?` or `#` in
 * it), is refused with a UsageError that never repeats the URL.
 */
export function parsePostgresUrl(url: string): PostgresUrl {
  const refuse = (why: string): never => {
    throw new UsageError(`the database URL (--db or ETL_DATABASE_URL) ${why}; ${ENCODE_ADVICE}. It is not shown here because it may hold a password.`);
  };
  // pg-connection-string's own pre-processing, so both read the same URL
  const normalized = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(url) ? encodeURI(url).replace(/%25(\d\d)/g, '%$1') : url;
  let u: URL;
  try {
    u = new URL(normalized);
  } catch {
    try {
      u = new URL(normalized.replace('@/', '@___DUMMY___/')); // a URL without host, as pg allows
    } catch {
      return refuse('is not a valid URL');
    }
  }
  if (u.hash !== '' || normalized.includes('#')) refuse('has a # in it (pg would ignore everything after it)');
  if (`${u.pathname}${u.search}`.includes('@')) refuse('has an @ after the host');
  let user = '';
  let password = '';
  try {
    user = decodeURIComponent(u.username);
    password = decodeURIComponent(u.password);
  } catch {
    refuse('has a user name or password that is not valid percent-encoding');
  }
  const secrets = new Set<string>([password, u.password]);
  const params = new URLSearchParams();
  for (const [k, v] of u.searchParams) {
    if (SECRET_PARAM.test(k)) {
      secrets.add(v);
      secrets.add(encodeURIComponent(v));
      params.append(k, '***');
    } else params.append(k, v);
  }
  const paramPassword = u.searchParams.get('password');
  const host = u.hostname === '___dummy___' ? '' : u.hostname;
  const query = params.size > 0 ? `?${params.toString()}` : ''; // `*` needs no encoding
  const safeUrl = `${u.protocol}//${u.username !== '' || u.password !== '' ? `${u.username}${u.password !== '' ? ':***' : ''}@` : ''}${host}${u.port !== '' ? `:${u.port}` : ''}${u.pathname}${query}`;
  return {
    user: u.searchParams.get('user') ?? user,
    password: paramPassword !== null && paramPassword !== '' ? paramPassword : password,
    host: u.searchParams.get('host') ?? host.replace(/^\[(.+)\]$/, '$1'),
    port: u.searchParams.get('port') ?? u.port,
    database: decodeURI(u.pathname.slice(1)),
    safeUrl,
    secrets: [...secrets].filter((x) => x !== ''),
  };
}

/**
 * A database URL safe to print: `sqlite:` paths as they are, postgres:// URLs without their
 * secrets. Anything else is not shown at all (it may hold a password in a form we do not read).
 */
export function redactUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  if (/^postgres(ql)?:\/\//.test(url)) return parsePostgresUrl(url).safeUrl;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  return scheme === undefined ? '(not shown)' : `${scheme}:(rest not shown)`;
}

/** `sqlite:./data/etl.sqlite`, `sqlite:/abs/path.sqlite`, `sqlite::memory:` → file path. */
function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  if (rest === ':memory:') return rest;
  if (rest === '') throw new UsageError(`database URL "${url}" names no file; try sqlite:./data/etl.sqlite`);
  return rest;
}

/**
 * Why SQLite cannot open a database in a read-only directory, even to read: a WAL database
 * needs its `-shm` file beside it, created on open (better-sqlite3 has no `immutable` URI).
 */
function readOnlyHint(file: string): string {
  if (file === ':memory:') return '';
  const dir = path.dirname(path.resolve(file));
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return '';
  } catch {
    // not writable (read-only mount, or permissions): say so
  }
  return `; its directory ${dir} is not writable, and SQLite must create ${path.basename(file)}-shm there even to read: make it writable, or copy the database to a writable place and pass --db`;
}

/** Opens (and migrates) the database at `url`. Throws UsageError or SystemError. */
export async function openDatabase(url: string, options: { migrate?: boolean } = {}): Promise<Db> {
  const safeUrl = redactUrl(url);
  const scrubber = new SecretScrubber();
  let db: Kysely<Database>;
  let dialect: Dialect;
  let raw: SQLite.Database | null = null;
  let pgClientOf: RawConnections['pgClientOf'] = null;
  if (url.startsWith('sqlite:')) {
    const file = sqlitePath(url);
    try {
      if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      const conn = new SQLite(file);
      raw = conn;
      conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = NORMAL');
      conn.pragma('foreign_keys = ON');
      conn.pragma('busy_timeout = 10000');
      // a 4 MB page cache (better-sqlite3 builds SQLite with 16 MB): a big load's transaction
      // spills to the WAL either way, and the operating system caches the file; this keeps a
      // 2M-row ingest's peak RSS under 200 MB (201 -> 186 MB, same CPU time; docs/performance.md)
      conn.pragma('cache_size = -4000');
      db = new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
    } catch (err) {
      raw?.close();
      throw new SystemError(`cannot open SQLite database ${safeUrl}: ${describeError(err)}${readOnlyHint(file)}`, { cause: err });
    }
    dialect = 'sqlite';
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    for (const secret of parsePostgresUrl(url).secrets) {
      scrubber.add(secret);
      PROCESS_SECRETS.add(secret);
    }
    const pg = await loadPg();
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
    // A client losing its server must not crash the process; the next query reports it (and
    // the caller rolls back and stops, see db/failure.ts). pg-pool listens for an idle client's
    // 'error' only while it is idle: a client checked out for a file's transaction emits 'error'
    // between two queries (pg_terminate_backend), which without this listener is an unhandled
    // 'error' event that kills the process with a stack trace and leaves the run `running`.
    pool.on('error', () => undefined);
    // The pool's clients by server process id, so that the client under a Kysely transaction
    // can be found (pgClientOf) for a COPY inside that transaction.
    const clients = new Map<number, PoolClient>();
    const pidOf = (client: PoolClient): number => (client as PoolClient & { processID: number }).processID;
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
      clients.set(pidOf(client), client);
    });
    pool.on('remove', (client) => clients.delete(pidOf(client)));
    pgClientOf = async (executor) => {
      const r = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(executor);
      const client = clients.get(Number(r.rows[0]?.pid));
      if (client === undefined) throw new Error('internal: the transaction runs on no client of this pool');
      return client;
    };
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: copyAwarePool(pool) }) });
    dialect = 'postgres';
    try {
      await sql`select 1`.execute(db);
    } catch (err) {
      await db.destroy().catch(() => undefined);
      throw new SystemError(`cannot reach PostgreSQL at ${safeUrl}: ${scrubber.scrub(describeError(err))}`, { cause: err });
    }
  } else {
    throw new UsageError(`unsupported database URL ${safeUrl}: use sqlite:<file> or postgres://user@host:port/db`);
  }
  const handle: Db = { db, dialect, adapter: dialectAdapter(dialect), sqlite: raw, pgClientOf, safeUrl, url, close: () => db.destroy() };
  if (options.migrate !== false) {
    const { error } = await migrateToLatest(handle.db, dialect);
    if (error !== undefined) {
      await handle.close();
      throw new SystemError(`migrating ${safeUrl} failed: ${scrubber.scrub(describeError(error))}`, { cause: error });
    }
  }
  return handle;
}
