/**
 * Issue 8, defect 11: a killed command leaves nothing behind. SIGKILL during an .xls conversion
 * must not leave LibreOffice running nor invoice copies in /tmp; work files a killed command did
 * leave (`landing/.incoming-*`, `tmp/convert-*`) are removed by the next command, but only those
 * no live process owns.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { CLI, fixtureDirOf, tempDir } from '../support/paths.js';

const tmp = tempDir('etl-leftovers-');
after(() => tmp.cleanup());

/** The command lines (by pid) of the processes that mention `text` (soffice's names its work folder). */
function commandsMentioning(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(text)) out.set(Number(pid), cmdline);
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
const processesMentioning = (text: string): number[] => [...commandsMentioning(text).keys()];

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A pid that surely belongs to no running process: one that just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  assert.ok(r.pid !== undefined && r.status === 0);
  return r.pid;
}

const entries = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

test('SIGKILL during an .xls conversion leaves no soffice running and no invoice copy behind (issue 8 defect 11)', async () => {
  const dataDir = path.join(tmp.dir, 'killed');
  const xls = path.join(fixtureDirOf('dsv'), 'printed-da-en-dkk.xls');
  const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, 'ingest', xls], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const workDir = path.join(dataDir, 'tmp');
  // conversion is under way once LibreOffice runs on the work folder in our data dir (its
  // launcher may show up a moment before its arguments do: wait for them)
  await until('soffice started', () => processesMentioning(path.join(workDir, 'convert-')).some((pid) => pid !== child.pid));
  const [folder] = entries(workDir);
  assert.match(folder ?? '', new RegExp(`^convert-${child.pid}-`), 'the work folder is in the data dir, named after its owner');
  // soffice reads the invoice copies from there, not from /tmp
  const cmdline = [...commandsMentioning(dataDir).values()].join(' ');
  assert.ok(cmdline.includes(path.join(workDir, folder ?? '')) && !cmdline.includes(path.join(os.tmpdir(), 'etl-convert-')));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  await until('every soffice process of the killed ingest is gone', () => processesMentioning(dataDir).length === 0);

  const next = await runCli(['--data-dir', dataDir, 'status']);
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual(entries(workDir), [], 'no conversion folder (invoice copies) left');
  assert.deepEqual(entries(path.join(dataDir, 'landing')).filter((n) => n.startsWith('.incoming-')), []);

  // and the file loads completely on the next ingest
  const again = await runCli(['--data-dir', dataDir, 'ingest', xls]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(entries(workDir), []);
});

test('the next command removes incoming files and conversion folders of dead owners and keeps a live owner\'s (issue 8 defect 11)', async () => {
  const dataDir = path.join(tmp.dir, 'stale');
  const landing = path.join(dataDir, 'landing');
  const work = path.join(dataDir, 'tmp');
  fs.mkdirSync(landing, { recursive: true });
  fs.mkdirSync(work, { recursive: true });
  const dead = deadPid();
  const now = Date.now();
  // a killed landing: part of a 91 MB copy
  fs.writeFileSync(path.join(landing, `.incoming-${dead}-${now}-big.csv`), Buffer.alloc(1 << 20, 'x'));
  // a killed conversion: its folder holds a copy of the invoice
  fs.mkdirSync(path.join(work, `convert-${dead}-${now}-AbC123`, 'out'), { recursive: true });
  fs.writeFileSync(path.join(work, `convert-${dead}-${now}-AbC123`, '0-invoice.xls'), 'copy');
  // the pid is alive, but that process started after the file was made: a reused pid
  fs.writeFileSync(path.join(landing, `.incoming-${process.pid}-1000-reused.csv`), 'x');
  // owned by this live process, made after it started: in use, kept
  const live = `.incoming-${process.pid}-${now}-in-use.csv`;
  const liveWork = `convert-${process.pid}-${now}-XyZ789`;
  fs.writeFileSync(path.join(landing, live), 'x');
  fs.mkdirSync(path.join(work, liveWork));
  // not a work file at all
  fs.writeFileSync(path.join(landing, '.incoming-notes.txt'), 'x');

  const r = await runCli(['--data-dir', dataDir, '--verbose', 'status']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(entries(landing), ['.incoming-notes.txt', live].sort());
  assert.deepEqual(entries(work), [liveWork]);
  assert.match(r.stderr, new RegExp(`removed .*\\.incoming-${dead}-${now}-big\\.csv`));
});

test('secrets stay secret: a raw (unscrubbed) portal trace left by a killed run is removed by the next command; a live run\'s is kept', async () => {
  const dataDir = path.join(tmp.dir, 'traces');
  const evidence = path.join(dataDir, 'runs', 'run-7', 'evidence', 'ups-DEMO-UPS-attempt1');
  fs.mkdirSync(evidence, { recursive: true });
  const dead = deadPid();
  const now = Date.now();
  const stale = `.unscrubbed-${dead}-${now}-download.zip`;
  const live = `.unscrubbed-${process.pid}-${now}-login.zip`;
  fs.writeFileSync(path.join(evidence, stale), 'PK raw trace holding a password');
  fs.writeFileSync(path.join(evidence, live), 'PK being scrubbed');
  fs.writeFileSync(path.join(evidence, 'download.trace.zip'), 'PK scrubbed');

  const r = await runCli(['--data-dir', dataDir, 'status']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(entries(evidence), ['download.trace.zip', live].sort());
});
