/**
 * The suite's legacy spreadsheet fixtures (.xls/.ods under fixtures/invoices), converted to xlsx
 * by the real LibreOffice once: the first test that needs one converts them all in ONE soffice
 * start, and keeps the results by content hash in a cache folder shared by every test file (and
 * every later run on this machine). A file that is not a fixture is converted on its own.
 *
 * The pipeline's own conversion (libreOfficeConverter, called by ingestPaths) stays under test:
 * test/pipeline/convert.test.ts, test/pipeline/leftovers.test.ts and test/carriers/mixed-folder.test.ts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONVERTIBLE, libreOfficeConverter, type Converter } from '../../src/pipeline/convert.js';
import { ROOT } from './paths.js';

/** ETL_TEST_XLSX_CACHE, else a folder in the system temp dir, one per user. */
export const XLSX_CACHE = process.env.ETL_TEST_XLSX_CACHE ?? path.join(os.tmpdir(), `etl-test-xlsx-cache-${os.userInfo().uid}`);

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function cachedPath(hash: string): string {
  return path.join(XLSX_CACHE, `${hash}.xlsx`);
}

/** Every legacy spreadsheet under fixtures/invoices. */
export function legacyFixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (CONVERTIBLE.has(path.extname(e.name).slice(1).toLowerCase())) out.push(p);
    }
  };
  walk(path.join(ROOT, 'fixtures', 'invoices'));
  return out.sort();
}

/**
 * Converts the files whose content is not cached yet, in one LibreOffice start, and caches them.
 * Renamed into place, so test processes running at once never read half a file.
 */
async function fill(files: readonly string[]): Promise<void> {
  const missing = new Map<string, string>();
  for (const f of files) {
    const h = sha256(f);
    if (!fs.existsSync(cachedPath(h)) && !missing.has(h)) missing.set(h, f);
  }
  if (missing.size === 0) return;
  fs.mkdirSync(XLSX_CACHE, { recursive: true });
  const work = fs.mkdtempSync(path.join(XLSX_CACHE, 'work-'));
  try {
    // staged under their hash: soffice names outputs after the inputs, and the names must differ
    const staged = [...missing].map(([h, f]) => {
      const p = path.join(work, `${h}${path.extname(f).toLowerCase()}`);
      fs.copyFileSync(f, p);
      return p;
    });
    const out = await libreOfficeConverter({ workRoot: path.join(work, 'tmp') }).toXlsx(staged);
    for (const p of staged) {
      const x = out.get(p);
      if (typeof x === 'string') fs.renameSync(x, cachedPath(path.parse(p).name));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

let warmed: Promise<void> | null = null;

/**
 * The xlsx of `file` (a legacy spreadsheet), from the cache; the first call converts every
 * fixture at once. Throws when LibreOffice could not convert it.
 */
export async function convertedXlsx(file: string): Promise<string> {
  warmed ??= fill(legacyFixtures());
  await warmed;
  const hit = cachedPath(sha256(file));
  if (!fs.existsSync(hit)) await fill([file]);
  if (!fs.existsSync(hit)) throw new Error(`LibreOffice could not convert ${file}`);
  return hit;
}

/**
 * A Converter for ingestPaths that takes conversions from the cache: each result is copied beside
 * its input, as the Converter contract says. A file LibreOffice cannot convert gets its Error.
 */
export function cachedConverter(): Converter {
  return {
    async toXlsx(files) {
      const out = new Map<string, string | Error>();
      for (const f of files) {
        try {
          const target = path.join(path.dirname(f), `${path.parse(f).name}.xlsx`);
          fs.copyFileSync(await convertedXlsx(f), target);
          out.set(f, target);
        } catch (err) {
          out.set(f, err instanceof Error ? err : new Error(String(err)));
        }
      }
      return out;
    },
  };
}
