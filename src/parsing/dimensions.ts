import { parseDecimal, type NumberFormat } from './amounts.js';

export interface Dimensions {
  readonly length: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Splits dimension text such as UPS's `12.0x 9.0x 7.0` or the right-aligned `24.0X 12.0X  8.0`
 * (formats.md 1c pos 33) into numbers. Accepts `x`, `X` or `*` between values and any spaces.
 * Returns null for text that is not three positive-or-zero numbers.
 */
export function parseDimensions(text: string, fmt: NumberFormat): Dimensions | null {
  const parts = text.split(/\s*[xX*×]\s*/);
  if (parts.length !== 3) return null;
  const [l, w, h] = parts.map((p) => parseDecimal(p, fmt));
  if (l == null || w == null || h == null || l < 0 || w < 0 || h < 0) return null;
  return { length: l, width: w, height: h };
}
