/**
 * Portal benchmarks (real Chromium against the local mock portals):
 * A. Six accounts whose portals answer every request in 3, 4, 5, 6, 8 and 10 s run together with
 *    `etl run` (concurrency 6): the whole run should take at most 1.2x the slowest account alone.
 * B. 500 invoice files from one portal answering each request in 200 ms: the download phase
 *    (through the logged-in context, `downloadConcurrency` at a time) should reach 100 files/s.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ups } from '../carriers/ups/index.js';
import { UPS_PORTAL } from '../carriers/ups/download.js';
import { DEMO_TOTP_SECRET, fixtureDocuments } from '../fixtures/portal/accounts.js';
import { startMockPortal } from '../fixtures/portal/server.js';
import { SITES, type PortalAccount } from '../fixtures/portal/site.js';
import { listInvoices, signIn } from '../src/carrier-kit/index.js';
import { launchChromium } from '../src/portal/browser.js';
import { SecretScrubber } from '../src/secrets.js';
import { downloadWithRetries } from '../src/portal/session.js';
import { CLI, ROOT } from '../test/support/paths.js';

const OUT = path.join(ROOT, 'bench', 'out', 'portal');

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; code: number | null; stderr: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ seconds: (performance.now() - t0) / 1000, code, stderr }));
  });
}

async function benchConcurrentAccounts(): Promise<Record<string, number>> {
  // one portal per account, every response of which takes `s` seconds
  const targets = [3, 4, 5, 6, 8, 10];
  const documents = fixtureDocuments(ROOT, 'ups');
  const portals = await Promise.all(
    targets.map(async (s) => {
      const p = await startMockPortal([{ carrier: 'ups', username: `slow-${s}s@example.invalid`, password: `pw-${s}`, totpSecret: DEMO_TOTP_SECRET, documents }]);
      p.setFaults('ups', { latencyMs: s * 1000 * Number(process.env.BENCH_SLOW_SCALE ?? 1) });
      return p;
    }),
  );
  const env: NodeJS.ProcessEnv = {};
  const entry = (s: number, i: number) => {
    env[`SLOW${s}_USER`] = `slow-${s}s@example.invalid`;
    env[`SLOW${s}_PASSWORD`] = `pw-${s}`;
    env[`SLOW${s}_TOTP`] = DEMO_TOTP_SECRET;
    return [`  - carrier: ups`, `    account: "SLOW-${s}"`, `    portalUrl: ${portals[i]?.siteUrl('ups')}`, `    usernameEnv: SLOW${s}_USER`, `    passwordEnv: SLOW${s}_PASSWORD`, `    totpSecretEnv: SLOW${s}_TOTP`];
  };
  const config = (list: number[]) => {
    const f = path.join(OUT, `accounts-${list.join('-')}.yaml`);
    fs.writeFileSync(f, `concurrency: 6\nbrowser:\n  timeoutMs: 120000\naccounts:\n${list.flatMap((s) => entry(s, targets.indexOf(s))).join('\n')}\n`);
    return f;
  };
  try {
    const window = ['--from', '2020-01-01', '--to', '2030-12-31'];
    const slowest = Math.max(...targets);
    const run = async (list: number[], name: string) => {
      const dir = path.join(OUT, name);
      fs.rmSync(dir, { recursive: true, force: true });
      const r = await cli(['--data-dir', dir, 'run', '--carrier', 'ups', '--config', config(list), ...window], env);
      if (r.code !== 0) throw new Error(`${name} failed: ${r.stderr.slice(-1000)}`);
      return r.seconds;
    };
    const alone = await run([slowest], 'alone');
    const together = await run(targets, 'together');
    return { slowest_alone_s: Number(alone.toFixed(2)), together_s: Number(together.toFixed(2)), ratio_to_slowest: Number((together / alone).toFixed(2)) };
  } finally {
    await Promise.all(portals.map((p) => p.close()));
  }
}

async function benchManyFiles(): Promise<Record<string, number>> {
  const FILES = Number(process.env.BENCH_PORTAL_FILES ?? 500);
  const LATENCY = 200;
  const sample = fs.readFileSync(path.join(ROOT, 'fixtures', 'invoices', 'ups', 'en-invoice-level-only.csv'));
  const documents = Array.from({ length: FILES }, (_, i) => ({ id: `INV-${String(i).padStart(5, '0')}`, date: '2025-03-08', fileName: `invoice-${i}.csv`, bytes: sample }));
  const site = SITES.find((s) => s.carrier === 'ups');
  if (site === undefined) throw new Error('no ups site');
  const account: PortalAccount = { carrier: 'ups', username: 'bulk@example.invalid', password: 'bulk-pw', totpSecret: DEMO_TOTP_SECRET, documents };
  const portal = await startMockPortal([account], { sites: [{ ...site, pageSize: FILES }] });
  portal.setAccountLatency(account.username, LATENCY);
  const browser = await launchChromium({});
  let downloadSeconds = 0;
  try {
    const timed = {
      ...ups,
      async download(ctx: Parameters<NonNullable<typeof ups.download>>[0]) {
        await signIn(ctx, UPS_PORTAL);
        const docs = await listInvoices(ctx, UPS_PORTAL);
        const t0 = performance.now();
        await ctx.fetchAll(docs);
        downloadSeconds = (performance.now() - t0) / 1000;
      },
    };
    const { TOTP, Secret } = await import('otpauth');
    const totp = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET) });
    const staging = path.join(OUT, 'bulk');
    fs.rmSync(staging, { recursive: true, force: true });
    const files = await downloadWithRetries(browser, {
      adapter: timed,
      account: 'BULK',
      portalUrl: portal.siteUrl('ups'),
      credentials: { username: account.username, password: account.password, totp: () => totp.generate() },
      window: { from: '2020-01-01', to: '2030-12-31' },
      known: new Set(),
      stagingDir: staging,
      evidenceDir: path.join(OUT, 'evidence'),
      downloadConcurrency: Number(process.env.BENCH_DOWNLOAD_CONCURRENCY ?? 32),
      timeoutMs: 60_000,
      retries: 0,
      backoffMs: 100,
      scrubber: new SecretScrubber(),
      log: () => undefined,
    });
    if (files.length !== FILES) throw new Error(`downloaded ${files.length} of ${FILES}`);
    return { files: FILES, latency_ms: LATENCY, download_s: Number(downloadSeconds.toFixed(2)), files_per_s: Math.round(FILES / downloadSeconds) };
  } finally {
    await browser.close();
    await portal.close();
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const many = await benchManyFiles();
  process.stdout.write(`B. ${many.files} files, ${many.latency_ms} ms per request: downloaded in ${many.download_s} s = ${many.files_per_s} files/s (target >= 100)\n`);
  const six = await benchConcurrentAccounts();
  process.stdout.write(`A. six portals answering every request in 3, 4, 5, 6, 8 and 10 s: the 10 s one alone ${six.slowest_alone_s} s; all six together ${six.together_s} s = ${six.ratio_to_slowest}x the slowest (target <= 1.2)\n`);
  fs.writeFileSync(path.join(OUT, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), many, six }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
