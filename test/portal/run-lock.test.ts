/**
 * Two `etl run` at once against one database: the second stops with a message naming the first,
 * or waits (--wait-lock) and then downloads nothing new. Nothing is loaded twice.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openDatabase } from '../../src/db/connect.js';
import { runCli } from '../support/cli.js';
import { CLI, tempDir } from '../support/paths.js';
import { startPortalSetup, type PortalSetup } from '../support/portal.js';

const tmp = tempDir('etl-runlock-');
let setup: PortalSetup;
before(async () => {
  setup = await startPortalSetup(tmp.dir, ['gls']);
  setup.portal.setFaults('gls', { latencyMs: 150 }); // a run that lasts a few seconds
});
after(async () => {
  await setup.portal.close();
  tmp.cleanup();
});

test('two concurrent etl run on one database never double-load', async () => {
  const dataDir = path.join(tmp.dir, 'data');
  const args = ['--data-dir', dataDir, 'run', '--carrier', 'gls', '--config', setup.configFile, '--from', '2020-01-01', '--to', '2030-12-31'];
  const first = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...setup.env }, stdio: 'ignore' });
  const firstDone = new Promise<number | null>((res) => first.on('close', res));
  const lockFile = path.join(dataDir, 'etl.sqlite.lock');
  for (let i = 0; !fs.existsSync(lockFile); i++) {
    if (i > 3000) assert.fail('the first run never took the lock');
    await new Promise((r) => setTimeout(r, 5));
  }
  const second = await runCli(args, setup.env);
  assert.equal(second.code, 3, second.stderr);
  assert.match(second.stderr, /`etl run` \(pid \d+, since .*\) is loading into sqlite:.*; wait for it, or pass --wait-lock/);
  const third = await runCli(['--json', ...args, '--wait-lock', '120'], setup.env);
  assert.equal(await firstDone, 0);
  assert.equal(third.code, 0, third.stderr);
  const out = JSON.parse(third.stdout) as { accounts: { files: number }[] };
  assert.equal(out.accounts[0]?.files, 0, 'the waiting run found everything downloaded already');
  const db = await openDatabase(`sqlite:${path.join(dataDir, 'etl.sqlite')}`);
  try {
    const files = await db.db.selectFrom('source_files').select('sha256').execute();
    const docs = setup.accounts[0]?.documents.length ?? 0;
    assert.equal(files.length, docs, 'each file landed once');
    assert.equal(setup.portal.stats.get('gls')?.downloads, docs, 'each file downloaded once');
  } finally {
    await db.close();
  }
});
