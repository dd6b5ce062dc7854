/**
 * DSV's two layouts (shared/formats.md 3, 8.1, 8.5):
 *
 * - the Danish "fakturaspecifikation" CSV: one row per charge line, a consignment spans several
 *   rows, `NONE` for empty, amounts in øre (the adapter's locale);
 * - the printed invoice (an `.xls` converted to xlsx by the engine): one sheet laid out like a
 *   PDF. Every field and row is found by its label words (columns.ts), never by cell address;
 *   every line is an invoice-level charge (8.1). Its lines are held back to the sheet's end,
 *   where the total row (below them) and the header block have been read.
 */
import { defineLayout, type ColumnLabels, type FileEnd, type InvoiceDraft, type LineDraft, type Row } from '../../src/carrier-kit/index.js';
import {
  CSV_DELIMITERS,
  CSV_HEADERS,
  CSV_LABELS,
  CSV_REQUIRED,
  CSV_WEIGHT_UNIT,
  CURRENCY_CODES,
  CURRENCY_VALUE,
  EMPTY_MARKERS,
  POSITION_VALUE,
  SHEET_BRAND,
  SHEET_FIELDS,
  SHEET_REQUIRED,
  SUMMARY_ROWS,
  TABLE_HEADERS,
  TABLE_REQUIRED,
  TOTAL_LABEL,
  normalizeName,
  type CsvField,
  type SheetField,
  type SummaryKind,
  type TableColumn,
} from './columns.js';

// =============================================================================================
// Fakturaspecifikation CSV (formats.md 3b, 8.5)

interface SpecState {
  /** Consignments whose package facts (colli, weights) were taken: the export may repeat them on each row. */
  readonly described: Set<string>;
}

export const spec = defineLayout<CsvField, SpecState>({
  id: 'fakturaspecifikation',
  name: 'DSV fakturaspecifikation',
  delimiters: CSV_DELIMITERS,
  empty: EMPTY_MARKERS,
  header: { columns: CSV_HEADERS, required: CSV_REQUIRED },
  labels: CSV_LABELS,
  detect: { confidence: 0.95 },
  state: () => ({ described: new Set() }),
  toLines(r, s) {
    const currency = r.get('currency');
    // the specification states no invoice total (formats.md 8.1)
    const invoice: InvoiceDraft = { number: r.get('invoiceNumber'), date: r.get('invoiceDate'), accountNumber: r.get('customer'), currency };
    const text = r.get('chargeText');
    const amount = r.get('amount');
    // VAT_Amount is not read: VAT is a column here, not a charge line (formats.md 8.1).
    if (amount === '' && text !== '') r.issue('warning', 'missing_value', 'amount', `charge "${text}" has no amount (empty or NONE); not loaded`);
    const consignment = r.get('consignment');
    if (consignment === '') return { invoice, charges: amount === '' ? [] : [{ description: text, amount, currency, field: 'amount' }] };
    const [colli, gross, billing] = [r.get('colli'), r.get('grossWeight'), r.get('billingWeight')];
    const key = `${invoice.number}\u0000${consignment}`;
    const packageRow = (colli !== '' || gross !== '' || billing !== '') && !s.described.has(key);
    if (packageRow) s.described.add(key);
    return {
      invoice,
      shipment: {
        trackingNumber: consignment,
        packageRow,
        packageCount: packageRow ? colli : '',
        service: r.get('transport'),
        shipDate: r.get('pickupDate'),
        enteredWeight: packageRow ? gross : '',
        billedWeight: packageRow ? billing : '',
        weightUnit: packageRow && (gross !== '' || billing !== '') ? CSV_WEIGHT_UNIT : '',
        senderPostcode: r.get('shipperPostcode'),
        senderCountry: r.get('shipperCountry'),
        receiverPostcode: r.get('consigneePostcode'),
        receiverCountry: r.get('consigneeCountry'),
      },
      charges: amount === '' ? [] : [{ description: text, amount, currency, field: 'amount' }],
    };
  },
});

// =============================================================================================
// Printed invoice workbook (formats.md 8.5)

/** One non-empty cell; `endC`: the column before the next non-empty cell (a merged label's reach). */
interface Cell {
  readonly c: number;
  readonly endC: number;
  readonly text: string;
}

interface PrintedLine {
  readonly row: number;
  readonly description: string;
  readonly amount: string;
  readonly currency: string;
}

interface PrintedState {
  /** Header block (above the line table), line table, or footer (below the total row). */
  phase: 'head' | 'table' | 'done';
  brand: boolean;
  readonly fields: Map<SheetField, { label: string; value: string }>;
  /** Labels with no value beside them: their value may be in the row below, within their columns. */
  below: { field: SheetField; row: number; c: number; endC: number }[];
  /** The line table's header row and its columns. */
  table: { row: number; cells: readonly Cell[]; spans: Partial<Record<TableColumn, Cell>> } | null;
  readonly lines: PrintedLine[];
  lastItem: PrintedLine | null;
  total: { row: number; label: string; amount: string } | null;
  failed: boolean;
}

const SHEET_FIELD_NAMES = Object.keys(SHEET_FIELDS) as SheetField[];
const SHEET_ALIASES = new Map(SHEET_FIELD_NAMES.map((f) => [f, new Set<string>(SHEET_FIELDS[f].map(normalizeName))]));
const TABLE_COLUMNS = Object.keys(TABLE_HEADERS) as TableColumn[];
const TABLE_ALIASES = new Map(TABLE_COLUMNS.map((f) => [f, new Set<string>(TABLE_HEADERS[f].map(normalizeName))]));
const SUMMARY_PREFIXES = SUMMARY_ROWS.map(([k, labels]) => [k, labels.map(normalizeName)] as const);
const LETTER = /\p{L}/u;

function cellsOf(r: Row<string>): Cell[] {
  const filled: { c: number; text: string }[] = [];
  for (let c = 0; c < r.width; c++) if (r.cell(c) !== '') filled.push({ c, text: r.cell(c) });
  return filled.map((x, i) => ({ ...x, endC: (filled[i + 1]?.c ?? Number.MAX_SAFE_INTEGER) - 1 }));
}

/** `Fakturanummer / Invoice number` → its normalized parts. */
function labelParts(text: string): string[] {
  return text.split('/').map(normalizeName).filter((p) => p !== '');
}

/** A label cell, possibly with its value after a colon (`Fakturanr.: 7405120931`). */
function splitInline(text: string): { label: string; value: string } {
  const colon = text.indexOf(':');
  return colon === -1 ? { label: text, value: '' } : { label: text.slice(0, colon), value: text.slice(colon + 1).trim() };
}

/** Which of `aliases`' fields `text` names (every `/` part is compared whole). */
function named<F extends string>(text: string, aliases: ReadonlyMap<F, ReadonlySet<string>>): F | null {
  const parts = labelParts(text);
  for (const [f, names] of aliases) if (parts.some((p) => names.has(p))) return f;
  return null;
}

const fieldOf = (text: string): SheetField | null => named(splitInline(text).label, SHEET_ALIASES);

/** `part` starts with `prefix` as whole words (`moms 25%` yes, `momsfri` no). */
function startsWithWords(part: string, prefix: string): boolean {
  return part.startsWith(prefix) && (part.length === prefix.length || !LETTER.test(part.charAt(prefix.length)));
}

function summaryOf(text: string): SummaryKind | null {
  const parts = labelParts(text);
  for (const [kind, prefixes] of SUMMARY_PREFIXES) if (parts.some((p) => prefixes.some((x) => startsWithWords(p, x)))) return kind;
  return null;
}

/** The line table's column header row: names a description and an amount column. */
function tableHeaderOf(cells: readonly Cell[]): Partial<Record<TableColumn, Cell>> | null {
  const spans: Partial<Record<TableColumn, Cell>> = {};
  for (const cell of cells) {
    const col = named(cell.text, TABLE_ALIASES);
    if (col !== null) spans[col] ??= cell;
  }
  return TABLE_REQUIRED.every((f) => spans[f] !== undefined) ? spans : null;
}

/** A header-block row: values owed by labels in the row above, then this row's labels. */
function readHead(r: Row<string>, cells: readonly Cell[], s: PrintedState): void {
  if (SHEET_BRAND.test(cells.map((x) => x.text).join(' '))) s.brand = true;
  for (const b of s.below) {
    const value = r.row === b.row + 1 ? cells.find((x) => x.c >= b.c && x.c <= b.endC) : undefined;
    const got = s.fields.get(b.field);
    if (got !== undefined && value !== undefined && fieldOf(value.text) === null) got.value = value.text;
  }
  s.below = [];
  cells.forEach((cell, i) => {
    const f = fieldOf(cell.text);
    if (f === null || s.fields.has(f)) return;
    // the value after a colon, else the next cell to the right unless that is another label,
    // else the cell below (next row)
    let value = splitInline(cell.text).value;
    const right = cells[i + 1];
    if (value === '' && right !== undefined && fieldOf(right.text) === null) value = right.text;
    if (value === '') s.below.push({ field: f, row: r.row, c: cell.c, endC: cell.endC });
    s.fields.set(f, { label: splitInline(cell.text).label.trim(), value });
  });
}

/** A line-table row: a line item, the VAT line, a subtotal, a summary, the total, or commentary. */
function readTableRow(r: Row<string>, s: PrintedState): void {
  const { cells: headerCells, spans } = s.table as NonNullable<PrintedState['table']>;
  const cells = cellsOf(r);
  const amountCol = spans.amount as Cell;
  const within = (cell: Cell, span: Cell | undefined): boolean => span !== undefined && cell.c >= span.c && cell.c <= span.endC;
  let amountCell = cells.find((x) => within(x, amountCol));
  const last = cells[cells.length - 1];
  if (amountCell === undefined && last !== undefined && last.c > amountCol.endC) amountCell = last;
  const currencyCell = cells.find((x) => x !== amountCell && within(x, spans.currency) && CURRENCY_VALUE.test(x.text));
  const posCell = cells.find((x) => x !== amountCell && within(x, spans.position) && POSITION_VALUE.test(x.text));
  const labelCells = cells.filter((x) => x !== amountCell && x !== currencyCell && x !== posCell);
  // Summary labels may sit anywhere left of the amount; a description is what lies before the
  // next column header (a quantity or unit-price column some layouts add is not part of it).
  const descriptionEnd = (spans.description as Cell).c;
  const nextHeader = Math.min(...headerCells.filter((x) => x.c > descriptionEnd).map((x) => x.c), Number.MAX_SAFE_INTEGER);
  const text = labelCells.map((x) => x.text).join(' ');
  const descriptionText = labelCells.filter((x) => x.c < nextHeader).map((x) => x.text).join(' ');
  const amount = amountCell?.text ?? '';
  const kind = summaryOf(text);
  if (kind === 'subtotal') {
    // Repeats the item above (formats.md 8.5): never a charge. Say so if it does not.
    const item = s.lastItem;
    if (item === null || item.amount !== amount) {
      r.issue('warning', 'inconsistent_value', amountCol.text, item === null ? `subtotal ${amount} follows no line item; ignored` : `subtotal ${amount} does not repeat the line above (${item.amount}, row ${item.row}); the line is loaded, the subtotal is not`);
    }
    s.lastItem = null;
    return;
  }
  if (posCell === undefined && kind === 'net') return; // `I alt ekskl. moms`: a summary
  if (posCell === undefined && kind === 'total') {
    s.total = { row: r.row, label: text, amount };
    s.phase = 'done';
    if (amount === '') {
      r.issue('error', 'missing_value', text, 'the total row has no amount');
      s.failed = true;
    }
    return;
  }
  if (amount === '') return; // commentary (a reference, a route) under an item
  const line = { row: r.row, description: kind === 'vat' || descriptionText === '' ? text : descriptionText, amount, currency: currencyCell?.text ?? '' };
  s.lines.push(line);
  // The VAT line (`Moms 25%`) is a charge like the items (formats.md 8.1); no subtotal follows it.
  s.lastItem = posCell === undefined && kind === 'vat' ? null : line;
}

/** `I alt DKK / Total DKK` → `DKK`. */
function currencyIn(label: string): string {
  return label.toUpperCase().split(/[^A-Z]+/).find((w) => CURRENCY_CODES.has(w)) ?? '';
}

/** At the sheet's end: the invoice, once its header block and total row have been read. */
function printedLines(s: PrintedState, file: FileEnd): LineDraft[] | null {
  for (const f of SHEET_REQUIRED) {
    const got = s.fields.get(f);
    if (got === undefined || got.value === '') {
      const name = got?.label ?? SHEET_FIELDS[f].join(' / ');
      file.issue('error', 'missing_value', name, got === undefined ? `no "${name}" label above the line table` : `"${name}" has no value`);
      s.failed = true;
    }
  }
  const total = s.total;
  const table = s.table;
  if (total === null) {
    file.issue('error', 'missing_value', TOTAL_LABEL, 'no "I alt DKK / Total DKK" row below the line items: the printed invoice is incomplete (a page missing?), so its lines cannot be trusted');
    return null;
  }
  if (s.failed || table === null) return null;
  const value = (f: SheetField): string => s.fields.get(f)?.value ?? '';
  const label = (f: SheetField): string => s.fields.get(f)?.label ?? SHEET_FIELDS[f][0];
  const invoice: InvoiceDraft = {
    number: value('invoiceNumber'),
    date: value('invoiceDate'),
    accountNumber: value('accountNumber'),
    currency: value('currency') || currencyIn(total.label) || (s.lines[0]?.currency ?? ''),
    statedTotal: total.amount,
  };
  const description = (table.spans.description as Cell).text;
  const amountColumn = (table.spans.amount as Cell).text;
  // The printed invoice has no shipments (formats.md 8.1): those labels only name a related column.
  const columns: ColumnLabels = {
    invoiceNumber: label('invoiceNumber'),
    invoiceDate: label('invoiceDate'),
    accountNumber: label('accountNumber'),
    currency: label('currency'),
    statedTotal: total.label,
    trackingNumber: description,
    shipDate: description,
    packageCount: description,
    enteredWeight: description,
    billedWeight: description,
    dimensions: description,
    volumetricWeight: description,
    incentive: amountColumn,
    description,
  };
  return s.lines.map((l) => ({ row: l.row, invoice, labels: columns, charges: [{ description: l.description, amount: l.amount, currency: l.currency, column: amountColumn }] }));
}

export const printed = defineLayout<string, PrintedState>({
  id: 'printed-invoice',
  name: 'DSV printed invoice',
  kind: 'workbook',
  // numbers in a workbook are cell values as decimal text with `.` (never øre, never grouped)
  locale: { number: { decimal: '.', thousands: '' } },
  // The line table's header row is the first the kit hands on: it scores the sheet by what was
  // read above it (an invoice number label, the DSV name). Parse needs only the table.
  detect: { confidence: 0.95, signature: (_r, s) => (s.fields.has('invoiceNumber') ? (s.brand ? 1 : 0.9 / 0.95) : 0.3 / 0.95), accept: 0 },
  state: () => ({ phase: 'head', brand: false, fields: new Map(), below: [], table: null, lines: [], lastItem: null, total: null, failed: false }),
  rowKind(r, s) {
    if (s.phase === 'done') return 'skip'; // footer text below the total row
    const cells = cellsOf(r);
    const spans = tableHeaderOf(cells);
    if (s.phase === 'table') return spans === null ? 'data' : 'skip'; // the header repeated on a new page
    if (spans === null) {
      readHead(r, cells, s);
      return 'skip';
    }
    // labels still owed a value get none from the table's column names
    readHead(r, [], s);
    s.table = { row: r.row, cells, spans };
    s.phase = 'table';
    return 'data';
  },
  toLines(r, s) {
    if (r.row !== s.table?.row) readTableRow(r, s);
    return null;
  },
  end: (s, file) => (s.table === null ? null : printedLines(s, file)),
});
