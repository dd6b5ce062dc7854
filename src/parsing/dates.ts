/**
 * Carrier date text → ISO `YYYY-MM-DD`. Formats are data (declared in each carrier's locale),
 * tried in order; the first that matches a real calendar date wins.
 */
export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'YYYYMMDD',
  'DD/MM/YYYY',
  'DD.MM.YYYY',
  'DD-MM-YYYY',
  'M/D/YY',
  'M/D/YYYY',
  'DD MMM YYYY',
] as const;

export type DateFormat = (typeof DATE_FORMATS)[number];

const PATTERNS: Readonly<Record<DateFormat, { re: RegExp; y: number; m: number; d: number }>> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{2})-(\d{2})$/, y: 1, m: 2, d: 3 },
  YYYYMMDD: { re: /^(\d{4})(\d{2})(\d{2})$/, y: 1, m: 2, d: 3 },
  'DD/MM/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 2, d: 1 },
  'DD.MM.YYYY': { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, y: 3, m: 2, d: 1 },
  'DD-MM-YYYY': { re: /^(\d{1,2})-(\d{1,2})-(\d{4})$/, y: 3, m: 2, d: 1 },
  'M/D/YY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{2})$/, y: 3, m: 1, d: 2 },
  'M/D/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 1, d: 2 },
  'DD MMM YYYY': { re: /^(\d{1,2}) ([A-Za-z]{3}) (\d{4})$/, y: 3, m: 2, d: 1 },
};

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** ISO date for `text` in the first matching format, or null when none gives a real date. */
export function parseDate(text: string, formats: readonly DateFormat[]): string | null {
  const s = text.trim();
  for (const f of formats) {
    const p = PATTERNS[f];
    const m = p.re.exec(s);
    if (m === null) continue;
    let year = Number(m[p.y]);
    if (f === 'M/D/YY') year += 2000;
    const monthText = m[p.m] as string;
    const month = f === 'DD MMM YYYY' ? (MONTHS[monthText.toLowerCase()] ?? 0) : Number(monthText);
    const day = Number(m[p.d]);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || year < 1900) continue;
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }
  return null;
}

/**
 * parseDate with a memo: an invoice file repeats a handful of dates on every row, so the regex
 * work is done once per distinct text. Bounded so a file of all-different dates stays small.
 */
export function createDateParser(formats: readonly DateFormat[], maxEntries = 4096): (text: string) => string | null {
  const memo = new Map<string, string | null>();
  return (text) => {
    const hit = memo.get(text);
    if (hit !== undefined || memo.has(text)) return hit ?? null;
    const v = parseDate(text, formats);
    if (memo.size >= maxEntries) memo.clear();
    memo.set(text, v);
    return v;
  };
}
