/**
 * The run lock: two overlapping loads against the same database must not both load. PostgreSQL:
 * a session advisory lock on a connection of its own, held for the command. SQLite: a lock file
 * beside the database holding the owner's pid (a lock whose process is gone is taken over).
 * The second command waits (--wait-lock) or stops with a message naming the holder.
 */
import fs from 'node:fs';
import os from 'node:os';
import { describeError, SystemError } from '../errors.js';
import type { Db } from './connect.js';

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
    for (;;) {
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [PG_LOCK_KEY]);
      if (r.rows[0]?.ok === true) break;
      if (Date.now() >= deadline) {
        await client.end();
        throw new LockBusyError(`another etl command is loading into ${db.safeUrl} (PostgreSQL advisory lock ${PG_LOCK_KEY} is held); wait for it, or pass --wait-lock <seconds>`);
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
