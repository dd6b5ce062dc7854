/**
 * The job queue: pg-boss 10 in the same PostgreSQL database as the data (its own schema). Two
 * queues, both with pg-boss's `short` policy (at most one *waiting* job per singleton key, so a
 * schedule that enqueues again before the last batch ran adds nothing):
 * - `etl-account`: one job per configured account (download + ingest), keyed carrier/account;
 * - `etl-file`: one job per file on shared storage, keyed by the file's sha256.
 * Payloads name accounts and paths, never credentials: a worker reads an account's secrets from
 * its own environment, through the variables its own etl.config.yaml names.
 */
import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { Db } from '../db/connect.js';
import { describeError, SystemError, UsageError } from '../errors.js';
import { PROCESS_SECRETS } from '../secrets.js';
import type { WorkerSettings } from './settings.js';

export const ACCOUNT_QUEUE = 'etl-account';
export const FILE_QUEUE = 'etl-file';
export type QueueName = typeof ACCOUNT_QUEUE | typeof FILE_QUEUE;

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** An account job: which account, and the window when the enqueuer fixed one. */
export const accountJobSchema = z.strictObject({
  carrier: z.string().min(1),
  account: z.string().min(1),
  from: isoDay.optional(),
  to: isoDay.optional(),
});
export type AccountJob = z.infer<typeof accountJobSchema>;

/** A file job: an absolute path every worker sees at the same place (shared storage). */
export const fileJobSchema = z.strictObject({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  carrier: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
});
export type FileJob = z.infer<typeof fileJobSchema>;

/** Starts pg-boss on `db` (creating or upgrading its schema) and makes sure both queues exist. */
export async function openQueue(db: Db, settings: WorkerSettings, options: { supervise: boolean; onError: (message: string) => void }): Promise<PgBoss> {
  if (db.dialect !== 'postgres') {
    throw new UsageError(`workers need PostgreSQL (the queue lives in the database, which every worker must reach); ${db.safeUrl} is SQLite: use --db postgres://... or ETL_DATABASE_URL`);
  }
  const { default: PgBossClass } = await import('pg-boss');
  const boss = new PgBossClass({
    connectionString: db.url,
    schema: settings.schema,
    application_name: 'etl-worker',
    max: 3,
    supervise: options.supervise,
    schedule: false,
    maintenanceIntervalSeconds: settings.maintenanceSeconds,
    pollingIntervalSeconds: settings.pollingSeconds,
  });
  // without a listener an 'error' event would end the process; pg's messages carry no password,
  // but they pass the process's scrubber anyway
  boss.on('error', (err) => options.onError(PROCESS_SECRETS.scrub(describeError(err))));
  try {
    await boss.start();
    for (const name of [ACCOUNT_QUEUE, FILE_QUEUE]) await boss.createQueue(name, { name, policy: 'short' });
  } catch (err) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    throw new SystemError(`cannot open the job queue (schema ${settings.schema}) in ${db.safeUrl}: ${PROCESS_SECRETS.scrub(describeError(err))}`, { cause: err });
  }
  return boss;
}

/** Job options of `queue`: its lease, retries and singleton key. */
function sendOptions(queue: QueueName, settings: WorkerSettings, singletonKey: string): PgBoss.SendOptions {
  return {
    singletonKey,
    expireInSeconds: queue === ACCOUNT_QUEUE ? settings.accountLeaseSeconds : settings.fileLeaseSeconds,
    retryLimit: settings.retryLimit,
    retryDelay: settings.retryDelaySeconds,
    retryBackoff: true,
  };
}

export function accountKey(j: Pick<AccountJob, 'carrier' | 'account'>): string {
  return `${j.carrier}/${j.account}`;
}

/** Enqueues jobs; returns how many were new and how many were already waiting (same key). */
export async function enqueue(boss: PgBoss, settings: WorkerSettings, jobs: readonly ({ queue: typeof ACCOUNT_QUEUE; data: AccountJob } | { queue: typeof FILE_QUEUE; data: FileJob })[]): Promise<{ queued: string[]; waiting: string[] }> {
  const queued: string[] = [];
  const waiting: string[] = [];
  for (const j of jobs) {
    const key = j.queue === ACCOUNT_QUEUE ? accountKey(j.data) : j.data.sha256;
    const label = j.queue === ACCOUNT_QUEUE ? accountKey(j.data) : j.data.path;
    const id = await boss.send(j.queue, j.data, sendOptions(j.queue, settings, key));
    (id === null ? waiting : queued).push(label);
  }
  return { queued, waiting };
}
