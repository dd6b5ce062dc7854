/**
 * Integer arithmetic and formatting of minor units, with no imports: money.ts builds on it, and
 * the report page inlines this very module (src/report/client-script.ts), so the server and the
 * browser format amounts with the same code.
 */

/** `minor` as a decimal with `digits` digits after the point (`-1234`, 2 → `-12.34`), exactly (bigint too). */
export function formatMinorDigits(minor: number | bigint, digits: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = (typeof minor === 'bigint' ? (minor < 0n ? -minor : minor) : Math.abs(minor)).toString().padStart(digits + 1, '0');
  if (digits === 0) return sign + abs;
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/** A decimal with thousands separators in its integer part (`-1234567.50` → `-1,234,567.50`). */
export function groupThousands(decimal: string): string {
  const dot = decimal.indexOf('.');
  const whole = dot < 0 ? decimal : decimal.slice(0, dot);
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (dot < 0 ? '' : decimal.slice(dot));
}

/** `n / d` for integers, rounded half away from zero (an average of minor units). */
export function divideRounded(n: number, d: number): number {
  const q = Math.trunc(n / d);
  const r = n - q * d;
  if (Math.abs(r) * 2 >= Math.abs(d)) return q + Math.sign(n) * Math.sign(d);
  return q;
}
