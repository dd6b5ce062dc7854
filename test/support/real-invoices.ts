/**
 * The real carrier invoices in `../shared/real-invoices/` (beside the project root). They are not
 * ours to redistribute, so they are never copied into the repository. Developers without the
 * folder get skipped tests; in CI (`CI=true`) a missing folder or file fails the test instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { ROOT } from './paths.js';

export const REAL_INVOICES = path.resolve(ROOT, '..', 'shared', 'real-invoices');

/**
 * The path of a real invoice (`ups/kenzorei_G2G155255_062125_redacted.csv`), or null after
 * skipping the test when the file is missing outside CI. In CI a missing file throws.
 */
export function realInvoice(t: TestContext, relative: string): string | null {
  const file = path.join(REAL_INVOICES, relative);
  if (fs.existsSync(file)) return file;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`real invoice ${file} is missing: CI must have ../shared/real-invoices beside the project root`);
  }
  t.skip(`${file} is not here (set CI=true to make this a failure)`);
  return null;
}
