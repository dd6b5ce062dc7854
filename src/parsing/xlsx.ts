/**
 * Workbooks → grids of cell text. Numbers become their shortest exact decimal text (a numeric
 * invoice number 7405120931 stays `7405120931`, never `7405120931.0` or `7.4e9`), date cells
 * become `YYYY-MM-DD`, so carriers read a workbook the same way they read a CSV: as strings.
 * Merged ranges are reported, not filled in: a label merged over five columns is one cell.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as SheetJS from 'xlsx';

// SheetJS (~11 MB in memory) is loaded on first use: most runs read no workbook.
const require = createRequire(import.meta.url);
let sheetjs: typeof SheetJS | undefined;
function xlsx(): typeof SheetJS {
  sheetjs ??= require('xlsx') as typeof SheetJS;
  return sheetjs;
}

export interface CellRange {
  readonly s: { readonly r: number; readonly c: number };
  readonly e: { readonly r: number; readonly c: number };
}

export interface SheetGrid {
  readonly name: string;
  /** rows[r][c]: text of the cell at 0-based row r, column c ('' when empty). Row r is sheet row r + 1. */
  readonly rows: readonly (readonly string[])[];
  readonly merges: readonly CellRange[];
}

function cellText(cell: SheetJS.CellObject | undefined): string {
  const XLSX = xlsx();
  if (cell === undefined || cell.v === undefined || cell.v === null) return '';
  switch (cell.t) {
    case 'n': {
      const v = cell.v as number;
      if (cell.z !== undefined && XLSX.SSF.is_date(cell.z)) {
        const d = XLSX.SSF.parse_date_code(v);
        if (d) return `${String(d.y).padStart(4, '0')}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
      }
      return String(v);
    }
    case 'd': {
      const d = cell.v as Date;
      return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
    }
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'e':
      return '';
    default:
      return String(cell.v).trim();
  }
}

/** Reads every sheet of the workbook at `path` (xlsx, or anything SheetJS reads). */
export function readWorkbookFile(path: string): SheetGrid[] {
  const XLSX = xlsx();
  // XLSX.read on the bytes: SheetJS's ESM build has no file system access of its own
  const wb = XLSX.read(fs.readFileSync(path), { type: 'buffer', cellDates: false, cellNF: true, dense: false });
  return wb.SheetNames.map((name) => {
    const ws = wb.Sheets[name] as SheetJS.WorkSheet;
    const ref = ws['!ref'];
    const rows: string[][] = [];
    if (ref !== undefined) {
      const range = XLSX.utils.decode_range(ref);
      for (let r = 0; r <= range.e.r; r++) {
        const row: string[] = [];
        for (let c = 0; c <= range.e.c; c++) row.push(cellText(ws[XLSX.utils.encode_cell({ r, c })] as SheetJS.CellObject | undefined));
        rows.push(row);
      }
    }
    return { name, rows, merges: (ws['!merges'] ?? []).map((m) => ({ s: { ...m.s }, e: { ...m.e } })) };
  });
}

/** The first rows of the first sheet as tab-separated text (what detection looks at). */
export function workbookHead(sheets: readonly SheetGrid[], maxRows = 60): string {
  const first = sheets[0];
  if (first === undefined) return '';
  return first.rows
    .slice(0, maxRows)
    .map((r) => r.join('\t'))
    .join('\n');
}
