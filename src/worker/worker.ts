/**
 * The worker loop: `concurrency` slots, each asking the queue for an account job, else a file
 * job, running it, and completing or failing it. A failed job is retried by pg-boss after its
 * delay; a job whose worker died stays `active` until its lease (expireInSeconds) runs out, when
 * pg-boss's maintenance hands it back and any worker takes it again. What keeps two attempts of
 * one job from doing the work twice is not the queue but the database's locks (db/lock.ts): the
 * account lock, the content lock per sha256 and the invoice lock.
 */
import type PgBoss from 'pg-boss';
import type { z } from 'zod';
import { describeError } from '../errors.js';
import { PROCESS_SECRETS } from '../secrets.js';
import { ACCOUNT_QUEUE, accountJobSchema, FILE_QUEUE, fileJobSchema, type AccountJob, type FileJob, type QueueName } from './queue.js';
import type { WorkerSettings } from './settings.js';

export interface JobHandlers {
  /** Downloads and ingests one account; throws to have the job retried. Returns the job's output. */
  account(job: AccountJob, id: string): Promise<Record<string, unknown>>;
  /** Ingests one file from shared storage; throws to have the job retried. */
  file(job: FileJob, id: string): Promise<Record<string, unknown>>;
}

export interface WorkerEvents {
  started(queue: QueueName, id: string, what: string, attempt: number): void;
  finished(queue: QueueName, id: string, what: string, output: Record<string, unknown>): void;
  failed(queue: QueueName, id: string, what: string, message: string): void;
  released(queue: QueueName, id: string): void;
}

export interface RunningWorker {
  /**
   * Stops asking for jobs; waits up to `graceMs` for the current ones, then fails (hands back)
   * those still running so another worker retries them. Resolves to the number handed back.
   */
  stop(graceMs: number): Promise<number>;
  /** Resolves when every slot has ended (after stop). */
  readonly done: Promise<void>;
}

const describeJob = (queue: QueueName, data: AccountJob | FileJob): string =>
  queue === ACCOUNT_QUEUE ? `account ${(data as AccountJob).carrier}/${(data as AccountJob).account}` : `file ${(data as FileJob).path}`;

export function startWorker(boss: PgBoss, settings: WorkerSettings, concurrency: number, handlers: JobHandlers, events: WorkerEvents): RunningWorker {
  let stopping = false;
  const wakers = new Set<() => void>();
  const active = new Map<string, QueueName>();

  const fetchOne = async (): Promise<{ queue: QueueName; job: PgBoss.JobWithMetadata<unknown> } | null> => {
    for (const queue of [ACCOUNT_QUEUE, FILE_QUEUE] as const) {
      const [job] = await boss.fetch<unknown>(queue, { batchSize: 1, includeMetadata: true });
      if (job !== undefined) return { queue, job };
    }
    return null;
  };

  const run = async (queue: QueueName, job: PgBoss.JobWithMetadata<unknown>): Promise<void> => {
    const schema: z.ZodType<AccountJob | FileJob> = queue === ACCOUNT_QUEUE ? accountJobSchema : fileJobSchema;
    const parsed = schema.safeParse(job.data);
    if (!parsed.success) {
      const message = `job ${job.id} in ${queue} has an invalid payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
      events.failed(queue, job.id, '?', message);
      await boss.fail(queue, job.id, { message });
      return;
    }
    const what = describeJob(queue, parsed.data);
    active.set(job.id, queue);
    events.started(queue, job.id, what, job.retryCount + 1);
    try {
      const output = queue === ACCOUNT_QUEUE ? await handlers.account(parsed.data as AccountJob, job.id) : await handlers.file(parsed.data as FileJob, job.id);
      if (!active.has(job.id)) return; // handed back by stop() meanwhile
      active.delete(job.id);
      await boss.complete(queue, job.id, output);
      events.finished(queue, job.id, what, output);
    } catch (err) {
      if (!active.has(job.id)) return;
      active.delete(job.id);
      const message = PROCESS_SECRETS.scrub(describeError(err));
      await boss.fail(queue, job.id, { message });
      events.failed(queue, job.id, what, message);
    }
  };

  const slot = async (): Promise<void> => {
    while (!stopping) {
      const next = await fetchOne().catch((err: unknown) => {
        events.failed(ACCOUNT_QUEUE, '-', 'fetching a job', PROCESS_SECRETS.scrub(describeError(err)));
        return null;
      });
      if (next === null) {
        await new Promise<void>((res) => {
          const wake = (): void => {
            clearTimeout(t);
            wakers.delete(wake);
            res();
          };
          const t = setTimeout(wake, settings.pollingSeconds * 1000);
          wakers.add(wake);
        });
        continue;
      }
      // completing or failing needs the database: when it is gone, say so and keep polling
      await run(next.queue, next.job).catch((err: unknown) => events.failed(next.queue, next.job.id, 'reporting the job', PROCESS_SECRETS.scrub(describeError(err))));
    }
  };

  const slots = Array.from({ length: concurrency }, () => slot());
  const done = Promise.all(slots).then(() => undefined);
  return {
    done,
    async stop(graceMs: number): Promise<number> {
      stopping = true;
      for (const wake of [...wakers]) wake();
      const finished = await Promise.race([done.then(() => true), new Promise<boolean>((res) => setTimeout(() => res(false), graceMs).unref())]);
      if (finished) return 0;
      let n = 0;
      for (const [id, queue] of [...active]) {
        active.delete(id);
        await boss.fail(queue, id, { message: 'the worker was stopped (SIGTERM) before the job finished; handed back to the queue' }).catch(() => undefined);
        events.released(queue, id);
        n++;
      }
      return n;
    },
  };
}
