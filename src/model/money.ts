/**
 * Money rules, in one place (design.md habit 7). Amounts are integers in the currency's minor
 * unit; the number of minor digits follows ISO 4217. Nothing here ever goes through a float.
 */
import { SystemError } from '../errors.js';
import { formatMinorDigits } from './minor-units.js';

/** ISO 4217 currencies whose minor unit is not 2 digits. Everything else has 2. */
const MINOR_DIGITS_EXCEPTIONS: Readonly<Record<string, number>> = {
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
};

/** Digits after the decimal point in `currency`'s minor unit (2 unless ISO 4217 says otherwise). */
export function minorDigits(currency: string): number {
  return MINOR_DIGITS_EXCEPTIONS[currency] ?? 2;
}

/** All currencies with a non-2 exponent, for SQL views that turn minor units into decimals. */
export function minorDigitExceptions(): ReadonlyArray<readonly [string, number]> {
  return Object.entries(MINOR_DIGITS_EXCEPTIONS);
}

/** Formats minor units as a decimal string (`-1234` EUR → `-12.34`), exactly (bigint totals too). */
export function formatMinor(minor: number | bigint, currency: string): string {
  return formatMinorDigits(minor, minorDigits(currency));
}

/**
 * The largest magnitude a stored amount or total may have, in minor units: 2^53 - 1. Every
 * amount and every total the loader writes stays within it, so every JavaScript reader (views
 * read back, the report, exports) gets it exactly as a number; the databases themselves hold
 * 64 bits. Sums are computed exactly whatever the range (MinorTotal); only what is stored or
 * handed to a float-based reader must fit.
 */
export const MAX_SAFE_MINOR = Number.MAX_SAFE_INTEGER;

const MAX_SAFE_BIG = BigInt(MAX_SAFE_MINOR);

/** True when `v` is an integer within ±MAX_SAFE_MINOR. */
export function isSafeMinor(v: number | bigint): boolean {
  return typeof v === 'bigint' ? v <= MAX_SAFE_BIG && v >= -MAX_SAFE_BIG : Number.isSafeInteger(v);
}

/** Where an amount came from (1-based physical row, column label), for messages. */
export interface AmountSource {
  readonly row: number;
  readonly column?: string;
}

/**
 * An exact running total of minor units. Float addition is exact only while every partial sum
 * stays within 2^53: `9007199254740991 + 2 - 9007199254740991` gives 1 in floats, 2 exactly.
 * Adds stay on numbers while the total is safe (the sum of two safe integers is exact when it is
 * itself safe, and a float result outside the safe range proves the exact one is outside too),
 * and continue in BigInt otherwise, so the total is exact in every order of rows; `safe()` says
 * whether it can be stored.
 */
export class MinorTotal {
  private small = 0;
  private big: bigint | null = null;
  /** The amount that last took the total out of the safe range, if it ever left it. */
  leftAt: AmountSource | null = null;

  /**
   * Adds `minor` (a safe integer). `row` and `column` name it in case the total leaves the range
   * (separate arguments: no object per charge on the hot path).
   */
  add(minor: number, row?: number, column?: string): void {
    if (this.big === null) {
      const s = this.small + minor;
      if (Number.isSafeInteger(s)) {
        this.small = s;
        return;
      }
      this.big = BigInt(this.small) + BigInt(minor);
      this.leftAt = row === undefined ? null : column === undefined ? { row } : { row, column };
      return;
    }
    this.big += BigInt(minor);
    if (isSafeMinor(this.big)) {
      this.small = Number(this.big);
      this.big = null;
    }
  }

  /** The exact total. */
  exact(): bigint {
    return this.big ?? BigInt(this.small);
  }

  /** The total as a number, or null when it is beyond ±MAX_SAFE_MINOR (cannot be stored). */
  safe(): number | null {
    return this.big === null ? this.small : null;
  }

  toString(): string {
    return this.big === null ? String(this.small) : this.big.toString();
  }
}

/** The exact sum of minor-unit amounts. */
export function sumMinor(values: Iterable<number | bigint>): bigint {
  let s = 0n;
  for (const v of values) s += BigInt(v);
  return s;
}

/**
 * `a + b` for safe integers, or a RangeError when the sum leaves ±MAX_SAFE_MINOR (where a float
 * sum would be silently rounded).
 */
export function addMinor(a: number, b: number): number {
  const s = a + b;
  if (!Number.isSafeInteger(s) || !Number.isSafeInteger(a) || !Number.isSafeInteger(b)) {
    throw new RangeError(`${a} + ${b} is beyond ±${MAX_SAFE_MINOR}, the range that sums exactly`);
  }
  return s;
}

/**
 * An integer read from a database (a JS number, a bigint, or PostgreSQL's numeric/bigint text)
 * as a number, or null when it is not an integer within ±MAX_SAFE_MINOR. better-sqlite3 returns
 * a SUM beyond 2^53 as a rounded float, which is never a safe integer, so null catches it too.
 */
export function safeMinorFrom(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'bigint') return isSafeMinor(value) ? Number(value) : null;
  if (typeof value === 'string' && /^-?\d+(\.0*)?$/.test(value.trim())) {
    const big = BigInt(value.trim().replace(/\.0*$/, ''));
    return isSafeMinor(big) ? Number(big) : null;
  }
  return null;
}

/**
 * safeMinorFrom for a value a command reads from the database (a SUM, a total), or a
 * SystemError naming `what`: shown exactly or not at all, never rounded.
 */
export function exactMinorFrom(value: unknown, what: string): number {
  const n = safeMinorFrom(value);
  if (n === null) throw new SystemError(`${what}: ${String(value)} is not an integer within ±${MAX_SAFE_MINOR}, the range shown exactly`);
  return n;
}

/**
 * Exchange rates are stored exactly as integers in millionths of a unit per 1 EUR
 * (`rate_micro`: the ECB's 1.1155 USD is 1115500); a published rate with more than 6 decimals
 * is refused on import (the ECB publishes at most 5 significant decimals).
 */
export const FX_RATE_DIGITS = 6;

/** `10^digits` of `currencyExpr`'s minor unit, as SQL (money.ts's ISO 4217 exponents). */
function minorFactorSql(currencyExpr: string): string {
  const byDigits = new Map<number, string[]>();
  for (const [cur, d] of minorDigitExceptions()) byDigits.set(d, [...(byDigits.get(d) ?? []), cur]);
  const whens = [...byDigits.entries()].map(([d, curs]) => `WHEN ${currencyExpr} IN (${curs.map((c) => `'${c}'`).join(', ')}) THEN ${10 ** d}`);
  return `(CASE ${whens.join(' ')} ELSE 100 END)`;
}

/**
 * THE currency conversion rule, as SQL for both databases (the views `cost_per_shipment` and
 * `spend_by_month` use it; nothing else converts money). An amount of `fromCurrency` minor units
 * becomes minor units of `toCurrency` through the two rates per 1 EUR of the same date:
 *
 *   converted = amount × toRate × 10^digits(to) / (fromRate × 10^digits(from)),
 *
 * computed on integers (rates in millionths) and rounded ONCE, half to even, to a whole minor
 * unit. PostgreSQL computes on exact numerics. SQLite computes on 64-bit integers: an amount
 * whose numerator would pass 2^63 gives NULL (not converted) rather than a float; with EUR as
 * the reporting currency that is above 92 million EUR in one amount.
 * NULL when either rate is NULL.
 */
export function convertedMinorSql(dialect: 'sqlite' | 'postgres', amount: string, fromCurrency: string, toCurrency: string, fromMicro: string, toMicro: string): string {
  const toFactor = `${toMicro} * ${minorFactorSql(toCurrency)}`;
  if (dialect === 'postgres') {
    const n = `(CAST(${amount} AS NUMERIC) * ${toFactor})`;
    const d = `(CAST(${fromMicro} AS NUMERIC) * ${minorFactorSql(fromCurrency)})`;
    const q = `div(${n}, ${d})`;
    const r = `mod(${n}, ${d})`;
    return `CAST(CASE WHEN ${amount} IS NULL OR ${fromMicro} IS NULL OR ${toMicro} IS NULL THEN NULL
      ELSE ${q} + CASE WHEN 2 * ABS(${r}) > ${d} OR (2 * ABS(${r}) = ${d} AND mod(${q}, 2) <> 0) THEN SIGN(${n}) ELSE 0 END END AS BIGINT)`;
  }
  const n = `(${amount} * ${toFactor})`;
  const d = `(${fromMicro} * ${minorFactorSql(fromCurrency)})`;
  const q = `(${n} / ${d})`;
  const r = `(${n} % ${d})`;
  return `CASE WHEN ${amount} IS NULL OR ${fromMicro} IS NULL OR ${toMicro} IS NULL THEN NULL
      WHEN ABS(${amount}) > 9223372036854775807 / (${toFactor}) THEN NULL
      ELSE ${q} + CASE WHEN 2 * ABS(${r}) > ${d} OR (2 * ABS(${r}) = ${d} AND ${q} % 2 <> 0) THEN (CASE WHEN ${n} < 0 THEN -1 ELSE 1 END) ELSE 0 END END`;
}
