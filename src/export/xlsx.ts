/**
 * XLSX through SheetJS, one sheet named after the view, a header row with an autofilter.
 *
 * - Text (identifiers included) is a string cell (`t: 's'`, in the shared-strings table), so
 *   `000083475766` keeps its zeros and a tracking number never becomes `1.23E+17`.
 * - Money is a number cell formatted with the currency's digits (`0.00`; `0` for JPY or VND,
 *   `0.000` for KWD), so sums and pivots work; the value is the exact decimal's nearest double.
 * - Dates are real date cells: the Excel serial day number with the `yyyy-mm-dd` format, computed
 *   from the ISO text in UTC, so no time zone can shift a day; spreadsheets filter and group them
 *   by month.
 * - Booleans are boolean cells; NULL is an empty cell.
 *
 * The workbook is built in memory (SheetJS writes whole files), so an XLSX export is limited to
 * the format's 1,048,576 rows; CSV has no limit and streams.
 */
import * as XLSX from 'xlsx';
import { UsageError } from '../errors.js';
import type { Cell } from './cells.js';

/** Rows in a worksheet, header included (the XLSX format's limit). */
export const XLSX_MAX_ROWS = 1_048_576;

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** Excel serial day number of an ISO date (1900 date system; right for every date after 1900-02-28). */
export function excelSerial(iso: string): number {
  const [y = 0, m = 1, d = 1] = iso.split('-').map(Number);
  return (Date.UTC(y, m - 1, d) - EXCEL_EPOCH) / 86_400_000;
}

function decimalFormat(scale: number): string {
  return scale === 0 ? '0' : `0.${'0'.repeat(scale)}`;
}

/** The SheetJS cell for `cell`; undefined for NULL (no cell). */
export function xlsxCell(cell: Cell): XLSX.CellObject | undefined {
  if (cell === null) return undefined;
  switch (cell.type) {
    case 'text':
      return { t: 's', v: cell.value };
    case 'decimal':
      return { t: 'n', v: Number(cell.value), z: decimalFormat(cell.scale) };
    case 'integer':
    case 'number':
      return { t: 'n', v: cell.value };
    case 'date':
      return { t: 'n', v: excelSerial(cell.value), z: 'yyyy-mm-dd' };
    case 'boolean':
      return { t: 'b', v: cell.value };
  }
}

/** Collects rows into a dense worksheet, then writes the workbook. */
export class XlsxSheetBuilder {
  private readonly rows: XLSX.CellObject[][] = [];
  private width = 0;

  constructor(private readonly sheetName: string) {}

  get rowCount(): number {
    return this.rows.length;
  }

  addRow(cells: readonly Cell[]): void {
    if (this.rows.length >= XLSX_MAX_ROWS) {
      throw new UsageError(`${this.sheetName} has more than ${XLSX_MAX_ROWS - 1} rows, the most an XLSX sheet holds; export it with --format csv`);
    }
    const row: XLSX.CellObject[] = [];
    cells.forEach((c, i) => {
      const x = xlsxCell(c);
      if (x !== undefined) row[i] = x;
    });
    this.rows.push(row);
    this.width = Math.max(this.width, cells.length);
  }

  /** The .xlsx file's bytes. */
  toBuffer(): Buffer {
    const ref = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(0, this.rows.length - 1), c: Math.max(0, this.width - 1) } });
    const ws: XLSX.WorkSheet = { '!data': this.rows, '!ref': ref };
    if (this.rows.length > 0 && this.width > 0) ws['!autofilter'] = { ref };
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, this.sheetName.slice(0, 31));
    // bookSST: strings go to the shared-strings table as real `t="s"` cells (without it SheetJS
    // writes `t="str"`, the type of a formula's cached result).
    const out: unknown = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', bookSST: true, compression: true });
    if (!Buffer.isBuffer(out)) throw new Error('SheetJS did not return a Buffer');
    return out;
  }
}
