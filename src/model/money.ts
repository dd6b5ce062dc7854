/**
 * Money rules, in one place (design.md habit 7). Amounts are integers in the currency's minor
 * unit; the number of minor digits follows ISO 4217. Nothing here ever goes through a float.
 */

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

/** Formats minor units as a decimal string (`-1234` EUR → `-12.34`), exactly. */
export function formatMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor).toString().padStart(digits + 1, '0');
  if (digits === 0) return sign + abs;
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}
