/**
 * Host-side checks of scripts/container-smoke.sh (not a `*.test.ts`: `npm test` does not run it):
 * `node dist/test/container/check.js <database URL> [<data dir> <secrets.env>]`.
 *
 * The database the container loaded must hold every demo invoice of every carrier with a
 * portal, as the golden fixtures' expected files state them (number, net total, charge lines,
 * counted in the charges table), and nothing else. With a data dir, no file in it (database,
 * logs, landing store, evidence) may contain a secret value from the env file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { CARRIERS } from '../../carriers/index.js';
import { openDatabase } from '../../src/db/connect.js';
import { readExpected } from '../support/expected.js';
import { fixtureDirOf, goldenCases } from '../support/paths.js';

type Invoice = { carrier: string; invoice_number: string; net_total_minor: number; charges: number };
const key = (i: Invoice) => `${i.carrier} ${i.invoice_number}: net ${String(i.net_total_minor)}, ${String(i.charges)} charge lines`;

function expectedInvoices(): Invoice[] {
  return CARRIERS.filter((c) => c.download !== undefined).flatMap((c) =>
    goldenCases(fixtureDirOf(c.id)).flatMap((g) => {
      const e = readExpected(g.expectedFile);
      return e.invoices.map((i) => ({ carrier: c.id, invoice_number: i.invoice_number, net_total_minor: i.net_total_minor, charges: i.charge_count }));
    }),
  );
}

async function loadedInvoices(url: string): Promise<Invoice[]> {
  const db = await openDatabase(url, { migrate: false });
  try {
    const rows = await db.db
      .selectFrom('invoices as i')
      .select(['i.carrier', 'i.invoice_number', 'i.net_total_minor', sql<number>`(select count(*) from charges c where c.invoice_id = i.id)`.as('charges')])
      .execute();
    return rows.map((r) => ({ ...r, charges: Number(r.charges) }));
  } finally {
    await db.close();
  }
}

/** Files under `dir` that contain any of `secrets` (their names only: never the values). */
function filesHoldingSecrets(dir: string, secrets: readonly string[]): string[] {
  const needles = secrets.map((s) => Buffer.from(s));
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => {
      const bytes = fs.readFileSync(f);
      return needles.some((n) => bytes.includes(n));
    });
}

async function main(url: string | undefined, dataDir: string | undefined, envFile: string | undefined): Promise<number> {
  if (url === undefined) throw new Error('usage: check.js <database URL> [<data dir> <secrets.env>]');
  const want = expectedInvoices();
  const expected = want.map(key).sort();
  const loaded = (await loadedInvoices(url)).map(key).sort();
  const missing = expected.filter((k) => !loaded.includes(k));
  const extra = loaded.filter((k) => !expected.includes(k));
  const carriers = [...new Set(want.map((i) => i.carrier))];
  for (const c of carriers) {
    const n = (list: string[]) => list.filter((k) => k.startsWith(`${c} `)).length;
    process.stdout.write(`  ${c.padEnd(11)} ${String(n(loaded)).padStart(3)} of ${String(n(expected))} demo invoices loaded as expected\n`);
  }
  for (const k of missing) process.stdout.write(`  MISSING  ${k}\n`);
  for (const k of extra) process.stdout.write(`  UNEXPECTED  ${k}\n`);
  let failed = missing.length + extra.length > 0 || expected.length === 0;
  if (dataDir !== undefined && envFile !== undefined) {
    // usernames are demo e-mail addresses that the portal pages show: only passwords and TOTP secrets are secret
    const secrets = fs
      .readFileSync(envFile, 'utf8')
      .split('\n')
      .filter((l) => /_(PASSWORD|TOTP)=./.test(l))
      .map((l) => l.slice(l.indexOf('=') + 1));
    const leaks = filesHoldingSecrets(dataDir, secrets);
    for (const f of leaks) process.stdout.write(`  SECRET LEAKED into ${path.relative(dataDir, f)}\n`);
    process.stdout.write(`  ${String(secrets.length)} secrets searched in ${dataDir}: ${leaks.length === 0 ? 'none found' : `${String(leaks.length)} file(s) hold one`}\n`);
    failed ||= leaks.length > 0 || secrets.length === 0;
  }
  return failed ? 1 : 0;
}

main(process.argv[2], process.argv[3], process.argv[4]).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`check failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 3;
  },
);
