/**
 * `etl run --carrier <id> | --all [--from D] [--to D]`: for each configured account, log in to
 * the carrier's portal, download the invoices of the date window, and ingest them. Accounts run
 * concurrently in a bounded pool; one failing account never stops the others.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TOTP, Secret } from 'otpauth';
import pLimit from 'p-limit';
import type { Browser } from 'playwright';
import { CARRIERS, findCarrier } from '../../carriers/index.js';
import type { PortalCredentials } from '../carrier-kit/portal.js';
import { lockKey } from '../db/lock.js';
import { describeError, EXIT, PortalError, UsageError } from '../errors.js';
import { parseDate } from '../parsing/dates.js';
import { launchChromium, type BrowserFactory } from '../portal/browser.js';
import { SecretScrubber } from '../secrets.js';
import { downloadWithRetries } from '../portal/session.js';
import { ingestPaths, loadedFileIds, type FileResult } from '../pipeline/ingest.js';
import { finishRun, startRun } from '../pipeline/runs.js';
import { loadRunConfig, type AccountConfig, type RunConfig } from '../run-config.js';
import { defaultAuditConfig } from '../audit/config.js';
import { auditLoaded } from './audit.js';
import { seedPostcodeCentroids } from '../emissions/seed.js';
import { operatorOverrides } from './charges.js';
import { printJson, type CommandContext } from './context.js';

export interface RunOptions {
  readonly carrier?: string;
  readonly all?: boolean;
  readonly from?: string;
  readonly to?: string;
  readonly config?: string;
  /** Only this account number (of the --carrier's accounts): one queued job's unit. */
  readonly account?: string;
}

export interface AccountResult {
  readonly carrier: string;
  readonly account: string;
  readonly status: 'succeeded' | 'failed';
  readonly window: { from: string; to: string };
  readonly files: number;
  readonly invoices: number;
  readonly charges: number;
  readonly unreconciled: number;
  readonly quarantined: number;
  readonly error: string | null;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function dateOption(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const iso = parseDate(v, ['YYYY-MM-DD']);
  if (iso === null) throw new UsageError(`--${name} ${v}: expected a date as YYYY-MM-DD`);
  return iso;
}

/** Reads an account's secrets from the environment; names (never values) in errors. */
function credentialsFor(a: AccountConfig, env: NodeJS.ProcessEnv, scrubber: SecretScrubber): PortalCredentials {
  const need = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') throw new UsageError(`account ${a.carrier}/${a.account}: environment variable ${name} is not set`);
    scrubber.add(v);
    return v;
  };
  const username = need(a.usernameEnv);
  const password = need(a.passwordEnv);
  const secret = a.totpSecretEnv === undefined ? undefined : need(a.totpSecretEnv);
  let totp: TOTP | undefined;
  if (secret !== undefined) {
    try {
      totp = new TOTP({ secret: Secret.fromBase32(secret.replace(/\s+/g, '').toUpperCase()), digits: 6, period: 30, algorithm: 'SHA1' });
    } catch {
      throw new UsageError(`account ${a.carrier}/${a.account}: ${a.totpSecretEnv} is not a base32 TOTP secret`);
    }
  }
  return {
    username,
    password,
    totp() {
      if (totp === undefined) throw new PortalError(`the portal asks for a one-time code but account ${a.carrier}/${a.account} has no totpSecretEnv`, false);
      const now = Date.now();
      const code = totp.generate({ timestamp: now });
      // a code typed just before a step boundary is still shown (and accepted) in the next
      // step, and the portal may accept the previous one: all three are secret for now
      for (const step of [-1, 0, 1]) scrubber.add(totp.generate({ timestamp: now + step * totp.period * 1000 }));
      return code;
    },
  };
}

export async function runCommand(ctx: CommandContext, opts: RunOptions, browserFactory: BrowserFactory = launchChromium): Promise<number> {
  const { runId, results } = await runAccounts(ctx, opts, browserFactory);
  if (ctx.options.json) printJson({ run_id: runId, accounts: results });
  else process.stdout.write(summaryTable(results));
  const failed = results.some((r) => r.status === 'failed');
  const dataProblems = results.some((r) => r.unreconciled > 0 || r.quarantined > 0);
  return failed || dataProblems ? EXIT.dataProblem : EXIT.ok;
}

/** Downloads and ingests the accounts `opts` selects; one result per account, sorted. */
export async function runAccounts(ctx: CommandContext, opts: RunOptions, browserFactory: BrowserFactory = launchChromium): Promise<{ runId: number; results: AccountResult[] }> {
  const configFile = path.resolve(opts.config ?? process.env.ETL_CONFIG ?? 'etl.config.yaml');
  const config: RunConfig = loadRunConfig(configFile);
  if ((opts.carrier === undefined) === (opts.all !== true)) throw new UsageError('say which accounts to run: --carrier <id> or --all');
  if (opts.carrier !== undefined && findCarrier(opts.carrier) === undefined) {
    throw new UsageError(`unknown carrier "${opts.carrier}" (known: ${CARRIERS.map((c) => c.id).join(', ')})`);
  }
  const accounts = config.accounts.filter((a) => (opts.all === true || a.carrier === opts.carrier) && (opts.account === undefined || a.account === opts.account));
  if (accounts.length === 0) throw new UsageError(`${configFile} lists no account ${opts.account ?? ''} for carrier ${opts.carrier}`.replace('  ', ' '));
  for (const a of accounts) {
    const adapter = findCarrier(a.carrier);
    if (adapter === undefined) throw new UsageError(`${configFile}: account ${a.account}: unknown carrier "${a.carrier}"`);
    if (adapter.download === undefined) throw new UsageError(`${configFile}: carrier ${a.carrier} has no portal download`);
  }
  // the same file's charges: overrides, with carrier ids checked, plus the database's
  const overrides = await operatorOverrides(ctx, configFile);
  const from = dateOption('from', opts.from);
  const to = dateOption('to', opts.to) ?? isoDay(new Date());
  const scrubber = new SecretScrubber();
  const creds = new Map(accounts.map((a) => [a, credentialsFor(a, process.env, scrubber)]));

  const { db, out } = ctx;
  const runId = await startRun(db, opts.all === true ? 'run --all' : `run --carrier ${opts.carrier}${opts.account !== undefined ? ` --account ${opts.account}` : ''}`);
  const runDir = path.join(ctx.options.dataDir, 'runs', `run-${runId}`);
  const ingestLock = pLimit(1); // one file-loading transaction at a time on the shared database
  const fileResults: FileResult[] = [];
  let browser: Browser | undefined;
  let failure: unknown;
  const results: AccountResult[] = [];
  try {
    browser = await browserFactory({ ...(config.browser.executablePath ? { executablePath: config.browser.executablePath } : {}), headless: config.browser.headless });
    const pool = pLimit(config.concurrency);
    await Promise.all(
      accounts.map((a) =>
        pool(async () => {
          const r = await runAccount(a, creds.get(a) as PortalCredentials);
          results.push(r);
          const line = `${r.carrier} ${r.account}: ${r.status}, ${r.files} file(s), ${r.invoices} invoice(s), ${r.charges} charge line(s)${r.error ? `: ${r.error}` : ''}`;
          if (r.status === 'failed') out.error(line);
          else out.say(line);
        }),
      ),
    );
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    await browser?.close().catch(() => undefined);
    await finishRun(db, runId, fileResults, failure, results.some((r) => r.status === 'failed'));
  }

  async function runAccount(a: AccountConfig, credentials: PortalCredentials): Promise<AccountResult> {
    // PostgreSQL: one run or worker job per account at a time, on any machine (db/lock.ts)
    const held = await lockKey(db, 'account', `${a.carrier}\u001f${a.account}`, { wait: false });
    if (held === null) {
      const message = `another etl run or worker is processing account ${a.carrier}/${a.account} now; not run here`;
      return { carrier: a.carrier, account: a.account, window: { from: from ?? '', to }, files: 0, invoices: 0, charges: 0, unreconciled: 0, quarantined: 0, status: 'failed', error: message };
    }
    try {
      return await runHeldAccount(a, credentials);
    } finally {
      await held.release();
    }
  }

  async function runHeldAccount(a: AccountConfig, credentials: PortalCredentials): Promise<AccountResult> {
    const adapter = findCarrier(a.carrier);
    if (adapter === undefined || browser === undefined) throw new Error('internal: checked above');
    const state = await db.db.selectFrom('account_runs').selectAll().where('carrier', '=', a.carrier).where('account_number', '=', a.account).executeTakeFirst();
    const windowFrom = from ?? state?.last_window_to ?? isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - config.window.firstRunDays * 86_400_000));
    const window = { from: windowFrom, to };
    const known = new Set(
      (await db.db.selectFrom('portal_downloads').select('portal_id').where('carrier', '=', a.carrier).where('account_number', '=', a.account).execute()).map((r) => r.portal_id),
    );
    const base: Omit<AccountResult, 'status' | 'error'> = { carrier: a.carrier, account: a.account, window, files: 0, invoices: 0, charges: 0, unreconciled: 0, quarantined: 0 };
    let files;
    try {
      files = await downloadWithRetries(browser, {
        adapter,
        account: a.account,
        portalUrl: a.portalUrl,
        credentials,
        window,
        known,
        stagingDir: path.join(runDir, 'downloads', `${a.carrier}-${a.account}`),
        evidenceDir: path.join(runDir, 'evidence'),
        downloadConcurrency: config.downloadConcurrency,
        timeoutMs: config.browser.timeoutMs,
        retries: config.retries,
        backoffMs: config.backoffMs,
        scrubber,
        log: (m) => out.debug(`${a.carrier} ${a.account}: ${scrubber.scrub(m)}`),
      });
    } catch (err) {
      const message = scrubber.scrub(describeError(err));
      await recordAccount(a, 'failed', null, message);
      out.log.error({ event: 'account_failed', carrier: a.carrier, account: a.account }, message);
      return { ...base, status: 'failed', error: message };
    }
    const ingested = await ingestLock(async () => {
      const loaded = await ingestPaths({ db, dataDir: ctx.options.dataDir, runId }, files.map((f) => f.path), { carrier: adapter, carriers: CARRIERS, account: a.account, overrides });
      await auditLoaded(ctx, loaded, config.audit ?? defaultAuditConfig());
      await seedPostcodeCentroids(db.db, loadedFileIds(loaded));
      return loaded;
    });
    fileResults.push(...ingested);
    const now = new Date().toISOString();
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const r = ingested[i];
      if (f === undefined || r === undefined) continue;
      const sha = await db.db.selectFrom('source_files').select('sha256').where('id', '=', r.sourceFileId ?? -1).executeTakeFirst();
      await db.db
        .insertInto('portal_downloads')
        .values({ carrier: a.carrier, account_number: a.account, portal_id: f.portalId, sha256: sha?.sha256 ?? '', original_name: f.name, source_file_id: r.sourceFileId, downloaded_at: now, run_id: runId })
        .onConflict((oc) => oc.columns(['carrier', 'account_number', 'portal_id']).doNothing())
        .execute();
      fs.rmSync(f.path, { force: true }); // the landing store has its copy
    }
    await recordAccount(a, 'succeeded', to, null);
    const sum = (k: 'invoices' | 'charges' | 'unreconciled') => ingested.reduce((s, r) => s + r[k], 0);
    return {
      ...base,
      status: 'succeeded',
      files: files.length,
      invoices: sum('invoices'),
      charges: sum('charges'),
      unreconciled: sum('unreconciled'),
      quarantined: ingested.filter((r) => r.status === 'quarantined').length,
      error: null,
    };
  }

  async function recordAccount(a: AccountConfig, status: 'succeeded' | 'failed', windowTo: string | null, error: string | null): Promise<void> {
    const now = new Date().toISOString();
    const prior = await db.db.selectFrom('account_runs').select('last_window_to').where('carrier', '=', a.carrier).where('account_number', '=', a.account).executeTakeFirst();
    const row = {
      carrier: a.carrier,
      account_number: a.account,
      last_status: status,
      last_error: error,
      updated_at: now,
      ...(status === 'succeeded' ? { last_success_at: now, last_window_to: windowTo } : {}),
    };
    if (prior === undefined) await db.db.insertInto('account_runs').values({ last_success_at: null, last_window_to: null, ...row }).execute();
    else await db.db.updateTable('account_runs').set(row).where('carrier', '=', a.carrier).where('account_number', '=', a.account).execute();
  }

  results.sort((x, y) => x.carrier.localeCompare(y.carrier) || x.account.localeCompare(y.account));
  return { runId, results };
}

export function summaryTable(results: readonly AccountResult[]): string {
  const head = ['carrier', 'account', 'status', 'window', 'files', 'invoices', 'charges', 'unreconciled', 'quarantined'];
  const rows = results.map((r) => [r.carrier, r.account, r.status, `${r.window.from}..${r.window.to}`, r.files, r.invoices, r.charges, r.unreconciled, r.quarantined].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i >= 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  const errors = results.filter((r) => r.error).map((r) => `${r.carrier} ${r.account}: ${r.error}`);
  return `${[fmt(head), ...rows.map(fmt)].join('\n')}\n${errors.length > 0 ? `\nerrors:\n${errors.join('\n')}\n` : ''}`;
}

