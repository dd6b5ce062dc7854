/**
 * Locks between commands and workers loading into one database.
 *
 * SQLite (one writer, one machine): the run lock is a lock file beside the database holding the
 * owner's pid (a lock whose process is gone is taken over); two loads never overlap. The second
 * command waits (--wait-lock) or stops with a message naming the holder.
 *
 * PostgreSQL (many processes, many machines): loads share the run lock (a shared session
 * advisory lock) and are kept apart by finer locks instead, each a session or transaction
 * advisory lock that PostgreSQL drops when its connection dies, so a killed process never leaves
 * one behind:
 * - one job per account at a time (`lockKey('account', ...)`, held for the account's download
 *   and ingest);
 * - each file loaded once (`lockKey('content', sha256)`, held from the look-up of the sha256 in
 *   source_files until the file's transaction commits);
 * - one writer per invoice (`lockInvoice`, a transaction lock taken before the invoice's
 *   version is looked up, so the second writer waits for the first's commit and then sees it).
 * `etl remap`, which rewrites every charge line, takes the run lock exclusively.
 */
import fs from 'node:fs';
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import { describeError, SystemError } from '../errors.js';
import type { Db, Dialect } from './connect.js';
import type { Database } from './schema.js';

export interface RunLock {
  release(): Promise<void>;
  /**
   * Throws (SystemError, exit 3) when the lock is no longer held: PostgreSQL drops a session's
   * advisory lock with its connection, after which another command could load at the same time.
   */
  assertHeld(): void;
}

/** Arbitrary constant: "etl-run" in ASCII; PostgreSQL advisory locks are keyed by bigint. */
const PG_LOCK_KEY = 0x65746c2d72756e;

/** Commands that share the run lock on PostgreSQL (they take the finer locks below). */
const SHARED_ON_POSTGRES: ReadonlySet<string> = new Set(['ingest', 'run', 'retry', 'worker']);

/**
 * The first key of the two-key advisory locks (the second is hashtext of the name): one space per
 * kind, apart from PG_LOCK_KEY's single-key space.
 */
const KEY_SPACE = { account: 0x65746c01, content: 0x65746c02, invoice: 0x65746c03 } as const;
export type KeyKind = Exclude<keyof typeof KEY_SPACE, 'invoice'>;

export class LockBusyError extends SystemError {}

function sqliteLockPath(db: Db): string | null {
  const name = db.sqlite?.name;
  return name === undefined || name === ':memory:' || name === '' ? null : `${name}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function trySqliteLock(file: string, command: string): boolean {
  const owner = JSON.stringify({ pid: process.pid, host: os.hostname(), command, since: new Date().toISOString() });
  try {
    fs.writeFileSync(file, owner, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // held: take it over only if its owner process is gone (same host)
  let holder: { pid?: number; host?: string } = {};
  try {
    holder = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number; host?: string };
  } catch {
    // half-written by its owner a moment ago: treat as held
    return false;
  }
  if (holder.host === os.hostname() && typeof holder.pid === 'number' && !alive(holder.pid)) {
    fs.rmSync(file, { force: true });
    return trySqliteLock(file, command);
  }
  return false;
}

function describeHolder(file: string): string {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number; command?: string; since?: string };
    return `\`etl ${h.command ?? '?'}\` (pid ${h.pid ?? '?'}, since ${h.since ?? '?'})`;
  } catch {
    return 'another etl command';
  }
}

/**
 * Takes the run lock for `command`. Without `waitMs` it fails at once when the lock is held
 * (LockBusyError, exit 3, naming the holder); with it, it polls until the lock is free or the
 * time is up.
 */
export async function acquireRunLock(db: Db, command: string, options: { waitMs?: number } = {}): Promise<RunLock> {
  const deadline = Date.now() + (options.waitMs ?? 0);
  if (db.dialect === 'postgres') {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: db.url });
    // Without a listener, the lock connection dying (server restart, pg_terminate_backend) is an
    // unhandled 'error' event that kills the process; with it, the loss is noticed between files.
    let lost: Error | null = null;
    client.on('error', (err) => {
      lost ??= err;
    });
    client.on('end', () => {
      lost ??= new Error('connection ended');
    });
    let releasing = false;
    await client.connect();
    const shared = SHARED_ON_POSTGRES.has(command);
    for (;;) {
      const r = await client.query<{ ok: boolean }>(`SELECT ${shared ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock'}($1) AS ok`, [PG_LOCK_KEY]);
      if (r.rows[0]?.ok === true) break;
      if (Date.now() >= deadline) {
        await client.end();
        const holder = shared ? 'an `etl remap` is rewriting' : 'another etl command is loading into';
        throw new LockBusyError(`${holder} ${db.safeUrl} (PostgreSQL advisory lock ${PG_LOCK_KEY} is held); wait for it, or pass --wait-lock <seconds>`);
      }
      await new Promise((res) => setTimeout(res, 500));
    }
    return {
      release: async () => {
        releasing = true;
        if (lost === null) await client.end().catch(() => undefined);
      },
      assertHeld: () => {
        if (lost !== null && !releasing) {
          throw new SystemError(
            `lost the run lock: its connection to ${db.safeUrl} ended (${describeError(lost)}), so another command could now load at the same time; stopped here, run the command again`,
          );
        }
      },
    };
  }
  const file = sqliteLockPath(db);
  if (file === null) return { release: async () => undefined, assertHeld: () => undefined };
  for (;;) {
    if (trySqliteLock(file, command)) break;
    if (Date.now() >= deadline) {
      throw new LockBusyError(`${describeHolder(file)} is loading into ${db.safeUrl}; wait for it, or pass --wait-lock <seconds> (lock file ${file})`);
    }
    await new Promise((res) => setTimeout(res, 250));
  }
  return { release: async () => fs.rmSync(file, { force: true }), assertHeld: () => undefined };
}

/** A held key lock; `release` is idempotent. */
export interface KeyLock {
  release(): Promise<void>;
}

const NO_LOCK: KeyLock = { release: async () => undefined };

/**
 * PostgreSQL: a session advisory lock on (`kind`, `name`), on a connection of its own, so two
 * jobs of one process exclude each other too and a killed process releases it with its
 * connection. `wait`: block until it is free (for content: a second loader of the same bytes then
 * finds them loaded); otherwise null when another process holds it. SQLite: nothing to do, the
 * run lock already keeps loads apart.
 */
export async function lockKey(db: Db, kind: KeyKind, name: string, options: { wait: boolean }): Promise<KeyLock | null> {
  if (db.dialect !== 'postgres') return NO_LOCK;
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => undefined); // a lost connection has released the lock: the load's own queries report it
  await client.connect();
  try {
    const r = await client.query<{ ok: boolean | null }>(
      options.wait ? 'SELECT true AS ok FROM (SELECT pg_advisory_lock($1::int, hashtext($2))) AS held' : 'SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS ok',
      [KEY_SPACE[kind], name],
    );
    if (r.rows[0]?.ok !== true) {
      await client.end();
      return null;
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * One writer per invoice (PostgreSQL): a transaction advisory lock on the invoice's carrier,
 * account and number, taken before its loaded version is looked up. A second file with the same
 * invoice waits for the first's commit and then replaces it or yields to it by the version rules
 * (docs/schema.md); without the lock both would insert and the second would fail on the unique
 * constraint. Two files locking two shared invoices in opposite order is a deadlock PostgreSQL
 * breaks by failing one transaction: that file rolls back whole and its job is retried.
 */
export async function lockInvoice(trx: Kysely<Database>, dialect: Dialect, carrier: string, account: string, invoiceNumber: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`SELECT pg_advisory_xact_lock(${KEY_SPACE.invoice}::int, hashtext(${`${carrier}\u001f${account}\u001f${invoiceNumber}`}))`.execute(trx);
}
