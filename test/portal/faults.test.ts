/**
 * Portal misbehaviour: every fault switch of the mock portal ends in a retry that succeeds, or in
 * an isolated, clearly reported account failure with evidence saved, and no secret value ever
 * appears in output, logs, evidence file names or the database.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Faults } from '../../fixtures/portal/site.js';
import { openDatabase } from '../../src/db/connect.js';
import { runCli, type CliResult } from '../support/cli.js';
import { tempDir } from '../support/paths.js';
import { startPortalSetup, type PortalSetup } from '../support/portal.js';

const tmp = tempDir('etl-faults-');
let setup: PortalSetup;
const outputs: CliResult[] = [];
let n = 0;

before(async () => {
  setup = await startPortalSetup(tmp.dir, ['ups'], { retries: 2, backoffMs: 50, timeoutMs: 4000 });
});
after(async () => {
  await setup.portal.close();
  tmp.cleanup();
});

interface RunOutcome {
  readonly result: CliResult;
  readonly dataDir: string;
  readonly account: { status: string; files: number; error: string | null };
}

async function runWith(faults: Faults): Promise<RunOutcome> {
  setup.portal.setFaults('ups', faults);
  const dataDir = path.join(tmp.dir, `data-${n++}`);
  const result = await runCli(['--data-dir', dataDir, '--json', 'run', '--carrier', 'ups', '--config', setup.configFile, '--from', '2020-01-01', '--to', '2030-12-31'], setup.env);
  outputs.push(result);
  setup.portal.setFaults('ups', {});
  const parsed = JSON.parse(result.stdout) as { accounts: { status: string; files: number; error: string | null }[] };
  const account = parsed.accounts[0];
  assert.ok(account, result.stderr);
  return { result, dataDir, account };
}

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

const docs = () => setup.accounts[0]?.documents.length ?? 0;

describe('transient faults are retried until the run succeeds', () => {
  const cases: [string, Faults][] = [
    ['an expired one-time code', { expiredTotpOnce: true }],
    ['a session that times out mid-list', { sessionTimeoutAfter: 2 }],
    ['HTTP 500 on some requests', { http500Every: 3, http500Count: 2 }],
    ['slow responses', { latencyMs: 300 }],
    ['a download cut off half-way', { cutDownloadOnce: true }],
  ];
  for (const [name, faults] of cases) {
    test(name, async () => {
      const { result, account, dataDir } = await runWith(faults);
      assert.equal(account.status, 'succeeded', `${account.error ?? ''}\n${result.stderr}`);
      assert.equal(account.files, docs());
      assert.equal(result.code, 0, result.stderr);
      // no half-downloaded file was loaded: every invoice reconciles
      const db = await openDatabase(`sqlite:${path.join(dataDir, 'etl.sqlite')}`);
      try {
        const inv = await db.db.selectFrom('invoices').select('reconciled').execute();
        assert.equal(inv.length, docs());
        assert.ok(inv.every((i) => i.reconciled === 1));
      } finally {
        await db.close();
      }
    });
  }
});

describe('permanent failures stop the account with a clear message and evidence', () => {
  test('a wrong password fails at once (no retries), with a screenshot and the page HTML', async () => {
    const loginsBefore = setup.portal.stats.get('ups')?.logins ?? 0;
    const { result, account, dataDir } = await runWith({ wrongPassword: true });
    assert.equal(account.status, 'failed');
    assert.equal(result.code, 1);
    assert.match(account.error ?? '', /ups account DEMO-UPS, step "login": the portal refused the username or password \(evidence: .*\.png, .*\.html\)/);
    assert.equal(setup.portal.stats.get('ups')?.logins, loginsBefore, 'the portal never accepted a login');
    const evidence = files(path.join(dataDir, 'runs'));
    assert.ok(evidence.some((f) => f.endsWith('.png')) && evidence.some((f) => f.endsWith('.html')));
    assert.ok(!evidence.some((f) => f.endsWith('.trace.zip')), 'no trace of the login form (it would hold typed secrets)');
    assert.match(result.stderr + result.stdout, /summary|DEMO-UPS/);
  });

  test('a maintenance page is retried, then reported with evidence', async () => {
    const { result, account } = await runWith({ maintenance: true });
    assert.equal(account.status, 'failed');
    assert.equal(result.code, 1);
    assert.match(account.error ?? '', /maintenance page.*\(after 3 attempts\)/);
  });
});

describe('secrets stay secret', () => {
  test('no password or TOTP secret in any output, log line, evidence file name or database row', async () => {
    // one more run whose first attempt fails after login, so a playwright trace is written too
    // (traces start only once logged in: they record typed values)
    const { dataDir } = await runWith({ sessionTimeoutAfter: 1 });
    assert.ok(files(dataDir).some((f) => f.endsWith('.trace.zip')), 'a trace was kept as evidence');
    const haystack: string[] = outputs.flatMap((o) => [o.stdout, o.stderr]);
    for (const dir of fs.readdirSync(tmp.dir).filter((d) => d.startsWith('data-')).map((d) => path.join(tmp.dir, d))) {
      for (const f of files(dir)) {
        haystack.push(f); // file names
        if (f.endsWith('.log') || f.endsWith('.html')) haystack.push(fs.readFileSync(f, 'utf8'));
      }
      const dbFile = path.join(dir, 'etl.sqlite');
      if (fs.existsSync(dbFile)) {
        const db = await openDatabase(`sqlite:${dbFile}`);
        try {
          for (const t of ['etl_runs', 'source_files', 'data_issues', 'account_runs', 'portal_downloads'] as const) {
            haystack.push(JSON.stringify(await db.db.selectFrom(t).selectAll().execute()));
          }
        } finally {
          await db.close();
        }
      }
    }
    for (const secret of setup.secrets) {
      const leaks = haystack.filter((h) => h.includes(secret));
      assert.equal(leaks.length, 0, `a secret leaked into: ${leaks.map((l) => l.slice(0, 120)).join(' | ')}`);
    }
  });
});
