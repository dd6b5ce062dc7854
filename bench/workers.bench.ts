/**
 * Workers benchmark (real Chromium, real PostgreSQL, not part of `npm run bench`: it needs
 * PostgreSQL and takes minutes): `node dist/bench/workers.bench.js [accounts] [workers,...]`.
 * A mock UPS portal serves `accounts` accounts (default 12), each with 3 invoice files of its
 * own (2,000 charge rows each). Measured, each into a fresh database: one `etl run --all`
 * (accounts 4 at a time in one process), then N = 1, 2, 3 `etl worker` processes
 * (--concurrency 1) from `etl run --all --enqueue` until every job completed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { writeLargeUpsFile } from '../fixtures/generate/ups.js';
import { DEMO_TOTP_SECRET } from '../fixtures/portal/accounts.js';
import { startMockPortal } from '../fixtures/portal/server.js';
import type { PortalAccount } from '../fixtures/portal/site.js';
import { CLI } from '../test/support/paths.js';

const ADMIN = process.env.ETL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ACCOUNTS = Number(process.argv[2] ?? 12);
const WORKERS = (process.argv[3] ?? '1,2,3').split(',').map(Number);
const window = ['--from', '2020-01-01', '--to', '2030-12-31'];

function cli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function freshDatabase(name: string): Promise<string> {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etl-workers-bench-'));
  const accounts: PortalAccount[] = [];
  const env: Record<string, string> = {};
  const lines = ['concurrency: 4', 'browser:', '  timeoutMs: 120000', 'worker:', '  maintenanceSeconds: 5', '  pollingSeconds: 0.5', 'accounts:'];
  for (let a = 0; a < ACCOUNTS; a++) {
    const documents = [];
    for (let f = 0; f < 3; f++) {
      const file = path.join(dir, `acct${a}-${f}.csv`);
      await writeLargeUpsFile(file, { chargeRows: 2000, seed: 9000 + a * 10 + f });
      documents.push({ id: `INV-${a}-${f}`, date: '2025-03-01', fileName: `acct${a}-${f}.csv`, bytes: fs.readFileSync(file) });
    }
    accounts.push({ carrier: 'ups', username: `bench-${a}@example.invalid`, password: `bench-pw-${a}`, totpSecret: DEMO_TOTP_SECRET, documents });
    env[`B${a}_USER`] = `bench-${a}@example.invalid`;
    env[`B${a}_PASSWORD`] = `bench-pw-${a}`;
    env[`B${a}_TOTP`] = DEMO_TOTP_SECRET;
  }
  const portal = await startMockPortal(accounts);
  accounts.forEach((_, a) => lines.push(`  - carrier: ups`, `    account: "BENCH-${a}"`, `    portalUrl: ${portal.siteUrl('ups')}`, `    usernameEnv: B${a}_USER`, `    passwordEnv: B${a}_PASSWORD`, `    totpSecretEnv: B${a}_TOTP`));
  const config = path.join(dir, 'etl.config.yaml');
  fs.writeFileSync(config, `${lines.join('\n')}\n`);
  const rows: string[] = [];
  try {
    {
      const url = await freshDatabase('etl_bench_workers_0');
      const t0 = performance.now();
      const r = await cli(['--db', url, '--data-dir', path.join(dir, 'data-run'), 'run', '--all', '--config', config, ...window], env);
      const s = (performance.now() - t0) / 1000;
      if (r.code !== 0) throw new Error(`etl run failed: ${r.stderr.slice(-2000)}`);
      rows.push(`| one \`etl run --all\` (4 accounts at a time) | ${ACCOUNTS} | ${s.toFixed(1)} s | ${(ACCOUNTS / s).toFixed(2)} |`);
      process.stdout.write(`${rows.at(-1) ?? ''}\n`);
    }
    for (const n of WORKERS) {
      const url = await freshDatabase(`etl_bench_workers_${n}`);
      const globals = ['--db', url, '--data-dir', path.join(dir, `data-${n}`)];
      const q = await cli([...globals, 'run', '--all', '--enqueue', '--config', config, ...window], {});
      if (q.code !== 0) throw new Error(`enqueue failed: ${q.stderr}`);
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      const t0 = performance.now();
      const workers: ChildProcess[] = Array.from({ length: n }, () =>
        spawn(process.execPath, [CLI, ...globals, 'worker', '--config', config], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'ignore'] }),
      );
      try {
        for (;;) {
          const r = await db.query<{ n: string }>(`SELECT count(*) AS n FROM pgboss.job WHERE state <> 'completed'`);
          if (Number(r.rows[0]?.n) === 0) break;
          await new Promise((res) => setTimeout(res, 250));
        }
      } finally {
        const s = (performance.now() - t0) / 1000;
        for (const w of workers) w.kill('SIGTERM');
        await Promise.all(workers.map((w) => new Promise((res) => (w.exitCode !== null ? res(null) : w.on('close', res)))));
        await db.end();
        rows.push(`| ${n} × \`etl worker\` (--concurrency 1) | ${ACCOUNTS} | ${s.toFixed(1)} s | ${(ACCOUNTS / s).toFixed(2)} |`);
        process.stdout.write(`${rows.at(-1) ?? ''}\n`);
      }
    }
  } finally {
    await portal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`\n| how | accounts | wall | accounts/s |\n|---|---:|---:|---:|\n${rows.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
