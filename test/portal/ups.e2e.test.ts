/**
 * End to end for UPS: real Chromium logs in to the mock UPS portal (with a TOTP code), downloads
 * the invoices of the window, and the rows land in SQLite; a second run downloads nothing again.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openDatabase } from '../../src/db/connect.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/paths.js';
import { startPortalSetup, type PortalSetup } from '../support/portal.js';

const tmp = tempDir('etl-e2e-ups-');
let setup: PortalSetup;
before(async () => {
  setup = await startPortalSetup(tmp.dir, ['ups']);
});
after(async () => {
  await setup.portal.close();
  tmp.cleanup();
});

test('etl run --carrier ups downloads through the portal and loads every invoice, once', async () => {
  const dataDir = path.join(tmp.dir, 'data');
  const docs = setup.accounts[0]?.documents ?? [];
  assert.ok(docs.length >= 6);
  const args = ['--data-dir', dataDir, '--json', 'run', '--carrier', 'ups', '--config', setup.configFile, '--from', '2020-01-01', '--to', '2030-12-31'];
  const first = await runCli(args, setup.env);
  assert.equal(first.code, 0, first.stderr);
  const out = JSON.parse(first.stdout) as { accounts: { status: string; files: number; invoices: number }[] };
  assert.deepEqual(out.accounts.map((a) => [a.status, a.files, a.invoices]), [['succeeded', docs.length, docs.length]]);
  const stats = setup.portal.stats.get('ups');
  assert.equal(stats?.downloads, docs.length);
  assert.equal(stats?.logins, 1);

  const db = await openDatabase(`sqlite:${path.join(dataDir, 'etl.sqlite')}`);
  try {
    const inv = await db.db.selectFrom('invoices').select(['invoice_number', 'reconciled']).where('carrier', '=', 'ups').execute();
    assert.equal(inv.length, docs.length);
    assert.ok(inv.every((i) => i.reconciled === 1));
    const downloads = await db.db.selectFrom('portal_downloads').selectAll().execute();
    assert.equal(downloads.length, docs.length);
  } finally {
    await db.close();
  }

  const second = await runCli(args, setup.env);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(setup.portal.stats.get('ups')?.downloads, docs.length, 'nothing downloaded again');
});
