/**
 * Promise: portal secrets (username, password, TOTP secret, the one-time codes typed) never reach
 * failure evidence, output, logs or the database, in any encoding. The accounts' usernames and
 * passwords hold the characters pages escape (`& ' + < " é`, space, `%`, `\`, `/`); the mock
 * portal shows the signed-in user escaped in its header, URL-encoded in a link, JSON-escaped for
 * its scripts and base64 in a cookie, like real portals. Every evidence byte is scanned,
 * including every entry of the trace zips.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Faults } from '../../fixtures/portal/site.js';
import { runCli, type CliResult } from '../support/cli.js';
import { tempDir } from '../support/paths.js';
import { startPortalSetup, type PortalSetup } from '../support/portal.js';
import { databaseText, filesUnder, findLeaks, unzip, type Haystack } from '../support/secret-scan.js';

const tmp = tempDir('etl-secrets-');
let setup: PortalSetup;
let n = 0;

// distinctive alphanumeric runs (Qk7xW2mZ, Vr9tL4pS) make a partial leak visible too
const username = (carrier: string) => `Zoë O'Brien+ops & <"billing"> 100% Qk7xW2mZ\\/${carrier}@example.invalid`;
const password = (carrier: string) => `pä$$ w0rd&'+<"é> %41 Vr9tL4pS#${carrier}`;
const CORES = ['Qk7xW2mZ', 'Vr9tL4pS'];

before(async () => {
  setup = await startPortalSetup(tmp.dir, ['ups', 'royal-mail'], { retries: 0, backoffMs: 50, timeoutMs: 4000 }, { username, password });
});
after(async () => {
  await setup.portal.close();
  tmp.cleanup();
});

interface Outcome {
  readonly result: CliResult;
  readonly dataDir: string;
  readonly error: string;
}

async function failingRun(carrier: string, faults: Faults): Promise<Outcome> {
  setup.portal.setFaults(carrier, faults);
  const dataDir = path.join(tmp.dir, `data-${n++}`);
  const result = await runCli(['--data-dir', dataDir, '--json', '--verbose', 'run', '--carrier', carrier, '--config', setup.configFile, '--from', '2020-01-01', '--to', '2030-12-31'], setup.env);
  setup.portal.setFaults(carrier, {});
  assert.ok(result.stdout.startsWith("{"), result.stderr);
  const account = (JSON.parse(result.stdout) as { accounts: { status: string; error: string | null }[] }).accounts[0];
  assert.equal(account?.status, 'failed', result.stderr);
  return { result, dataDir, error: account?.error ?? '' };
}

/** The codes typed into the portal, and those of the time steps either side (still "current"). */
function typedCodes(): string[] {
  const accounts = setup.accounts.filter((a) => a.totpSecret !== undefined);
  return setup.portal.submittedCodes.flatMap(({ at }) =>
    accounts.flatMap((a) => {
      const totp = new TOTP({ secret: Secret.fromBase32(a.totpSecret ?? ''), digits: 6, period: 30, algorithm: 'SHA1' });
      return [-1, 0, 1].map((s) => totp.generate({ timestamp: at + s * 30_000 }));
    }),
  );
}

async function everything(o: Outcome): Promise<Haystack[]> {
  return [
    { where: 'stdout', text: Buffer.from(o.result.stdout, 'utf8').toString('latin1') },
    { where: 'stderr', text: Buffer.from(o.result.stderr, 'utf8').toString('latin1') },
    ...filesUnder(o.dataDir),
    ...(await databaseText(`sqlite:${path.join(o.dataDir, 'etl.sqlite')}`)),
  ];
}

/** The evidence files' contents (not their names). */
function evidenceFiles(o: Outcome): Haystack[] {
  return filesUnder(path.join(o.dataDir, 'runs')).filter((h) => !h.where.startsWith('file name'));
}

function traceOf(o: Outcome): string {
  const traces = evidenceFiles(o).filter((h) => h.where.endsWith('.trace.zip'));
  assert.equal(traces.length, 1, `one trace kept as evidence (${o.error})`);
  return traces[0]?.where ?? '';
}

describe('portal secrets never reach failure evidence, in any encoding', () => {
  test('UPS, session lost after login: the trace zip (every entry), page HTML, output, log and database hold no form of the username, password, TOTP secret or codes', async () => {
    const o = await failingRun('ups', { sessionTimeoutAfter: 1 });
    assert.match(o.error, /step "[^"]+": the portal session expired \(evidence: .*\.trace\.zip, .*\.png, .*\.html\)/);
    const entries = unzip(traceOf(o));
    const names = entries.map((e) => e.where.split('!')[1]);
    assert.ok(names.some((e) => e?.endsWith('trace.trace')) && names.some((e) => e?.endsWith('trace.network')), names.join(', '));
    // the pages did show the user (so the scan below is not vacuous): masked where they did
    assert.ok(entries.some((e) => e.text.includes('Signed in as ***')), 'the trace holds the masked header');
    const leaks = findLeaks(await everything(o), [...setup.secrets, ...CORES, ...typedCodes()]);
    assert.deepEqual(leaks, []);
  });

  test('UPS, wrong password: the page HTML that shows the typed username again holds no form of it', async () => {
    const o = await failingRun('ups', { wrongPassword: true });
    assert.match(o.error, /the portal refused the username or password \(evidence: .*\.png, .*\.html\)/);
    const html = evidenceFiles(o).find((h) => h.where.endsWith('.html'));
    assert.match(html?.text ?? '', /value="\*\*\*"/, 'the refilled username field is masked');
    assert.deepEqual(findLeaks(await everything(o), [...setup.secrets, ...CORES, ...typedCodes()]), []);
  });

  test('Royal Mail, session lost after login: its trace and evidence hold no form of any secret either', async () => {
    const o = await failingRun('royal-mail', { sessionTimeoutAfter: 1 });
    const entries = unzip(traceOf(o));
    assert.ok(entries.some((e) => e.text.includes('Signed in as ***')), 'the trace holds the masked header');
    assert.deepEqual(findLeaks(await everything(o), [...setup.secrets, ...CORES, ...typedCodes()]), []);
  });

  test('the evidence trace still opens: its entries are the ones playwright wrote', () => {
    // every kept trace is a readable zip with the trace files the viewer needs
    const traces = fs.readdirSync(tmp.dir, { recursive: true, withFileTypes: true }).filter((e) => e.name.endsWith('.trace.zip'));
    assert.ok(traces.length >= 2);
    for (const t of traces) {
      const names = unzip(path.join(t.parentPath, t.name)).map((e) => e.where.split('!')[1] ?? '');
      assert.ok(names.some((x) => x.endsWith('trace.trace')), names.join(', '));
    }
    assert.ok(!fs.readdirSync(tmp.dir, { recursive: true }).some((f) => String(f).includes('.unscrubbed-')), 'no unscrubbed trace left behind');
  });
});
