/**
 * View values → typed cells, the one place that decides how every exported value is written
 * (both writers only render these). Pure: no db, no fs.
 *
 * The two databases return the same view differently (SQLite: REAL floats, 0/1 booleans;
 * PostgreSQL: numeric as text, real booleans), so values are normalized here by what the column
 * holds (`ColumnKind` in src/db/views.ts), and an export is identical on both.
 */
import type { ViewColumn } from '../db/views.js';
import { SystemError } from '../errors.js';
import { minorDigits } from '../model/money.js';

export type Cell =
  /** Text, already neutralized against formula injection. */
  | { readonly type: 'text'; readonly value: string }
  /** An exact decimal as text (`-12.30`), with `scale` digits after the point. */
  | { readonly type: 'decimal'; readonly value: string; readonly scale: number }
  | { readonly type: 'integer'; readonly value: number }
  /** A float measurement. */
  | { readonly type: 'number'; readonly value: number }
  /** `YYYY-MM-DD`. */
  | { readonly type: 'date'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | null;

/**
 * Formula injection (OWASP "CSV Injection"). OWASP's list: a cell starting with `=`, `+`, `-`,
 * `@`, tab (0x09) or carriage return (0x0D). Beyond it, because spreadsheets and the tools
 * between them normalize or skip characters before looking: the look-alikes of the four signs
 * (full-width `＝＋－＠`, small forms `﹦﹢﹣﹫`, super/subscript `⁺₊⁼₌`: everything NFKC turns
 * into one of them, plus U+2212 `−`), also after leading white space or invisible format
 * characters (zero-width space U+200B, joiners, word joiner U+2060, BOM U+FEFF, direction marks:
 * Unicode category Cf). Such text gets a `'` in front.
 */
const FORMULA_SIGN = /^[=+\-@\u2212]/;
const LEADING_BLANKS = /^[\s\p{Cf}]+/u;

/** Prefixes `'` to text a spreadsheet could take for a formula (`=HYPERLINK(...)` → `'=HYPERLINK(...)`). */
export function neutralizeFormula(text: string): string {
  const first = text.charCodeAt(0);
  // fast path: printable ASCII other than the four signs (most identifiers and descriptions)
  if (first > 0x20 && first < 0x7f && first !== 0x3d && first !== 0x2b && first !== 0x2d && first !== 0x40) return text;
  if (text === '') return text;
  if (first === 0x09 || first === 0x0d) return `'${text}`;
  const rest = text.replace(LEADING_BLANKS, '');
  const c = rest.codePointAt(0);
  if (c === undefined) return text;
  return FORMULA_SIGN.test(String.fromCodePoint(c).normalize('NFKC')) ? `'${text}` : text;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d*))?$/;

/**
 * The exact decimal text of `value` with `scale` digits. `value` is decimal text (PostgreSQL's
 * numeric; SQLite money, which exports read as exact text, see viewSelects) or a float that the
 * view already rounded to `scale` digits (SQLite's `share`). The nearest double to such a decimal
 * prints back to it with toFixed only while the doubles there are closer together than
 * 10^-scale, i.e. below 2^52 / 10^scale (4.5e13 at 2 digits); a larger float is refused rather
 * than written with a wrong last digit.
 */
export function decimalText(value: number | string, scale: number, where: string): string {
  let sign: string;
  let int: string;
  let frac: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) >= 2 ** 52 / 10 ** scale) throw new SystemError(`${where}: ${value} is not a decimal this export can write exactly`);
    const m = DECIMAL.exec(value.toFixed(scale));
    if (m === null) throw new SystemError(`${where}: cannot format ${value}`);
    [, sign = '', int = '0', frac = ''] = m;
  } else {
    const m = DECIMAL.exec(value.trim());
    if (m === null) throw new SystemError(`${where}: "${value}" is not a decimal number`);
    [, sign = '', int = '0', frac = ''] = m;
    if (frac.length > scale) {
      // the views round to the column's scale, so only zeros can be beyond it
      if (/[^0]/.test(frac.slice(scale))) throw new SystemError(`${where}: "${value}" has more than ${scale} decimals`);
      frac = frac.slice(0, scale);
    }
    int = int.replace(/^0+(?=\d)/, '');
  }
  frac = frac.padEnd(scale, '0');
  const digits = scale === 0 ? int : `${int}.${frac}`;
  return sign === '-' && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

function text(value: unknown, where: string): Cell {
  if (typeof value === 'string') return { type: 'text', value: neutralizeFormula(value) };
  if (typeof value === 'number' || typeof value === 'bigint') return { type: 'text', value: String(value) };
  throw new SystemError(`${where}: expected text, got ${typeof value}`);
}

function integer(value: unknown, where: string): Cell {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : typeof value === 'bigint' ? Number(value) : value;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return { type: 'integer', value: n };
  throw new SystemError(`${where}: expected an integer, got ${String(value)}`);
}

function measure(value: unknown, where: string): Cell {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n === 'number' && Number.isFinite(n)) return { type: 'number', value: n };
  throw new SystemError(`${where}: expected a number, got ${String(value)}`);
}

function date(value: unknown, where: string): Cell {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return { type: 'date', value };
  throw new SystemError(`${where}: expected a YYYY-MM-DD date, got ${String(value)}`);
}

function boolean(value: unknown, where: string): Cell {
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (value === 0 || value === 1) return { type: 'boolean', value: value === 1 };
  throw new SystemError(`${where}: expected a boolean, got ${String(value)}`);
}

function decimal(value: unknown, scale: number, where: string): Cell {
  if (typeof value !== 'number' && typeof value !== 'string') throw new SystemError(`${where}: expected a decimal, got ${typeof value}`);
  return { type: 'decimal', value: decimalText(value, scale, where), scale };
}

/**
 * The cells of one view row, in column order. Money columns take their digits from the row's
 * `currency` column (2 when the row has none), or from the column their `currencyColumn` names. Throws SystemError when a value does not match
 * its column's kind: the view and its description in views.ts disagree.
 */
export function toCells(viewName: string, columns: readonly ViewColumn[], row: Readonly<Record<string, unknown>>): Cell[] {
  const currency = row.currency;
  const moneyScale = minorDigits(typeof currency === 'string' ? currency : '');
  return columns.map((c) => {
    const value = row[c.name];
    if (value === null || value === undefined) return null;
    const where = `${viewName}.${c.name}`;
    switch (c.kind) {
      case 'text':
        return text(value, where);
      case 'date':
        return date(value, where);
      case 'money': {
        const other = c.currencyColumn === undefined ? undefined : row[c.currencyColumn];
        return decimal(value, typeof other === 'string' ? minorDigits(other) : moneyScale, where);
      }
      case 'decimal':
        return decimal(value, c.scale ?? 2, where);
      case 'integer':
        return integer(value, where);
      case 'measure':
        return measure(value, where);
      case 'boolean':
        return boolean(value, where);
    }
  });
}

/** Header cells: the column names. */
export function headerCells(columns: readonly ViewColumn[]): Cell[] {
  return columns.map((c) => ({ type: 'text', value: neutralizeFormula(c.name) }));
}
