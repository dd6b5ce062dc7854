/**
 * File-system problems are per-path problems: an unreadable file or folder, a FIFO, a symlink
 * loop is reported (path and cause), counted in the summary, exit 1, and every other file loads.
 * The CLI runs as an unprivileged user (nobody): root reads a chmod 000 file regardless.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/connect.js';
import { NOBODY, runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { tempDir, UPS_FIXTURES } from '../support/paths.js';

const FIXTURES = ['us-multipiece-inches.csv', 'en-quoted-bom.csv', 'de-adjustments.csv', 'gb-semicolon-decimal-comma.csv'].map((f) => path.join(UPS_FIXTURES, f));
const asNobody = process.getuid?.() === 0 ? { asUser: NOBODY } : {};

interface Summary {
  files: number;
  loaded: number;
  unreadable: number;
  results: { file: string; status: string; message: string | null }[];
}

for (const dialect of DIALECTS) {
  describe(`file-system problems stop only their own path (${dialect})`, () => {
    const tmp = tempDir('etl-paths-');
    const pgDbs: TestDatabase[] = [];
    let n = 0;
    before(() => fs.chmodSync(tmp.dir, 0o755));
    after(async () => {
      for (const d of pgDbs) await d.drop();
      // chmod 000 folders would stop the clean-up
      execFileSync('chmod', ['-R', 'u+rwx', tmp.dir]);
      tmp.cleanup();
    });

    /** A fresh case: a data dir nobody owns, a database of its own, and an input folder. */
    async function scenario(): Promise<{ dataDir: string; url: string; input: string }> {
      const dir = path.join(tmp.dir, `case-${n++}`);
      const dataDir = path.join(dir, 'data');
      const input = path.join(dir, 'in');
      fs.mkdirSync(dataDir, { recursive: true });
      fs.mkdirSync(input, { recursive: true });
      if (asNobody.asUser !== undefined) fs.chownSync(dataDir, NOBODY, NOBODY);
      if (dialect === 'sqlite') return { dataDir, url: `sqlite:${path.join(dataDir, 'etl.sqlite')}`, input };
      const pgDb = await createTestDatabase('postgres');
      pgDbs.push(pgDb);
      return { dataDir, url: pgDb.url, input };
    }

    async function runStatusOf(url: string): Promise<string | undefined> {
      const db = await openDatabase(url);
      try {
        return (await db.db.selectFrom('etl_runs').select('status').orderBy('id', 'desc').executeTakeFirst())?.status;
      } finally {
        await db.close();
      }
    }

    test('an unreadable file found while walking a folder is reported and counted; the files after it load (exit 1)', async () => {
      const { dataDir, url, input } = await scenario();
      fs.copyFileSync(FIXTURES[0] as string, path.join(input, 'a.csv'));
      fs.copyFileSync(FIXTURES[1] as string, path.join(input, 'b-secret.csv'));
      fs.copyFileSync(FIXTURES[2] as string, path.join(input, 'c.csv'));
      fs.chmodSync(path.join(input, 'b-secret.csv'), 0o000);
      const r = await runCli(['--data-dir', dataDir, '--db', url, '--json', 'ingest', input], {}, { ...asNobody, timeoutMs: 60_000 });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /b-secret\.csv: cannot be read: permission denied \(EACCES\)/);
      const s = JSON.parse(r.stdout) as Summary;
      assert.equal(s.loaded, 2);
      assert.equal(s.unreadable, 1);
      assert.deepEqual(s.results.map((x) => [path.basename(x.file), x.status]).sort(), [['a.csv', 'loaded'], ['b-secret.csv', 'unreadable'], ['c.csv', 'loaded']]);
      assert.equal(await runStatusOf(url), 'data_problems');
    });

    test('an unreadable file named on the command line does not skip the files named after it', async () => {
      const { dataDir, url, input } = await scenario();
      const locked = path.join(input, 'locked.csv');
      fs.copyFileSync(FIXTURES[0] as string, locked);
      fs.chmodSync(locked, 0o000);
      fs.copyFileSync(FIXTURES[3] as string, path.join(input, 'next.csv'));
      const r = await runCli(['--data-dir', dataDir, '--db', url, 'ingest', locked, path.join(input, 'next.csv')], {}, { ...asNobody, timeoutMs: 60_000 });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /locked\.csv: cannot be read: permission denied \(EACCES\)/);
      assert.match(r.stderr, /\+ next\.csv \(ups, recognized\): 1 invoice/);
      assert.match(r.stderr, /1 loaded, 0 unchanged, 0 quarantined, 1 unreadable/);
    });

    test('an unreadable subfolder is one problem; the rest of the tree loads', async () => {
      const { dataDir, url, input } = await scenario();
      fs.mkdirSync(path.join(input, 'closed'));
      fs.mkdirSync(path.join(input, 'open'));
      fs.copyFileSync(FIXTURES[0] as string, path.join(input, 'closed', 'hidden.csv'));
      fs.copyFileSync(FIXTURES[1] as string, path.join(input, 'open', 'visible.csv'));
      fs.copyFileSync(FIXTURES[2] as string, path.join(input, 'z-last.csv'));
      fs.chmodSync(path.join(input, 'closed'), 0o000);
      const r = await runCli(['--data-dir', dataDir, '--db', url, '--json', 'ingest', input], {}, { ...asNobody, timeoutMs: 60_000 });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /closed: directory cannot be read: permission denied \(EACCES\)/);
      const s = JSON.parse(r.stdout) as Summary;
      assert.equal(s.loaded, 2);
      assert.equal(s.unreadable, 1);
    });

    test('a FIFO named on the command line is refused at once instead of hanging; the next file loads', async () => {
      const { dataDir, url, input } = await scenario();
      const fifo = path.join(input, 'pipe.csv');
      execFileSync('mkfifo', [fifo]);
      fs.copyFileSync(FIXTURES[0] as string, path.join(input, 'real.csv'));
      const r = await runCli(['--data-dir', dataDir, '--db', url, 'ingest', fifo, path.join(input, 'real.csv')], {}, { timeoutMs: 60_000 });
      assert.notEqual(r.code, null, 'the CLI hung on the FIFO and was killed');
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /pipe\.csv: a FIFO \(named pipe\), not a regular file; only regular files are read/);
      assert.match(r.stderr, /\+ real\.csv/);
    });

    test('a symbolic link loop in a folder is walked once, and a FIFO found in it is reported, not opened', async () => {
      const { dataDir, url, input } = await scenario();
      fs.mkdirSync(path.join(input, 'sub'));
      fs.symlinkSync('..', path.join(input, 'sub', 'loop'));
      fs.copyFileSync(FIXTURES[0] as string, path.join(input, 'sub', 'one.csv'));
      execFileSync('mkfifo', [path.join(input, 'sub', 'fifo.csv')]);
      const r = await runCli(['--data-dir', dataDir, '--db', url, '--json', 'ingest', input], {}, { timeoutMs: 60_000 });
      assert.notEqual(r.code, null, 'the CLI hung and was killed');
      assert.equal(r.code, 1, r.stderr);
      const s = JSON.parse(r.stdout) as Summary;
      assert.equal(s.files, 2, 'one.csv once (not again through the loop) and the FIFO');
      assert.equal(s.loaded, 1);
      assert.equal(s.unreadable, 1);
      assert.match(r.stderr, /fifo\.csv: a FIFO \(named pipe\), not a regular file/);
    });
  });
}
