import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run compiled, from dist/test/...). */
export const ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test files');
    dir = up;
  }
  return dir;
})();

export const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
export const UPS_FIXTURES = path.join(ROOT, 'fixtures', 'invoices', 'ups');

/** fixtures/invoices/<carrier> */
export function fixtureDirOf(carrier: string): string {
  return path.join(ROOT, 'fixtures', 'invoices', carrier);
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'etl-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Golden cases: `<name>.csv` with `<name>.expected.json` beside it. */
export function goldenCases(dir: string): { name: string; file: string; expectedFile: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.expected.json'))
    .map((f) => {
      const name = f.slice(0, -'.expected.json'.length);
      const data = fs.readdirSync(dir).find((x) => x.startsWith(`${name}.`) && !x.endsWith('.expected.json'));
      if (data === undefined) throw new Error(`${f} has no data file beside it`);
      return { name, file: path.join(dir, data), expectedFile: path.join(dir, f) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
