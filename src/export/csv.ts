/**
 * CSV per RFC 4180: comma-separated, CRLF line ends, fields quoted only when they contain a
 * comma, a quote, CR or LF (quotes doubled), a header row of column names. UTF-8 with a BOM: without
 * it Excel decodes a double-clicked CSV in the system's ANSI code page and shows "Ã¦" for "æ";
 * every other reader we target (LibreOffice, pandas with utf-8-sig, PostgreSQL COPY with
 * encoding, our own CsvReader) accepts or strips the BOM.
 *
 * Decimals are written exactly (`12.30`), dates as `YYYY-MM-DD`, booleans as `true`/`false`,
 * NULL as an empty field. Identifiers are written as they are (`000083475766`); CSV carries no
 * types, so a spreadsheet that guesses types may still drop leading zeros: use XLSX for Excel.
 */
import fs from 'node:fs';
import type { Cell } from './cells.js';

export const CSV_BOM = '\uFEFF';
const NEEDS_QUOTES = /[",\r\n]/;

/** One field's text. Text cells arrive already neutralized against formula injection. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  switch (cell.type) {
    case 'text':
      return NEEDS_QUOTES.test(cell.value) ? `"${cell.value.replaceAll('"', '""')}"` : cell.value;
    case 'decimal':
    case 'date':
      return cell.value;
    case 'integer':
    case 'number':
      return String(cell.value);
    case 'boolean':
      return cell.value ? 'true' : 'false';
  }
}

/** One record, with its CRLF. */
export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** Buffers lines and writes them to `fd` in ~1 MiB blocks: memory stays flat however many rows. */
export class CsvFileWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly fd: number) {
    this.push(CSV_BOM);
  }

  writeRow(cells: readonly Cell[]): void {
    this.push(csvLine(cells));
  }

  /** Writes what is buffered; call once at the end. */
  flush(): void {
    if (this.parts.length === 0) return;
    fs.writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  private push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) this.flush();
  }
}
