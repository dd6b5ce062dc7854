/**
 * Reference rates in the European Central Bank's CSV format (`eurofxref-hist.csv`, and the
 * daily `eurofxref.csv` with ISO dates): a `Date` column, then one column per currency with its
 * rate per 1 EUR; `N/A` (or an empty cell) where the ECB published no rate; a trailing comma on
 * every line. Pure: text in, rates or issues out. Rates stay exact: the published text and the
 * rate in millionths as an integer (money.ts FX_RATE_DIGITS).
 */
import { FX_RATE_DIGITS } from '../model/money.js';

export interface EcbRate {
  readonly currency: string;
  /** YYYY-MM-DD */
  readonly date: string;
  /** As published, e.g. '1.1155'. */
  readonly rate: string;
  /** rate × 10^6, exact. */
  readonly micro: number;
}

export interface EcbProblem {
  readonly row: number;
  readonly column: string;
  readonly message: string;
}

export interface EcbParse {
  readonly rates: readonly EcbRate[];
  readonly problems: readonly EcbProblem[];
}

const RATE = new RegExp(`^(\\d{1,9})(?:\\.(\\d{1,${FX_RATE_DIGITS}}))?$`);

/** The rate in millionths, or null when `text` is not a positive decimal with at most 6 decimals. */
export function rateMicro(text: string): number | null {
  const m = RATE.exec(text);
  if (m === null) return null;
  const micro = Number(m[1]) * 10 ** FX_RATE_DIGITS + Number((m[2] ?? '').padEnd(FX_RATE_DIGITS, '0'));
  return micro > 0 && Number.isSafeInteger(micro) ? micro : null;
}

function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function parseEcbCsv(text: string): EcbParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const problems: EcbProblem[] = [];
  if (header[0]?.toLowerCase() !== 'date') {
    return { rates: [], problems: [{ row: 1, column: header[0] ?? '', message: 'the first column must be "Date" (the ECB eurofxref CSV format)' }] };
  }
  const currencies: Array<{ index: number; code: string }> = [];
  header.forEach((h, index) => {
    if (index === 0 || h === '') return;
    if (!/^[A-Z]{3}$/.test(h)) problems.push({ row: 1, column: h, message: `"${h}" is not a 3-letter currency code` });
    else currencies.push({ index, code: h });
  });
  if (currencies.length === 0) problems.push({ row: 1, column: 'Date', message: 'no currency columns' });
  const rates: EcbRate[] = [];
  const seen = new Set<string>();
  lines.slice(1).forEach((line, i) => {
    const row = i + 2;
    if (line.trim() === '') return;
    const cells = line.split(',').map((c) => c.trim());
    const date = cells[0] ?? '';
    if (!validDate(date)) {
      problems.push({ row, column: 'Date', message: `"${date}" is not a date (YYYY-MM-DD)` });
      return;
    }
    if (seen.has(date)) {
      problems.push({ row, column: 'Date', message: `${date} appears twice` });
      return;
    }
    seen.add(date);
    for (const { index, code } of currencies) {
      const cell = cells[index] ?? '';
      if (cell === '' || cell === 'N/A') continue;
      const micro = rateMicro(cell);
      if (micro === null) {
        problems.push({ row, column: code, message: `"${cell}" is not a positive rate with at most ${FX_RATE_DIGITS} decimals` });
        continue;
      }
      rates.push({ currency: code, date, rate: cell, micro });
    }
  });
  return { rates, problems };
}
