/**
 * The container is built and run for real by scripts/container-smoke.sh (npm run test:container,
 * run by CI after npm test): it proves the COPY lines, the non-root user, the /data volume, the
 * default `etl run --all` and that the image holds no tests. What it cannot see is checked here:
 * the Dockerfile installs system packages only through scripts/install-deps.sh (one list for the
 * quick start, the tests and the image), its base is a Node LTS that `engines` supports (the
 * smoke test builds on a stand-in of that tag), and the shipped build config compiles nothing
 * from test/, fixtures/ or bench/ (the smoke test sees only the result of one configuration).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

test('every stage builds on one Debian bookworm Node LTS image whose major version package.json engines supports', () => {
  const bases = new Set(stages.map((s) => s.split(/\s/)[0]));
  assert.equal(bases.size, 1, `one base image, not ${[...bases].join(', ')}`);
  const m = /^node:(\d+)-bookworm-slim$/.exec([...bases][0] ?? '');
  assert.ok(m, 'the base is node:<major>-bookworm-slim (scripts/stand-in-base-image.sh stands in for exactly that)');
  const major = Number(m[1]);
  assert.equal(major % 2, 0, 'an LTS line (even major)');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const majors = pkg.engines.node.split('||').map((r) => Number(/\^(\d+)\./.exec(r.trim())?.[1]));
  assert.ok(majors.includes(major), `engines "${pkg.engines.node}" covers the image's Node ${String(major)}`);
  assert.ok(majors.includes(20), 'Node 20 stays supported: the development and CI machines have it');
});

test('the shipped build (tsconfig.build.json) compiles only src/ and carriers/, nothing from test, fixtures or bench', () => {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const files = execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--listFilesOnly'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.startsWith(ROOT) && !f.includes('/node_modules/'))
    .map((f) => path.relative(ROOT, f));
  assert.ok(files.some((f) => f === 'src/cli.ts'), 'the CLI is in the build');
  assert.ok(files.some((f) => f.startsWith('carriers/ups/')), 'the carriers are in the build');
  const stray = files.filter((f) => !/^(src|carriers)\//.test(f));
  assert.deepEqual(stray, [], 'no file outside src/ and carriers/ is compiled (nothing there imports tests, fixtures or bench)');
  assert.ok(!files.some((f) => /\.test\.ts$/.test(f)), 'no test file');
});
