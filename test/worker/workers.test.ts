/**
 * Workers on many machines, for real: three `etl worker` processes (children of the CLI) against
 * one PostgreSQL take six mock-portal account jobs (Chromium download + ingest) and 30 file jobs
 * from shared storage. One worker is SIGKILLed in the middle of an account job; its job is taken
 * again by another worker once its lease expires. Afterwards every account and file is loaded
 * exactly once, and every table holds what one single-process `etl run --all` plus `etl ingest`
 * loads into another database (checksums over natural keys, ids and times left out).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { CARRIERS } from '../../carriers/index.js';
import { writeLargeUpsFile } from '../../fixtures/generate/ups.js';
import type { Db } from '../../src/db/connect.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, SKIP_POSTGRES, type TestDatabase } from '../support/databases.js';
import { CLI, tempDir } from '../support/paths.js';
import { startPortalSetup, type PortalSetup } from '../support/portal.js';

const carriers = CARRIERS.filter((c) => c.download !== undefined).map((c) => c.id);
const window = ['--from', '2020-01-01', '--to', '2030-12-31'];
const FILES = 30;
/** Short leases so the killed worker's job comes back within the test; production defaults are an hour. */
const WORKER_SETTINGS = ['worker:', '  accountLeaseSeconds: 30', '  fileLeaseSeconds: 20', '  retryLimit: 8', '  retryDelaySeconds: 1', '  maintenanceSeconds: 1', '  pollingSeconds: 0.5', '  stopGraceSeconds: 20'];

/**
 * One checksum per table over what a reader sees: foreign keys replaced by the natural key they
 * point at (a file by its sha256, an invoice by carrier/account/number), surrogate ids, run ids,
 * times and landing paths left out.
 */
const CONTENT: Readonly<Record<string, string>> = {
  source_files: `SELECT sha256, carrier, account_number, original_name, bytes, kind, encoding, status, message, attempts FROM source_files`,
  invoices: `SELECT i.carrier, i.account_number, i.invoice_number, i.invoice_date, i.currency, i.stated_total_minor, i.net_total_minor, i.reconciled, i.shipment_count, i.charge_count, f.sha256, i.source_row
    FROM invoices i JOIN source_files f ON f.id = i.source_file_id`,
  shipments: `SELECT i.carrier, i.account_number, i.invoice_number, s.tracking_number, s.lead_tracking_number, s.service, s.ship_date, s.zone, s.package_count, s.entered_weight, s.billed_weight,
      s.weight_unit, s.length, s.width, s.height, s.dimension_unit, s.volumetric_weight, s.sender_postcode, s.sender_country, s.receiver_postcode, s.receiver_country, s.net_total_minor
    FROM shipments s JOIN invoices i ON i.id = s.invoice_id`,
  charges: `SELECT i.carrier, i.account_number, i.invoice_number, c.tracking_number, s.tracking_number AS shipment, c.charge_code, c.charge_description, c.amount_minor, c.incentive_minor, c.currency,
      f.sha256, c.source_row, c.carrier_charge_code, c.carrier_charge_class
    FROM charges c JOIN invoices i ON i.id = c.invoice_id JOIN source_files f ON f.id = c.source_file_id LEFT JOIN shipments s ON s.id = c.shipment_id`,
  data_issues: `SELECT f.sha256, d.file_name, d.source_row, d.source_column, d.severity, d.code, d.message FROM data_issues d LEFT JOIN source_files f ON f.id = d.source_file_id`,
  portal_downloads: `SELECT p.carrier, p.account_number, p.portal_id, p.sha256, p.original_name, f.sha256 AS loaded FROM portal_downloads p LEFT JOIN source_files f ON f.id = p.source_file_id`,
  account_runs: `SELECT carrier, account_number, last_status, last_window_to, last_error FROM account_runs`,
};

async function checksums(db: Db): Promise<Record<string, { rows: number; md5: string }>> {
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const [table, query] of Object.entries(CONTENT)) {
    const r = await sql<{ n: string | number; md5: string | null }>`SELECT count(*) AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5 FROM (${sql.raw(query)}) t`.execute(db.db);
    out[table] = { rows: Number(r.rows[0]?.n ?? 0), md5: r.rows[0]?.md5 ?? '' };
  }
  return out;
}

interface Worker {
  readonly child: ChildProcess;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function startWorker(globals: readonly string[], args: readonly string[], env: Record<string, string>): Worker {
  const child = spawn(process.execPath, [CLI, ...globals, 'worker', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const w: Worker = { child, stderr: '', exited: new Promise((res) => child.on('close', (code) => res(code))) };
  child.stderr?.on('data', (d: Buffer) => (w.stderr += d.toString()));
  return w;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, context: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${context()}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

interface JobRow {
  id: string;
  name: string;
  state: string;
  retry_count: number;
  data: Record<string, unknown>;
  output: Record<string, unknown> | null;
}

describe('workers need PostgreSQL', () => {
  test('on SQLite, etl worker and --enqueue stop with a usage error naming the reason', async () => {
    const tmp = tempDir('etl-workers-sqlite-');
    try {
      const globals = ['--data-dir', path.join(tmp.dir, 'data')];
      const worker = await runCli([...globals, 'worker'], {}, { timeoutMs: 30_000 });
      assert.equal(worker.code, 2, worker.stderr);
      assert.match(worker.stderr, /workers need PostgreSQL/);
      const file = path.join(tmp.dir, 'one.csv');
      await writeLargeUpsFile(file, { chargeRows: 10, seed: 1 });
      const enqueue = await runCli([...globals, 'ingest', '--enqueue', file], {}, { timeoutMs: 30_000 });
      assert.equal(enqueue.code, 2, enqueue.stderr);
      assert.match(enqueue.stderr, /workers need PostgreSQL/);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('workers on many machines (PostgreSQL)', { skip: SKIP_POSTGRES ? 'ETL_TEST_SKIP_POSTGRES=1' : false }, () => {
  const tmp = tempDir('etl-workers-');
  const inbox = path.join(tmp.dir, 'shared', 'inbox');
  let setup: PortalSetup;
  let single: TestDatabase;
  let queued: TestDatabase;
  before(async () => {
    setup = await startPortalSetup(tmp.dir, carriers);
    fs.appendFileSync(setup.configFile, `${WORKER_SETTINGS.join('\n')}\n`);
    fs.mkdirSync(inbox, { recursive: true });
    const numbers = new Set<string>();
    for (let i = 0; i < FILES; i++) {
      const r = await writeLargeUpsFile(path.join(inbox, `ups-${String(i).padStart(2, '0')}.csv`), { chargeRows: 400, seed: 7100 + i });
      numbers.add(r.invoiceNumber);
    }
    assert.equal(numbers.size, FILES, 'the 30 files are 30 different invoices (versions of one invoice would be decided by load order)');
    single = await createTestDatabase('postgres');
    queued = await createTestDatabase('postgres');
  });
  after(async () => {
    await setup.portal.close();
    await single.drop();
    await queued.drop();
    tmp.cleanup();
  });

  test('three workers, one SIGKILLed mid-job: every account and file loaded once, tables equal to a single-process run', { timeout: 420_000 }, async (t) => {
    const t0 = Date.now();
    // the single-process reference
    const one = ['--db', single.url, '--data-dir', path.join(tmp.dir, 'single')];
    const run = await runCli([...one, 'run', '--all', '--config', setup.configFile, ...window], setup.env, { timeoutMs: 240_000 });
    assert.equal(run.code, 0, run.stderr);
    const ingest = await runCli([...one, 'ingest', inbox], {}, { timeoutMs: 120_000 });
    assert.equal(ingest.code, 0, ingest.stderr);
    const t1 = Date.now();

    // the same work through the queue; the data dir is the shared volume every worker mounts
    const many = ['--db', queued.url, '--data-dir', path.join(tmp.dir, 'shared', 'data')];
    const enqueued = await runCli([...many, '--json', 'run', '--all', '--enqueue', '--config', setup.configFile, ...window], {});
    assert.equal(enqueued.code, 0, enqueued.stderr);
    assert.equal((JSON.parse(enqueued.stdout) as { queued: string[] }).queued.length, carriers.length);
    const files = await runCli([...many, '--json', 'ingest', '--enqueue', '--config', setup.configFile, inbox], {});
    assert.equal(files.code, 0, files.stderr);
    assert.equal((JSON.parse(files.stdout) as { queued: string[] }).queued.length, FILES);
    const again = await runCli([...many, '--json', 'run', '--all', '--enqueue', '--config', setup.configFile, ...window], {});
    assert.deepEqual(JSON.parse(again.stdout), { queued: [], already_waiting: carriers.map((c) => `${c}/DEMO-${c.toUpperCase()}`) }, 'enqueuing again while the jobs wait adds nothing');

    const db = await queued.open();
    const jobs = async (): Promise<JobRow[]> => (await sql<JobRow>`SELECT id::text, name, state, retry_count, data, output FROM pgboss.job ORDER BY created_on`.execute(db.db)).rows;
    const workers = [0, 1, 2].map(() => startWorker(many, ['--config', setup.configFile], setup.env));
    const logs = (): string => workers.map((w, i) => `\n--- worker ${i} (pid ${String(w.child.pid)}):\n${w.stderr.slice(-3000)}`).join('');
    try {
      // SIGKILL the first worker seen starting an account job, a second into it
      const victim = await until('a worker to start an account job', 120_000, async () => {
        assert.ok(workers.every((x) => x.child.exitCode === null), `a worker ended: ${logs()}`);
        return workers.find((x) => /\(etl-account\) started: account/.test(x.stderr));
      }, logs);
      const jobId = /job ([0-9a-f-]{36}) \(etl-account\) started/.exec(victim.stderr)?.[1] ?? '';
      await new Promise((res) => setTimeout(res, 1000));
      const before = (await jobs()).find((j) => j.id === jobId);
      victim.child.kill('SIGKILL');
      assert.equal(before?.state, 'active', `the killed worker's job was still running when it was killed: ${victim.stderr}`);
      assert.equal(await victim.exited, null);

      const done = await until('every job to complete', 200_000, async () => {
        const all = await jobs();
        assert.ok(!all.some((j) => j.state === 'failed'), `a job failed for good: ${JSON.stringify(all.filter((j) => j.state === 'failed'))}`);
        return all.length === carriers.length + FILES && all.every((j) => j.state === 'completed') ? all : undefined;
      }, logs);
      t.diagnostic(`single process: ${((t1 - t0) / 1000).toFixed(1)} s; three workers with one killed: ${((Date.now() - t1) / 1000).toFixed(1)} s (lease 30 s)`);
      const killed = done.find((j) => j.id === jobId);
      assert.ok((killed?.retry_count ?? 0) >= 1, 'the killed job was retried');
      assert.notEqual(killed?.output?.worker, `${String(victim.child.pid)}`, 'by another worker');
      assert.ok(!String(killed?.output?.worker).endsWith(`:${String(victim.child.pid)}`), 'by another worker');
      assert.ok(workers.filter((w) => w !== victim).some((w) => w.stderr.includes(`job ${jobId} (etl-account) started`)), 'a surviving worker took the job');
      // payloads name accounts and paths, never a credential
      const queueText = JSON.stringify(done);
      for (const s of setup.secrets) assert.ok(!queueText.includes(s), 'no secret in a job payload or output');
    } finally {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    }
    for (const w of workers.slice()) {
      const code = await w.exited;
      if (w.child.signalCode !== 'SIGKILL') assert.equal(code, 0, `a worker stopped by SIGTERM exits 0: ${w.stderr.slice(-2000)}`);
      for (const s of setup.secrets) assert.ok(!w.stderr.includes(s), 'no secret in a worker log');
    }
    const logFile = fs.readFileSync(path.join(tmp.dir, 'shared', 'data', 'logs', 'etl.log'), 'utf8');
    assert.match(logFile, /job_done/);
    for (const s of setup.secrets) assert.ok(!logFile.includes(s), 'no secret in the machine log');

    try {
      // exactly once: each document and file one source file, loaded on its first attempt
      const sources = await db.db.selectFrom('source_files').select(['sha256', 'status', 'attempts']).execute();
      const docs = setup.accounts.reduce((n, a) => n + a.documents.length, 0);
      assert.equal(new Set(sources.map((s) => s.sha256)).size, sources.length);
      assert.equal(sources.length, FILES + docs, `one source file per file and per portal document`);
      assert.ok(sources.every((s) => s.attempts === 1), 'no file was loaded twice');
      const downloads = await db.db.selectFrom('portal_downloads').select(['carrier', 'account_number', 'portal_id']).execute();
      assert.equal(downloads.length, docs, 'each portal document recorded once');
      const accounts = await db.db.selectFrom('account_runs').select(['carrier', 'last_status']).execute();
      assert.deepEqual(accounts.map((a) => [a.carrier, a.last_status]).sort(), carriers.map((c) => [c, 'succeeded']).sort());
      const dup = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT source_file_id, source_row, charge_code, charge_description, amount_minor FROM charges GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d`.execute(db.db);
      const ref = await single.open();
      try {
        const dupRef = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT source_file_id, source_row, charge_code, charge_description, amount_minor FROM charges GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d`.execute(ref.db);
        assert.equal(Number(dup.rows[0]?.n), Number(dupRef.rows[0]?.n), 'no duplicate charge rows beyond what the files hold');
        const [got, want] = [await checksums(db), await checksums(ref)];
        assert.ok((want.charges?.rows ?? 0) > 10_000, `the reference loaded the files: ${JSON.stringify(want)}`);
        assert.deepEqual(got, want, 'the same tables as a single-process run');
      } finally {
        await ref.close();
      }
    } finally {
      await db.close();
    }
  });

  test('SIGTERM: a worker hands back a job it cannot finish in its grace time, the next one finishes it within its own, both exit 0', { timeout: 180_000 }, async () => {
    const tdb = await createTestDatabase('postgres');
    try {
      const big = path.join(tmp.dir, 'shared', 'big', 'ups-big.csv');
      fs.mkdirSync(path.dirname(big), { recursive: true });
      const { chargeRows } = await writeLargeUpsFile(big, { chargeRows: 20_000, seed: 7300 });
      const noGrace = path.join(tmp.dir, 'no-grace.yaml');
      const longGrace = path.join(tmp.dir, 'long-grace.yaml');
      fs.writeFileSync(noGrace, `${WORKER_SETTINGS.filter((l) => !l.includes('stopGrace')).join('\n')}\n  stopGraceSeconds: 0\n`);
      fs.writeFileSync(longGrace, `${WORKER_SETTINGS.filter((l) => !l.includes('stopGrace')).join('\n')}\n  stopGraceSeconds: 120\n`);
      const globals = ['--db', tdb.url, '--data-dir', path.join(tmp.dir, 'shared', 'data-term')];
      const q = await runCli([...globals, 'ingest', '--enqueue', '--config', noGrace, big], {});
      assert.equal(q.code, 0, q.stderr);
      const db = await tdb.open();
      try {
        const state = async (): Promise<string | undefined> => (await sql<{ state: string }>`SELECT state FROM pgboss.job`.execute(db.db)).rows[0]?.state;
        const first = startWorker(globals, ['--config', noGrace], {});
        await until('the first worker to start the job', 60_000, async () => (first.stderr.includes('(etl-file) started') ? true : undefined), () => first.stderr);
        await new Promise((res) => setTimeout(res, 500));
        first.child.kill('SIGTERM');
        assert.equal(await first.exited, 0, first.stderr);
        assert.match(first.stderr, /1 job\(s\) handed back to the queue/);
        assert.equal(await state(), 'retry');
        const loaded = await db.db.selectFrom('source_files').select('id').execute();
        assert.equal(loaded.length, 0, 'the handed-back job loaded nothing (its transaction rolled back)');

        const second = startWorker(globals, ['--config', longGrace], {});
        await until('the second worker to start the job', 60_000, async () => (second.stderr.includes('(etl-file) started') ? true : undefined), () => second.stderr);
        second.child.kill('SIGTERM');
        assert.equal(await second.exited, 0, second.stderr);
        assert.doesNotMatch(second.stderr, /handed back/);
        assert.equal(await state(), 'completed', second.stderr);
        const n = await db.db.selectFrom('charges').select(db.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(n.n), chargeRows, 'loaded once, whole');
      } finally {
        await db.close();
      }
    } finally {
      await tdb.drop();
    }
  });
});
