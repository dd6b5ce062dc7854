/**
 * Exact decimal text → integer minor units, and plain decimals (weights, dimensions).
 * A char scan instead of parseFloat: `0.29 * 100` is 28.999999999999996 in floating point.
 */

/** How a carrier writes numbers. */
export interface NumberFormat {
  /** Decimal separator. `either` = exactly one `.` or `,` is the decimal point, no grouping. */
  readonly decimal: '.' | ',' | 'either';
  /** Thousands separator allowed between digit groups ('' = none). Ignored with `either`. */
  readonly thousands: '' | ',' | '.' | ' ' | "'";
  /** Integer amounts are already minor units (GLS cents, DSV øre). */
  readonly impliedMinor?: boolean;
}

export type AmountResult = { ok: true; minor: number } | { ok: false; reason: string };

const ZERO = 48;
const NINE = 57;

/**
 * Parses `text` into minor units with `digits` minor digits. Accepts a leading `-`/`+`, a
 * trailing `-` (SAP style `12.30-`) and surrounding spaces. Rejects more significant decimals
 * than the currency has (`1.234` EUR) rather than rounding them away.
 */
export function parseMinor(text: string, fmt: NumberFormat, digits: number): AmountResult {
  let s = text.trim();
  if (s === '') return { ok: false, reason: 'empty' };
  let negative = false;
  const first = s.charCodeAt(0);
  if (first === 45 /* - */ || first === 43 /* + */) {
    negative = first === 45;
    s = s.slice(1).trimStart();
  } else if (s.endsWith('-')) {
    negative = true;
    s = s.slice(0, -1).trimEnd();
  }
  const decimalAt = findDecimal(s, fmt);
  if (decimalAt === -2) return { ok: false, reason: `"${text}" is not a number` };
  let intPart = 0;
  let groupLen = -1; // digits since the last thousands separator; -1 before any separator
  let intDigits = 0;
  const intEnd = decimalAt === -1 ? s.length : decimalAt;
  for (let i = 0; i < intEnd; i++) {
    const c = s.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      intPart = intPart * 10 + (c - ZERO);
      intDigits++;
      if (groupLen >= 0) groupLen++;
    } else if (fmt.decimal !== 'either' && fmt.thousands !== '' && s[i] === fmt.thousands) {
      if (intDigits === 0 || (groupLen >= 0 && groupLen !== 3)) return { ok: false, reason: `"${text}" has misplaced digit grouping` };
      groupLen = 0;
    } else {
      return { ok: false, reason: `"${text}" is not a number` };
    }
  }
  if (groupLen >= 0 && groupLen !== 3) return { ok: false, reason: `"${text}" has misplaced digit grouping` };
  let frac = 0;
  let fracDigits = 0;
  if (decimalAt !== -1) {
    for (let i = decimalAt + 1; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < ZERO || c > NINE) return { ok: false, reason: `"${text}" is not a number` };
      if (fracDigits < digits) {
        frac = frac * 10 + (c - ZERO);
        fracDigits++;
      } else if (c !== ZERO) {
        return { ok: false, reason: `"${text}" has more than ${digits} decimals` };
      }
    }
    if (intDigits === 0 && s.length - decimalAt - 1 === 0) return { ok: false, reason: `"${text}" is not a number` };
  } else if (intDigits === 0) {
    return { ok: false, reason: `"${text}" is not a number` };
  }
  let minor: number;
  if (fmt.impliedMinor === true && decimalAt === -1) {
    minor = intPart;
  } else {
    while (fracDigits < digits) {
      frac *= 10;
      fracDigits++;
    }
    minor = intPart * 10 ** digits + frac;
  }
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: `"${text}" is too large` };
  return { ok: true, minor: negative && minor !== 0 ? -minor : minor };
}

/** Index of the decimal separator, -1 if none, -2 if the text is ambiguous/invalid. */
function findDecimal(s: string, fmt: NumberFormat): number {
  if (fmt.decimal === 'either') {
    const dot = s.indexOf('.');
    const comma = s.indexOf(',');
    if (dot !== -1 && comma !== -1) return -2;
    const at = dot !== -1 ? dot : comma;
    if (at !== -1 && s.indexOf(s[at] as string, at + 1) !== -1) return -2;
    return at;
  }
  const at = s.lastIndexOf(fmt.decimal);
  if (at !== -1 && s.indexOf(fmt.decimal) !== at) return -2;
  return at;
}

/**
 * Parses a measurement (weight, length) as a JS number. Measurements are not money: a float is
 * fine, but the text still has to be a well-formed decimal in the carrier's format.
 */
export function parseDecimal(text: string, fmt: NumberFormat): number | null {
  const r = parseMinor(text, explicitOf(fmt), 6);
  if (!r.ok) return null;
  return r.minor / 1e6;
}

/** `fmt` without implied minor units, made once per format (parseDecimal runs several times a row). */
const explicit = new WeakMap<NumberFormat, NumberFormat>();
function explicitOf(fmt: NumberFormat): NumberFormat {
  if (fmt.impliedMinor !== true) return fmt;
  let e = explicit.get(fmt);
  if (e === undefined) explicit.set(fmt, (e = { ...fmt, impliedMinor: false }));
  return e;
}
