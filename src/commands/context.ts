/** What every subcommand gets: resolved options, output, and an open (migrated) database. */
import type { GlobalOptions } from '../config.js';
import { openDatabase, type Db } from '../db/connect.js';
import { acquireRunLock, type RunLock } from '../db/lock.js';
import { createOutput, type Output } from '../log.js';
import { removeLeftovers } from '../pipeline/leftovers.js';

export interface CommandContext {
  readonly options: GlobalOptions;
  readonly out: Output;
  readonly db: Db;
}

/** Opens the database, runs `fn`, always closes. Returns fn's exit code. */
export async function withContext(options: GlobalOptions, fn: (ctx: CommandContext) => Promise<number>): Promise<number> {
  const out = createOutput(options.dataDir, options);
  // work files of a command that was killed (landing copies, conversion folders with invoice copies)
  for (const p of removeLeftovers(options.dataDir)) out.debug(`removed ${p}, left by a command that is no longer running`);
  const db = await openDatabase(options.dbUrl);
  out.debug(`database ${db.safeUrl}`);
  try {
    return await fn({ options, out, db });
  } finally {
    await db.close();
  }
}

/** Prints `value` as JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs `fn` holding the run lock, so two loads never overlap on one database. `waitSeconds`
 * 0 (default) fails at once with a message naming the holder; more waits that long.
 */
export async function withRunLock<T>(ctx: CommandContext, command: string, waitSeconds: number | undefined, fn: (lock: RunLock) => Promise<T>): Promise<T> {
  const lock = await acquireRunLock(ctx.db, command, { waitMs: Math.max(0, (waitSeconds ?? 0) * 1000) });
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
