/**
 * Workbooks → grids of cell text. Numbers become their shortest exact decimal text (a numeric
 * invoice number 7405120931 stays `7405120931`, never `7405120931.0` or `7.4e9`), date cells
 * become `YYYY-MM-DD`, so carriers read a workbook the same way they read a CSV: as strings.
 * Merged ranges are reported, not filled in: a label merged over five columns is one cell.
 * The grid spans the cells that exist (from A1 to the last row and column holding a cell), never
 * the range a sheet declares, and reading is bounded (WORKBOOK_LIMITS).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
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

/**
 * Limits on reading one workbook. Invoice workbooks are small (a DSV printed invoice has tens
 * of rows), while a hostile or broken file can
 * declare a 17-billion-cell range in 1.5 KB or inflate a 10 MB zip to gigabytes. Past a limit the
 * file is quarantined (`workbook_limit`), never read: the run goes on with the next file.
 */
export interface WorkbookLimits {
  /** Rows per sheet, counted to the last row holding a cell. */
  readonly maxRows: number;
  /** Columns per sheet, counted to the last column holding a cell (UPS's widest layout has 250). */
  readonly maxColumns: number;
  /** Rows × columns of the used area of one sheet: what the grid of cell text holds. */
  readonly maxCells: number;
  /** Sum of the uncompressed sizes of the zip's entries (sheet XML, shared strings...). */
  readonly maxUnzippedBytes: number;
  /** V8 heap of the worker that reads the workbook (readWorkbookBounded). */
  readonly maxHeapMb: number;
  /** Time to read one workbook (readWorkbookBounded). */
  readonly timeoutMs: number;
}

/**
 * 100k rows and 1M cells leave room for large exports far beyond a printed invoice; reading a
 * 1M-cell sheet (37 MB of sheet XML) took 6.5 s and 310 MB RSS here, so 128 MiB unzipped, a
 * 768 MB heap and 120 s leave room for slow machines while bounding what one file can cost.
 */
export const WORKBOOK_LIMITS: WorkbookLimits = {
  maxRows: 100_000,
  maxColumns: 1_024,
  maxCells: 1_000_000,
  maxUnzippedBytes: 128 * 1024 * 1024,
  maxHeapMb: 768,
  timeoutMs: 120_000,
};

export type WorkbookLimitKind = 'rows' | 'columns' | 'cells' | 'unzipped' | 'memory' | 'time';

/** A workbook past one of WORKBOOK_LIMITS: the message says which limit and the numbers. */
export class WorkbookLimitError extends Error {
  constructor(
    readonly limits: readonly WorkbookLimitKind[],
    message: string,
  ) {
    super(message);
    this.name = 'WorkbookLimitError';
  }
}

const n = (x: number): string => x.toLocaleString('en-US');
const mib = (x: number): string => `${n(Math.ceil(x / (1024 * 1024)))} MiB`;

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Checks a zip (xlsx) against the unzipped-size budget before SheetJS inflates anything: the
 * central directory declares every entry's size, and each deflated entry is inflated once with
 * zlib's maxOutputLength set to its declared size, so an entry that lies about its size fails
 * here after at most that many bytes instead of filling memory. Not a zip: nothing to check.
 */
function checkZipBudget(buf: Buffer, maxBytes: number): void {
  if (buf.length < 22 || buf.readUInt32LE(0) !== LOCAL) return;
  let eocd = -1;
  // the end record is in the last 64 KiB + 22 bytes (its comment is at most 64 KiB)
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) return; // not a readable zip: SheetJS says so
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const tooBig = (declared: string): WorkbookLimitError =>
    new WorkbookLimitError(['unzipped'], `the workbook unzips to ${declared}; the limit is ${mib(maxBytes)} (a zip bomb, or far larger than any invoice)`);
  if (entries === 0xffff || at === 0xffffffff) throw tooBig('more than 4 GiB (a ZIP64 archive)');
  let total = 0;
  for (let e = 0; e < entries; e++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL) return;
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    if (size === 0xffffffff) throw tooBig('more than 4 GiB (a ZIP64 entry)');
    total += size;
    if (total > maxBytes) throw tooBig(`at least ${mib(total)}`);
    if (method === 8 && local + 30 <= buf.length && buf.readUInt32LE(local) === LOCAL) {
      const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      try {
        zlib.inflateRawSync(buf.subarray(dataAt, dataAt + compressed), { maxOutputLength: Math.max(size, 1) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          const name = buf.toString('latin1', at + 46, at + 46 + nameLen);
          throw new WorkbookLimitError(['unzipped'], `${name} inside the workbook unzips to more than the ${n(size)} bytes its zip directory declares (a zip bomb)`);
        }
        // corrupt data: SheetJS reports it; the other entries are still checked
      }
    }
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
}

type DenseSheet = SheetJS.WorkSheet & { '!data'?: (SheetJS.CellObject | undefined)[][] };

/** The grid of a dense sheet, reading only cells that exist; throws past the row/column/cell limits. */
function gridOf(name: string, ws: DenseSheet, limits: WorkbookLimits): string[][] {
  const data = ws['!data'] ?? [];
  // data.length is the last row holding a cell + 1, whatever range the sheet declares; a row's
  // length likewise. Both are checked before anything is iterated, so holes cost nothing.
  const height = data.length;
  let width = data[height - 1]?.length ?? 0;
  let widest = height - 1;
  for (let r = 0; r < Math.min(height, limits.maxRows + 1); r++) {
    const len = data[r]?.length ?? 0;
    if (len > width) {
      width = len;
      widest = r;
    }
  }
  const over: WorkbookLimitKind[] = [];
  if (height > limits.maxRows) over.push('rows');
  if (width > limits.maxColumns) over.push('columns');
  if (height * width > limits.maxCells) over.push('cells');
  if (over.length > 0) {
    const XLSX = xlsx();
    const last = height > limits.maxRows ? height - 1 : widest;
    const lastCol = Math.max(0, (data[last]?.length ?? 1) - 1);
    const names = over.map((k) => (k === 'rows' ? `row limit (${n(limits.maxRows)})` : k === 'columns' ? `column limit (${n(limits.maxColumns)})` : `cell limit (${n(limits.maxCells)})`));
    const which = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    throw new WorkbookLimitError(
      over,
      `sheet "${name}" has cells as far as row ${n(height)} and column ${XLSX.utils.encode_col(width - 1)} (${n(width)}), e.g. ${XLSX.utils.encode_cell({ r: last, c: lastCol })}: ${n(height)} rows × ${n(width)} columns = ${n(height * width)} cells, past the per-sheet ${which}`,
    );
  }
  const rows: string[][] = [];
  for (let r = 0; r < height; r++) {
    const src = data[r];
    const row: string[] = new Array<string>(width).fill('');
    if (src !== undefined) for (let c = 0; c < src.length; c++) row[c] = cellText(src[c]);
    rows.push(row);
  }
  return rows;
}

/**
 * Reads every sheet of the workbook at `path` (xlsx, or anything SheetJS reads) within `limits`
 * (rows, columns, cells, unzipped bytes; readWorkbookBounded adds time and memory), reading only
 * the cells that exist: the range a sheet declares is ignored. Throws WorkbookLimitError past a
 * limit, another Error when the file is not a readable workbook.
 */
export function readWorkbookFile(path: string, limits: WorkbookLimits = WORKBOOK_LIMITS): SheetGrid[] {
  const XLSX = xlsx();
  const bytes = fs.readFileSync(path);
  checkZipBudget(bytes, limits.maxUnzippedBytes);
  // XLSX.read on the bytes: SheetJS's ESM build has no file system access of its own. Dense mode
  // stores cells as rows of arrays, so a declared A1:XFD1048576 costs nothing until a cell exists.
  const wb = XLSX.read(bytes, { type: 'buffer', cellDates: false, cellNF: true, dense: true });
  return wb.SheetNames.map((name) => {
    const ws = wb.Sheets[name] as DenseSheet;
    return { name, rows: gridOf(name, ws, limits), merges: (ws['!merges'] ?? []).map((m) => ({ s: { ...m.s }, e: { ...m.e } })) };
  });
}

/** What the worker posts back: plain arrays, so the structured clone stays cheap. */
type WorkerReply = { readonly ok: true; readonly sheets: SheetGrid[] } | { readonly ok: false; readonly limits: WorkbookLimitKind[] | null; readonly message: string };

/**
 * readWorkbookFile in a worker thread with a heap limit and a timeout: whatever a file holds,
 * reading it costs at most `limits.maxHeapMb` of heap and `limits.timeoutMs`, and the worker is
 * terminated past either (WorkbookLimitError 'memory' / 'time'), leaving this process unharmed.
 */
export function readWorkbookBounded(path: string, limits: WorkbookLimits = WORKBOOK_LIMITS): Promise<SheetGrid[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./xlsx-worker.js', import.meta.url), {
      workerData: { path, limits },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => {
      settle(() => reject(new WorkbookLimitError(['time'], `reading the workbook took longer than the limit of ${n(Math.round(limits.timeoutMs / 1000))} s and was stopped`)));
    }, limits.timeoutMs);
    worker.on('message', (reply: WorkerReply) => {
      settle(() => {
        if (reply.ok) resolve(reply.sheets);
        else reject(reply.limits !== null ? new WorkbookLimitError(reply.limits, reply.message) : new Error(reply.message));
      });
    });
    worker.on('error', (err: Error & { code?: string }) => {
      settle(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new WorkbookLimitError(['memory'], `reading the workbook needed more than the limit of ${n(limits.maxHeapMb)} MB of memory and was stopped`)
            : err,
        ),
      );
    });
    worker.on('exit', (code) => settle(() => reject(new Error(`the workbook reader stopped unexpectedly (exit code ${code})`))));
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
