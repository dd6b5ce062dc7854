/** Rewrites a UPS fixture field by field (to make corrected, mismatched or broken variants). */
import fs from 'node:fs';
import { CsvReader } from '../../src/parsing/csv.js';

function quote(v: string, d: string): string {
  return v.includes(d) || v.includes('"') || v.includes('\n') ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Reads `src` (Latin-1 safe: bytes map 1:1), lets `edit` change fields of each row, writes `dest`. */
export function rewriteCsv(src: string, dest: string, delimiter: string, edit: (fields: string[], index: number) => void): void {
  const text = fs.readFileSync(src).toString('latin1');
  const reader = new CsvReader(delimiter);
  const records = [...reader.push(text), ...reader.end().records];
  const lines = records.map((r, i) => {
    const f = [...r.fields];
    edit(f, i);
    return f.map((v) => quote(v, delimiter)).join(delimiter);
  });
  fs.writeFileSync(dest, Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1'));
}

/** Adds `cents` to a dot-decimal amount text. */
export function addCents(amount: string, cents: number): string {
  const [i = '0', f = '00'] = amount.split('.');
  const neg = i.startsWith('-');
  let v = Math.abs(Number(i)) * 100 + Number(f.padEnd(2, '0'));
  if (neg) v = -v;
  v += cents;
  const s = Math.abs(v).toString().padStart(3, '0');
  return `${v < 0 ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}
