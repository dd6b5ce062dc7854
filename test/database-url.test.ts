/**
 * Promise: a database password (in the user:password part, in a `password=` or `sslpassword=`
 * parameter, with an `@` in it, percent-encoded or not) never reaches stderr, stdout, the log,
 * the report or the database; a URL that cannot be read safely is refused (exit 2) without
 * being repeated. Runs the real CLI against an unreachable port and the real PostgreSQL.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { parsePostgresUrl } from '../src/db/connect.js';
import { UsageError } from '../src/errors.js';
import { runCli, type CliResult } from './support/cli.js';
import { createTestDatabase, SKIP_POSTGRES, type TestDatabase } from './support/databases.js';
import { goldenCases, tempDir, UPS_FIXTURES } from './support/paths.js';
import { databaseText, filesUnder, findLeaks, type Haystack } from './support/secret-scan.js';

const tmp = tempDir('etl-dburl-');
after(() => tmp.cleanup());
let n = 0;

function outputs(r: CliResult): Haystack[] {
  return [
    { where: 'stdout', text: Buffer.from(r.stdout, 'utf8').toString('latin1') },
    { where: 'stderr', text: Buffer.from(r.stderr, 'utf8').toString('latin1') },
  ];
}

async function status(url: string): Promise<{ r: CliResult; dataDir: string }> {
  const dataDir = path.join(tmp.dir, `d${n++}`);
  const r = await runCli(['--data-dir', dataDir, '--verbose', '--db', url, 'status']);
  return { r, dataDir };
}

describe('pg and our redaction read a URL the same way', () => {
  const cases: [string, string][] = [
    ['an @ in the password (the last @ ends it)', 'postgres://u:AT@S3cretZ@db.example:6432/inv'],
    ['a password= parameter', 'postgres://u@db.example/inv?password=Qu3ryS3cret&sslmode=disable'],
    ['a percent-encoded password', 'postgresql://u:p%40ss%2Fw0rd%23@127.0.0.1:5432/inv'],
    ['spaces in the password', 'postgres://u:sp ace pw@127.0.0.1/inv'],
    ['a stray % in the password', 'postgres://u:50%pct@127.0.0.1/inv'],
    ['a colon in the password', 'postgres://u:p:colon@127.0.0.1/inv'],
  ];
  for (const [name, url] of cases) {
    test(`${name}: same user, password, host, port and database; no form of the password in the printable URL`, () => {
      const ours = parsePostgresUrl(url);
      const client = new pg.Client({ connectionString: url });
      assert.deepEqual(
        { user: ours.user, password: ours.password, host: ours.host, port: Number(ours.port || 5432), database: ours.database },
        { user: client.user, password: client.password, host: client.host, port: client.port, database: client.database },
      );
      assert.ok(ours.password.length > 0);
      assert.deepEqual(findLeaks([{ where: 'safeUrl', text: ours.safeUrl }], [ours.password]), [], ours.safeUrl);
    });
  }

  test('every secret-looking parameter is redacted, the others kept', () => {
    const u = parsePostgresUrl('postgres://u@h/db?sslmode=require&sslpassword=Ss1S3cret&sslkey=/k/K3yS3cret.pem&application_name=etl&api_token=T0kS3cret');
    assert.equal(u.safeUrl, 'postgres://u@h/db?sslmode=require&sslpassword=***&sslkey=***&application_name=etl&api_token=***');
  });

  test('a URL that cannot be read safely is refused without repeating it', () => {
    for (const url of [
      'postgres://u:pa/ss#W0rdS3cret@h/db', // / and # unencoded: not a URL
      'postgres://u:12#Fr4gS3cret@h/db', // reads as host u, port 12, the rest a fragment
      'postgres://u:1/P4thS3cret@h/db', // reads as host u, port 1, the rest a path
      'postgres://u:caf%E9S3cret@h/db', // %E9 alone is not UTF-8: pg would fail with "URI malformed"
    ]) {
      assert.throws(
        () => parsePostgresUrl(url),
        (err: unknown) => err instanceof UsageError && !/S3cret/i.test(err.message) && /percent-encode/.test(err.message),
        url,
      );
    }
  });
});

describe('the CLI never prints a database password', () => {
  const unreachable: [string, string, RegExp][] = [
    ['password= parameter', 'postgres://u@127.0.0.1:1/db?password=Qu3ryS3cret-pw', /cannot reach PostgreSQL at postgres:\/\/u@127\.0\.0\.1:1\/db\?password=\*\*\*:/],
    ['an @ in the password', 'postgres://u:AT@S3cretZ-pw@127.0.0.1:1/db', /cannot reach PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db:/],
    ['sslpassword= and sslkey=', 'postgres://u@127.0.0.1:1/db?sslpassword=Ss1S3cret-pw&sslkey=%2Ftmp%2FK3yS3cret-pw.pem', /sslpassword=\*\*\*&sslkey=\*\*\*/],
  ];
  for (const [name, url, expected] of unreachable) {
    test(`unreachable server, ${name}: exit 3, the URL shown redacted, no form of the password in output or log`, async () => {
      const { r, dataDir } = await status(url);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, expected);
      const secrets = [...new Set(parsePostgresUrl(url).secrets)];
      assert.deepEqual(findLeaks([...outputs(r), ...filesUnder(dataDir)], [...secrets, 'S3cret']), []);
    });
  }

  test('an unreadable URL: exit 2, advice to percent-encode, the URL not repeated', async () => {
    const { r, dataDir } = await status('postgres://u:12#Fr4gS3cret@127.0.0.1:1/db');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /percent-encode/);
    assert.deepEqual(findLeaks([...outputs(r), ...filesUnder(dataDir)], ['Fr4gS3cret', '12#Fr4gS3cret']), []);
  });

  test('an unsupported scheme with a password is not repeated either', async () => {
    const { r } = await status('mysql://root:My5qlS3cret@127.0.0.1/db');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unsupported database URL mysql:/);
    assert.doesNotMatch(r.stderr, /My5qlS3cret/);
  });
});

describe('a real PostgreSQL run with a password in the URL leaves it nowhere', { skip: SKIP_POSTGRES }, () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await createTestDatabase('postgres');
  });
  after(async () => {
    await tdb.drop();
  });

  test('ingest, status --json and report with user:AT@S3cret@ and ?password=: no form of either in stderr, stdout, etl.log, the report or any table', async () => {
    // trust authentication accepts any password, so these URLs connect
    const u = new URL(tdb.url);
    const withAt = `postgres://postgres:AT@S3cretZ-pw@${u.host}${u.pathname}`;
    const withParam = `postgres://postgres@${u.host}${u.pathname}?password=Qu3ryS3cret-pw&application_name=etl-test`;
    const dataDir = path.join(tmp.dir, 'pg');
    const report = path.join(tmp.dir, 'report.html');
    const files = goldenCases(UPS_FIXTURES).slice(0, 2).map((c) => c.file);
    const runs = [
      await runCli(['--data-dir', dataDir, '--verbose', '--db', withAt, 'ingest', ...files]),
      await runCli(['--data-dir', dataDir, '--verbose', '--db', withParam, '--json', 'status']),
      await runCli(['--data-dir', dataDir, '--verbose', '--db', withAt, 'report', '--out', report]),
    ];
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const shown = (JSON.parse(runs[1]?.stdout ?? '{}') as { database?: string }).database;
    assert.equal(shown, `postgres://postgres@${u.host}${u.pathname}?password=***&application_name=etl-test`);
    assert.match(fs.readFileSync(report, 'utf8'), /postgres:\/\/postgres:\*\*\*@/, 'the report names the database, redacted');
    const haystacks = [...runs.flatMap(outputs), ...filesUnder(dataDir), { where: 'report', text: fs.readFileSync(report, 'latin1') }, ...(await databaseText(tdb.url))];
    assert.ok(haystacks.some((h) => h.where.endsWith('etl.log') && h.text.includes('***')), 'the log names the database, redacted');
    assert.deepEqual(findLeaks(haystacks, ['AT@S3cretZ-pw', 'Qu3ryS3cret-pw', 'S3cret']), []);
  });
});
