/**
 * One account's download: a fresh browser context, the carrier's download.ts driving it, files
 * saved into a staging folder, and on failure the evidence (screenshot, page HTML, playwright
 * trace) saved and named in the error. Retries with exponential backoff and jitter for
 * transient failures. Secrets never reach a message, a log line or a file name.
 */
import fs from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import type { Browser, BrowserContext, Page } from 'playwright';
import type { CarrierAdapter } from '../carrier-kit/contract.js';
import type { DownloadContext, PortalCredentials, PortalDocument } from '../carrier-kit/portal.js';
import { describeError, PortalError } from '../errors.js';
import type { SecretScrubber } from '../secrets.js';
import { screenshotMasks, writeScrubbed, writeScrubbedTrace, type EvidenceOutcome } from './evidence.js';
import { ownedName, UNSCRUBBED_PREFIX } from '../pipeline/leftovers.js';

export interface DownloadedFile {
  readonly portalId: string;
  readonly path: string;
  readonly name: string;
}

export interface AccountJob {
  readonly adapter: CarrierAdapter;
  readonly account: string;
  readonly portalUrl: string;
  readonly credentials: PortalCredentials;
  readonly window: { readonly from: string; readonly to: string };
  /** Portal ids downloaded in earlier runs. */
  readonly known: ReadonlySet<string>;
  readonly stagingDir: string;
  readonly evidenceDir: string;
  readonly downloadConcurrency: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly scrubber: SecretScrubber;
  readonly log: (message: string) => void;
}

/** Letters, digits, dot, dash and underscore only: safe in a file name. */
export function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '').slice(0, 100) || 'file';
}

function isTransient(err: unknown): boolean {
  if (err instanceof PortalError) return err.transient;
  // playwright time-outs, closed pages and network errors: the portal may do better next time
  return true;
}

/** Runs the download with retries. Resolves with the files; rejects with a PortalError. */
export async function downloadWithRetries(browser: Browser, job: AccountJob): Promise<DownloadedFile[]> {
  let attempt = 0;
  for (;;) {
    attempt++;
    try {
      return await downloadOnce(browser, job, attempt);
    } catch (err) {
      const transient = isTransient(err);
      const message = job.scrubber.scrub(describeError(err));
      if (!transient || attempt > job.retries) {
        throw new PortalError(`${message}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}`, false, { cause: err });
      }
      const wait = Math.round(job.backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
      job.log(`attempt ${attempt} failed (${message.split('\n')[0]}); retrying in ${wait} ms`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

async function downloadOnce(browser: Browser, job: AccountJob, attempt: number): Promise<DownloadedFile[]> {
  const context = await browser.newContext({ acceptDownloads: true, baseURL: job.portalUrl });
  context.setDefaultTimeout(job.timeoutMs);
  context.setDefaultNavigationTimeout(job.timeoutMs);
  const page = await context.newPage();
  let tracing = false;
  const files: DownloadedFile[] = [];
  const got = new Set<string>();
  let step = 'start';
  fs.mkdirSync(job.stagingDir, { recursive: true });

  const save = (portalId: string, name: string, bytes: Buffer | null, from?: string): DownloadedFile => {
    const target = path.join(job.stagingDir, `${safeFileName(portalId)}--${safeFileName(name)}`);
    if (bytes !== null) fs.writeFileSync(target, bytes);
    else if (from !== undefined) fs.copyFileSync(from, target);
    const f = { portalId, path: target, name };
    files.push(f);
    got.add(portalId);
    return f;
  };

  const ctx: DownloadContext = {
    page,
    baseUrl: job.portalUrl,
    account: job.account,
    credentials: job.credentials,
    window: job.window,
    alreadyHave: (id) => job.known.has(id) || got.has(id),
    step: (name) => {
      step = name;
      job.log(`${name}`);
    },
    async authenticated() {
      if (tracing) return;
      // DOM snapshots only: trace screenshots are a continuous screencast (CPU-heavy with several
      // accounts at once); a full-page screenshot is saved separately on failure
      await context.tracing.start({ screenshots: false, snapshots: true });
      tracing = true;
    },
    async captureDownload(portalId, trigger) {
      if (ctx.alreadyHave(portalId)) return;
      const [download] = await Promise.all([page.waitForEvent('download'), trigger()]);
      const failure = await download.failure();
      if (failure !== null) throw new PortalError(`download of ${portalId} failed: ${failure}`, true);
      const tmp = await download.path();
      const size = fs.statSync(tmp).size;
      if (size === 0) throw new PortalError(`download of ${portalId} is empty`, true);
      save(portalId, download.suggestedFilename(), null, tmp);
    },
    async fetchAll(documents: readonly PortalDocument[]) {
      const limit = pLimit(job.downloadConcurrency);
      const base = page.url() || job.portalUrl;
      await Promise.all(
        documents
          .filter((d) => !ctx.alreadyHave(d.portalId))
          .map((d) =>
            limit(async () => {
              const url = new URL(d.url, base).toString();
              // one quick retry per document for a 5xx: a long list should not restart the login
              let res = await context.request.get(url, { timeout: job.timeoutMs });
              if (res.status() >= 500) {
                await new Promise((r) => setTimeout(r, job.backoffMs));
                res = await context.request.get(url, { timeout: job.timeoutMs });
              }
              if (!res.ok()) throw new PortalError(`download of ${d.portalId} answered HTTP ${res.status()}`, res.status() >= 500 || res.status() === 429);
              const body = await res.body();
              const declared = Number(res.headers()['content-length'] ?? Number.NaN);
              if (Number.isFinite(declared) && declared !== body.length) {
                throw new PortalError(`download of ${d.portalId} was cut off (${body.length} of ${declared} bytes)`, true);
              }
              const disposition = res.headers()['content-disposition'] ?? '';
              const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? path.basename(new URL(url).pathname);
              save(d.portalId, name, body);
            }),
          ),
      );
    },
  };

  try {
    if (job.adapter.download === undefined) throw new PortalError(`${job.adapter.name} has no portal download`, false);
    await job.adapter.download(ctx);
    if (tracing) await context.tracing.stop();
    await context.close();
    return files;
  } catch (err) {
    const evidence = await saveEvidence(context, page, job, attempt, step, tracing);
    await context.close().catch(() => undefined);
    for (const f of files) fs.rmSync(f.path, { force: true }); // a failed attempt keeps nothing half-done
    const transient = isTransient(err);
    const message = job.scrubber.scrub(`${job.adapter.id} account ${job.account}, step "${step}": ${describeError(err).split('\n')[0]} (evidence: ${evidence.join(', ')})`);
    throw new PortalError(message, transient, { cause: err });
  }
}

async function saveEvidence(context: BrowserContext, page: Page, job: AccountJob, attempt: number, step: string, tracing: boolean): Promise<string[]> {
  const dir = path.join(job.evidenceDir, `${safeFileName(job.adapter.id)}-${safeFileName(job.account)}-attempt${attempt}`);
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, safeFileName(step));
  const outcomes: EvidenceOutcome[] = [];
  // the trace first, so the evidence collection below (masks found from secrets) is not in it;
  // the raw trace lives only until it is scrubbed into its final name
  if (tracing) {
    const raw = path.join(dir, `${ownedName(UNSCRUBBED_PREFIX)}${safeFileName(step)}.zip`);
    try {
      await context.tracing.stop({ path: raw });
      outcomes.push(writeScrubbedTrace(raw, `${base}.trace.zip`, job.scrubber));
    } catch {
      fs.rmSync(raw, { force: true }); // the page may be gone
    }
  }
  try {
    // password fields, and whatever shows a secret (the signed-in user's name), are masked
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5000, mask: await screenshotMasks(page, job.scrubber) });
    outcomes.push({ file: `${base}.png`, kept: true });
  } catch {
    // idem
  }
  try {
    outcomes.push(writeScrubbed(`${base}.html`, Buffer.from(await page.content(), 'utf8'), job.scrubber));
  } catch {
    // idem
  }
  const saved: string[] = [];
  for (const o of outcomes) {
    if (o.kept) saved.push(o.file);
    else {
      saved.push(`${path.basename(o.file)} withheld: ${o.why}`);
      job.log(`evidence ${o.file} withheld: ${o.why}`);
    }
  }
  return saved;
}
