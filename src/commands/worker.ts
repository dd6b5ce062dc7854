/**
 * `etl worker [--concurrency N]`: processes queued jobs until stopped. `etl run --enqueue` and
 * `etl ingest --enqueue`: put the jobs on the queue instead of doing the work here. PostgreSQL
 * only: the queue (pg-boss) lives in the database every worker reaches. See docs/scheduling.md.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CARRIERS, findCarrier } from '../../carriers/index.js';
import { describeFsError, EXIT, UsageError } from '../errors.js';
import { loadedFileIds, type FileResult } from '../pipeline/ingest.js';
import { loadRunConfig, loadWorkerSettings } from '../run-config.js';
import { PROCESS_SECRETS } from '../secrets.js';
import { ACCOUNT_QUEUE, enqueue, FILE_QUEUE, openQueue, type AccountJob, type FileJob } from '../worker/queue.js';
import type { WorkerSettings } from '../worker/settings.js';
import { startWorker } from '../worker/worker.js';
import { printJson, withRunLock, type CommandContext } from './context.js';
import { expandPaths, recordedRun, resolveCarrier } from './ingest.js';
import type { RunOptions } from './run.js';

/** The config file a command reads (--config, else ETL_CONFIG, else ./etl.config.yaml). */
function configFileOf(config: string | undefined): string {
  return path.resolve(config ?? process.env.ETL_CONFIG ?? 'etl.config.yaml');
}

/** Seconds a job waits for an `etl remap` (which holds the run lock alone) before it is retried. */
const REMAP_WAIT_SECONDS = 60;

const WORKER_ID = `${os.hostname()}:${process.pid}`;

/**
 * Registers every configured account's secrets with the process scrubber, so no job failure
 * message or log line of this worker can carry one (the run registers them too, per run).
 */
function registerAccountSecrets(configFile: string): void {
  if (!fs.existsSync(configFile)) return;
  let accounts;
  try {
    accounts = loadRunConfig(configFile).accounts;
  } catch {
    return; // an account job reports the config problem itself
  }
  for (const a of accounts) for (const name of [a.usernameEnv, a.passwordEnv, a.totpSecretEnv]) if (name !== undefined) PROCESS_SECRETS.add(process.env[name]);
}

export interface WorkerOptions {
  readonly concurrency?: number;
  readonly config?: string;
}

export async function workerCommand(ctx: CommandContext, opts: WorkerOptions): Promise<number> {
  const configFile = configFileOf(opts.config);
  const settings = loadWorkerSettings(configFile);
  const concurrency = opts.concurrency ?? 1;
  registerAccountSecrets(configFile);
  const { out } = ctx;
  const boss = await openQueue(ctx.db, settings, { supervise: true, onError: (m) => out.warn(`job queue: ${m}`) });
  const { runAccounts } = await import('./run.js');
  const worker = startWorker(
    boss,
    settings,
    concurrency,
    {
      account: async (job: AccountJob) =>
        withRunLock(ctx, 'worker', REMAP_WAIT_SECONDS, async () => {
          const runOpts: RunOptions = { carrier: job.carrier, account: job.account, config: configFile, ...(job.from ? { from: job.from } : {}), ...(job.to ? { to: job.to } : {}) };
          const { runId, results } = await runAccounts(ctx, runOpts);
          const r = results[0];
          if (r === undefined) throw new Error(`internal: no result for account ${job.carrier}/${job.account}`);
          // a failed account (portal down, login refused, account busy elsewhere) is retried by the queue
          if (r.status === 'failed') throw new Error(`${job.carrier}/${job.account}: ${r.error ?? 'failed'} (run ${runId})`);
          return { worker: WORKER_ID, run_id: runId, files: r.files, invoices: r.invoices, charges: r.charges, unreconciled: r.unreconciled, quarantined: r.quarantined };
        }),
      file: async (job: FileJob) =>
        withRunLock(ctx, 'worker', REMAP_WAIT_SECONDS, async () => ingestQueuedFile(ctx, configFile, job)),
    },
    {
      started: (queue, id, what, attempt) => {
        out.say(`job ${id} (${queue}) started: ${what}${attempt > 1 ? `, attempt ${attempt}` : ''}`);
        out.log.info({ event: 'job_started', queue, job: id, what, attempt, worker: WORKER_ID }, 'job started');
      },
      finished: (queue, id, what, output) => {
        out.say(`job ${id} (${queue}) done: ${what}: ${JSON.stringify(output)}`);
        out.log.info({ event: 'job_done', queue, job: id, what, output }, 'job done');
      },
      failed: (queue, id, what, message) => {
        out.error(`job ${id} (${queue}) failed: ${what}: ${message}`);
        out.log.error({ event: 'job_failed', queue, job: id, what }, message);
      },
      released: (queue, id) => out.warn(`job ${id} (${queue}) handed back to the queue: the worker stopped before it finished`),
    },
  );
  out.say(`worker ${WORKER_ID} ready: ${concurrency} slot(s), queues ${ACCOUNT_QUEUE} and ${FILE_QUEUE} in ${ctx.db.safeUrl} (lease ${settings.accountLeaseSeconds} s per account, ${settings.fileLeaseSeconds} s per file)`);
  const signal = await new Promise<NodeJS.Signals>((res) => {
    process.once('SIGTERM', () => res('SIGTERM'));
    process.once('SIGINT', () => res('SIGINT'));
  });
  out.say(`${signal}: finishing the current job(s), at most ${settings.stopGraceSeconds} s`);
  const handedBack = await worker.stop(settings.stopGraceSeconds * 1000);
  await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  out.say(`worker ${WORKER_ID} stopped${handedBack > 0 ? `; ${handedBack} job(s) handed back to the queue` : ''}`);
  // a job still running after the grace time holds a transaction: ending the process rolls it back
  if (handedBack > 0) process.exit(EXIT.ok);
  return EXIT.ok;
}

/** One file job: the path must be on this worker's view of the shared storage. */
async function ingestQueuedFile(ctx: CommandContext, configFile: string, job: FileJob): Promise<Record<string, unknown>> {
  if (!fs.existsSync(job.path)) {
    throw new Error(`${job.path} is not on this worker's storage: mount the shared volume at the same path on every worker (docs/scheduling.md)`);
  }
  const { ingestPaths } = await import('../pipeline/ingest.js');
  const { operatorOverrides } = await import('./charges.js');
  const overrides = await operatorOverrides(ctx, fs.existsSync(configFile) ? configFile : undefined);
  const adapter = resolveCarrier(job.carrier);
  const results: FileResult[] = [];
  let runId = 0;
  await recordedRun(ctx, `worker: ingest ${path.basename(job.path)}`, async (id, emit) => {
    runId = id;
    const options = { carriers: CARRIERS, overrides, ...(adapter ? { carrier: adapter } : {}), ...(job.account ? { account: job.account } : {}) };
    for (const r of await ingestPaths({ db: ctx.db, dataDir: ctx.options.dataDir, runId: id }, [job.path], options)) {
      results.push(r);
      emit(r);
    }
  });
  // what `etl ingest` does after its loads: the audit of what the file loaded, its ZIPs' centroids
  const { auditConfigOf, auditLoaded } = await import('./audit.js');
  const { seedPostcodeCentroids } = await import('../emissions/seed.js');
  await auditLoaded(ctx, results, auditConfigOf(fs.existsSync(configFile) ? configFile : undefined));
  await seedPostcodeCentroids(ctx.db.db, loadedFileIds(results));
  const r = results[0];
  return { worker: WORKER_ID, run_id: runId, status: r?.status ?? 'none', source_file_id: r?.sourceFileId ?? null, invoices: r?.invoices ?? 0, charges: r?.charges ?? 0 };
}

function printEnqueued(ctx: CommandContext, what: string, r: { queued: string[]; waiting: string[] }): number {
  if (ctx.options.json) printJson({ queued: r.queued, already_waiting: r.waiting });
  else ctx.out.say(`queued ${r.queued.length} ${what} job(s)${r.waiting.length > 0 ? `; ${r.waiting.length} already waiting: ${r.waiting.join(', ')}` : ''}`);
  return EXIT.ok;
}

/** `etl run --enqueue`: one job per selected account (download + ingest). */
export async function enqueueAccountsCommand(ctx: CommandContext, opts: RunOptions & { account?: string }): Promise<number> {
  const configFile = configFileOf(opts.config);
  const config = loadRunConfig(configFile);
  if ((opts.carrier === undefined) === (opts.all !== true)) throw new UsageError('say which accounts to enqueue: --carrier <id> or --all');
  const accounts = config.accounts.filter((a) => opts.all === true || a.carrier === opts.carrier);
  if (accounts.length === 0) throw new UsageError(`${configFile} lists no account for carrier ${opts.carrier}`);
  for (const a of accounts) {
    if (findCarrier(a.carrier)?.download === undefined) throw new UsageError(`${configFile}: account ${a.account}: carrier "${a.carrier}" is unknown or has no portal download`);
  }
  for (const [name, v] of [['from', opts.from], ['to', opts.to]] as const) {
    if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new UsageError(`--${name} ${v}: expected a date as YYYY-MM-DD`);
  }
  const settings = config.worker ?? loadWorkerSettings(configFile);
  const jobs = accounts.map((a) => ({ queue: ACCOUNT_QUEUE, data: { carrier: a.carrier, account: a.account, ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) } }) as const);
  return withBoss(ctx, settings, async (boss) => printEnqueued(ctx, 'account', await enqueue(boss, settings, jobs)));
}

/** `etl ingest --enqueue`: one job per file; the paths must be on storage every worker mounts. */
export async function enqueueFilesCommand(ctx: CommandContext, paths: readonly string[], opts: { carrier?: string; account?: string; config?: string }): Promise<number> {
  const adapter = resolveCarrier(opts.carrier);
  const accepts = new Set((adapter ? [adapter] : CARRIERS).flatMap((c) => [...c.accepts, 'xls', 'ods', 'xlsx']));
  const { files, problems } = expandPaths(paths, accepts);
  for (const p of problems) ctx.out.error(`${p.path}: ${p.message}; not queued`);
  if (files.length === 0) throw new UsageError(`no ${[...accepts].join('/')} files found in ${paths.join(', ')}`);
  const settings = loadWorkerSettings(configFileOf(opts.config));
  const jobs: { queue: typeof FILE_QUEUE; data: FileJob }[] = [];
  for (const f of files) {
    let sha256: string;
    try {
      sha256 = sha256Of(f);
    } catch (err) {
      problems.push({ path: f, message: `cannot be read: ${describeFsError(err)}` });
      ctx.out.error(`${f}: cannot be read: ${describeFsError(err)}; not queued`);
      continue;
    }
    jobs.push({ queue: FILE_QUEUE, data: { path: path.resolve(f), sha256, ...(adapter ? { carrier: adapter.id } : {}), ...(opts.account ? { account: opts.account } : {}) } });
  }
  const code = await withBoss(ctx, settings, async (boss) => printEnqueued(ctx, 'file', await enqueue(boss, settings, jobs)));
  return problems.length > 0 ? EXIT.dataProblem : code;
}

function sha256Of(file: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = fs.openSync(file, 'r');
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

async function withBoss<T>(ctx: CommandContext, settings: WorkerSettings, fn: (boss: Awaited<ReturnType<typeof openQueue>>) => Promise<T>): Promise<T> {
  const boss = await openQueue(ctx.db, settings, { supervise: false, onError: (m) => ctx.out.warn(`job queue: ${m}`) });
  try {
    return await fn(boss);
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  }
}
