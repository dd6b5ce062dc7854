/**
 * End to end for every carrier with a portal download: real Chromium logs in to its mock portal
 * with a TOTP code and downloads; the rows land in SQLite. One carrier also lands in PostgreSQL.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CARRIERS } from '../../carriers/index.js';
import { openDatabase } from '../../src/db/connect.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, SKIP_POSTGRES, type TestDatabase } from '../support/databases.js';
import { tempDir } from '../support/paths.js';
import { startPortalSetup, type PortalSetup } from '../support/portal.js';

const withPortal = CARRIERS.filter((c) => c.download !== undefined && c.id !== 'ups').map((c) => c.id);
const tmp = tempDir('etl-e2e-');
let setup: PortalSetup;
before(async () => {
  setup = await startPortalSetup(tmp.dir, withPortal);
});
after(async () => {
  await setup.portal.close();
  tmp.cleanup();
});

const window = ['--from', '2020-01-01', '--to', '2030-12-31'];

describe('portal download end to end', () => {
  for (const carrier of withPortal) {
    test(`${carrier}: etl run --carrier ${carrier} lands every invoice in SQLite`, async () => {
      const dataDir = path.join(tmp.dir, `data-${carrier}`);
      const r = await runCli(['--data-dir', dataDir, '--json', 'run', '--carrier', carrier, '--config', setup.configFile, ...window], setup.env);
      const docs = setup.accounts.find((a) => a.carrier === carrier)?.documents ?? [];
      const out = JSON.parse(r.stdout) as { accounts: { status: string; files: number; error: string | null }[] };
      assert.deepEqual(out.accounts.map((a) => [a.status, a.files, a.error]), [['succeeded', docs.length, null]], r.stderr);
      const db = await openDatabase(`sqlite:${path.join(dataDir, 'etl.sqlite')}`);
      try {
        const files = await db.db.selectFrom('source_files').select(['status', 'carrier']).execute();
        assert.equal(files.length, docs.length);
        assert.ok(files.every((f) => f.status === 'loaded' && f.carrier === carrier), JSON.stringify(files));
      } finally {
        await db.close();
      }
    });
  }

  test('gls lands in PostgreSQL too', { skip: SKIP_POSTGRES ? 'ETL_TEST_SKIP_POSTGRES=1' : false }, async () => {
    const pgdb: TestDatabase = await createTestDatabase('postgres');
    try {
      const r = await runCli(['--data-dir', path.join(tmp.dir, 'data-pg'), '--db', pgdb.url, '--json', 'run', '--carrier', 'gls', '--config', setup.configFile, ...window], setup.env);
      assert.equal(r.code, 0, r.stderr);
      const db = await pgdb.open();
      try {
        const inv = await db.db.selectFrom('invoices').select('invoice_number').where('carrier', '=', 'gls').execute();
        const docs = setup.accounts.find((a) => a.carrier === 'gls')?.documents ?? [];
        assert.ok(inv.length >= docs.length, `${inv.length} invoices for ${docs.length} files`);
      } finally {
        await db.close();
      }
    } finally {
      await pgdb.drop();
    }
  });
});
