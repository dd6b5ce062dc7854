/**
 * No Docker engine runs here, so the Dockerfile is checked against what does run: it installs
 * system packages only through scripts/install-deps.sh (the quick start's script, one list),
 * runs as a non-root user, keeps data in /data, puts `etl` on PATH and runs `etl run --all`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './support/paths.js';

const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const lines = dockerfile.split('\n').filter((l) => !l.trim().startsWith('#'));
const stages = dockerfile.split(/^FROM /m).slice(1);

test('system packages come only from the install script the README uses', () => {
  assert.ok(!/apt-get|apk |yum |dnf /.test(lines.join('\n')), 'no package manager called directly in the Dockerfile');
  const runtime = stages.at(-1) ?? '';
  assert.match(runtime, /RUN bash scripts\/install-deps\.sh --system-only/);
  assert.match(runtime, /COPY scripts\/install-deps\.sh scripts\/system-packages\.txt scripts\//);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  assert.match(readme, /npm run demo/);
  for (const s of ['scripts/demo.sh', 'scripts/test.sh']) assert.match(fs.readFileSync(path.join(ROOT, s), 'utf8'), /bash scripts\/install-deps\.sh/);
  const packages = fs.readFileSync(path.join(ROOT, 'scripts', 'system-packages.txt'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  assert.deepEqual(packages.sort(), ['chromium', 'libreoffice-calc-nogui']);
});

test('Debian + Node 20 base, non-root user, /data volume, etl on PATH, one run then exit', () => {
  for (const s of stages) assert.match(s, /^node:20-bookworm/);
  const runtime = stages.at(-1) ?? '';
  assert.match(runtime, /^USER etl$/m);
  assert.match(runtime, /useradd .*etl/);
  assert.match(runtime, /VOLUME \["\/data"\]/);
  assert.match(runtime, /ETL_DATA_DIR=\/data/);
  assert.match(runtime, /ln -s \/app\/dist\/src\/cli\.js \/usr\/local\/bin\/etl/);
  assert.match(runtime, /ENTRYPOINT \["etl"\]/);
  assert.match(runtime, /CMD \["run", "--all"\]/);
  // every file the build copies exists
  for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
    for (const src of (m[1] ?? '').split(/\s+/)) assert.ok(fs.existsSync(path.join(ROOT, src)), `COPY source ${src} exists`);
  }
});
