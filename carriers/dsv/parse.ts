/**
 * DSV files → raw lines (shared/formats.md 3, 8.1, 8.5). Two layouts:
 *
 * - the Danish "fakturaspecifikation" CSV (text input): one row per charge line, a consignment
 *   spans several rows, `NONE` for empty, amounts in øre (the adapter's locale);
 * - the printed invoice (workbook input, an `.xls` converted to xlsx by the engine): one sheet
 *   laid out like a PDF. Every field and row is found by its label words (columns.ts), never by
 *   cell address; every line is an invoice-level charge (8.1).
 *
 * Pure: values are passed on exactly as written; `clean` interprets them.
 */
import {
  issue,
  readCsv,
  readWorkbook,
  sniffInputDelimiter,
  type CarrierLocale,
  type CellRange,
  type ColumnLabels,
  type CsvRecord,
  type FileSample,
  type Issue,
  type ParseBatch,
  type ParseInput,
  type RawCharge,
  type RawInvoice,
  type RawLine,
  type RawShipment,
  type SheetGrid,
  indexHeader,
  missingFields,
} from '../../src/carrier-kit/index.js';
import {
  CSV_DELIMITERS,
  CSV_HEADERS,
  CSV_REQUIRED,
  CSV_WEIGHT_UNIT,
  CURRENCY_CODES,
  EMPTY_MARKERS,
  normalizeName,
  CURRENCY_VALUE,
  POSITION_VALUE,
  SHEET_BRAND,
  SHEET_FIELDS,
  SHEET_REQUIRED,
  SUMMARY_ROWS,
  TABLE_HEADERS,
  TABLE_REQUIRED,
  TOTAL_LABEL,
  type CsvField,
  type SheetField,
  type SummaryKind,
  type TableColumn,
} from './columns.js';

/** How sure we are that `sample` is a DSV file (either layout). */
export function detectDsv(sample: FileSample): number {
  return sample.kind === 'workbook' ? detectSheet(sample.head) : detectCsv(sample.head);
}

/** Streams a DSV file: the printed invoice for workbook inputs, the specification CSV otherwise. */
export async function* parseDsv(input: ParseInput): AsyncIterable<ParseBatch> {
  if (input.kind === 'workbook') yield await parseWorkbook(input);
  else yield* parseCsv(input);
}

// =============================================================================================
// Fakturaspecifikation CSV (formats.md 3b, 8.5)

type CsvIndex = Partial<Record<CsvField, number>>;

/** Finds each field's column by its header name (the order varies between exports). */
export function resolveCsvHeader(names: readonly string[]): CsvIndex {
  return indexHeader(names, CSV_HEADERS, normalizeName);
}

function missingCsvFields(index: CsvIndex): CsvField[] {
  return missingFields(index, CSV_REQUIRED);
}

function detectCsv(head: string): number {
  const delimiter = sniffInputDelimiter({ head }, CSV_DELIMITERS);
  if (delimiter === null) return 0;
  const firstLine = (head.split('\n', 1)[0] ?? '').replace(/\r$/, '');
  const names = firstLine.split(delimiter).map((f) => f.replace(/^"|"$/g, ''));
  return missingCsvFields(resolveCsvHeader(names)).length === 0 ? 0.95 : 0;
}

interface CsvHeader {
  readonly index: CsvIndex;
  readonly width: number;
  readonly columns: ColumnLabels;
  /** The amount column's name as the file writes it. */
  readonly amount: string;
}

async function* parseCsv(input: ParseInput): AsyncIterable<ParseBatch> {
  const file = input.file;
  const delimiter = sniffInputDelimiter(input, CSV_DELIMITERS);
  if (delimiter === null) {
    yield { lines: [], issues: [issue('error', 'wrong_format', { file, row: 1 }, 'no semicolon found; a DSV fakturaspecifikation is semicolon-separated')] };
    return;
  }
  let header: CsvHeader | null = null;
  let previousWidth = 0;
  // Consignments whose package facts (colli, weights) were taken already: a consignment spans
  // several rows and the export may repeat its facts on each of them.
  const described = new Set<string>();
  for await (const batch of readCsv(input, delimiter)) {
    const lines: RawLine[] = [];
    const issues: Issue[] = [];
    const records = batch.records;
    for (let r = 0; r < records.length; r++) {
      const rec = records[r] as CsvRecord;
      if (header === null) {
        const index = resolveCsvHeader(rec.fields);
        const absent = missingCsvFields(index);
        if (absent.length > 0) {
          const wanted = absent.map((f) => `"${CSV_HEADERS[f][0]}"`).join(', ');
          issues.push(issue('error', 'wrong_format', { file, row: rec.row }, `the header row has no column ${wanted}; this is not a DSV fakturaspecifikation`));
          yield { lines, issues };
          return;
        }
        header = csvHeader(index, rec.fields, rec.width);
        previousWidth = rec.width;
        continue;
      }
      const isLast = batch.end !== undefined && r === records.length - 1;
      if (isLast && batch.end?.endedWithoutNewline === true && rec.width < previousWidth) {
        issues.push(issue('error', 'truncated', { file, row: rec.row }, `the file ends in the middle of this row (${rec.width} of ${previousWidth} fields); it was cut off during download or copy`));
        continue;
      }
      if (rec.width !== header.width) {
        issues.push(issue('error', 'column_count', { file, row: rec.row }, `has ${rec.width} fields; the header row has ${header.width}`));
        continue;
      }
      previousWidth = rec.width;
      lines.push(csvLine(rec, header, described, file, issues));
    }
    if (batch.end?.unterminatedQuoteRow != null) {
      issues.push(issue('error', 'unterminated_quote', { file, row: batch.end.unterminatedQuoteRow }, 'a quoted field is never closed; the file is cut off or malformed'));
    }
    yield { lines, issues };
  }
}

function csvHeader(index: CsvIndex, names: readonly string[], width: number): CsvHeader {
  const name = (f: CsvField): string => {
    const at = index[f];
    return at === undefined ? CSV_HEADERS[f][0] : (names[at] ?? '').replace(/^\uFEFF/, '').trim();
  };
  return {
    index,
    width,
    // The file states no invoice total and no dimensions: those labels only name a related column.
    columns: {
      invoiceNumber: name('invoiceNumber'),
      invoiceDate: name('invoiceDate'),
      accountNumber: name('customer'),
      currency: name('currency'),
      statedTotal: name('amount'),
      trackingNumber: name('consignment'),
      shipDate: name('pickupDate'),
      packageCount: name('colli'),
      enteredWeight: name('grossWeight'),
      billedWeight: name('billingWeight'),
      dimensions: name('grossWeight'),
      volumetricWeight: name('grossWeight'),
      incentive: name('amount'),
      description: name('chargeText'),
    },
    amount: name('amount'),
  };
}

function csvLine(rec: CsvRecord, header: CsvHeader, described: Set<string>, file: string, issues: Issue[]): RawLine {
  const get = (f: CsvField): string => {
    const at = header.index[f];
    if (at === undefined) return '';
    const v = (rec.fields[at] ?? '').trim();
    return EMPTY_MARKERS.has(v) ? '' : v;
  };
  const invoice: RawInvoice = {
    number: get('invoiceNumber'),
    date: get('invoiceDate'),
    accountNumber: get('customer'),
    currency: get('currency'),
    statedTotal: '', // the specification states no invoice total (formats.md 8.1)
  };

  const text = get('chargeText');
  const amount = get('amount');
  let charges: readonly RawCharge[] = NO_CHARGES;
  if (amount !== '') {
    // VAT_Amount is not read: VAT is a column here, not a charge line (formats.md 8.1).
    charges = [{ description: text, code: '', classification: '', amount, incentive: '', currency: get('currency'), column: header.amount }];
  } else if (text !== '') {
    issues.push(issue('warning', 'missing_value', { file, row: rec.row, column: header.amount }, `charge "${text}" has no amount (empty or NONE); not loaded`));
  }

  let shipment: RawShipment | null = null;
  const consignment = get('consignment');
  if (consignment !== '') {
    const colli = get('colli');
    const gross = get('grossWeight');
    const billing = get('billingWeight');
    const key = `${invoice.number}\u0000${consignment}`;
    const packageRow = (colli !== '' || gross !== '' || billing !== '') && !described.has(key);
    if (packageRow) described.add(key);
    const service = get('transport');
    shipment = {
      trackingNumber: consignment,
      leadTrackingNumber: '',
      packageRow,
      packageCount: packageRow ? colli : '',
      service,
      serviceRank: service === '' ? 0 : 1,
      shipDate: get('pickupDate'),
      zone: '',
      enteredWeight: packageRow ? gross : '',
      billedWeight: packageRow ? billing : '',
      weightUnit: packageRow && (gross !== '' || billing !== '') ? CSV_WEIGHT_UNIT : '',
      dimensions: '',
      dimensionUnit: '',
      volumetricWeight: '',
      senderPostcode: get('shipperPostcode'),
      senderCountry: get('shipperCountry'),
      receiverPostcode: get('consigneePostcode'),
      receiverCountry: get('consigneeCountry'),
    };
  }
  return { row: rec.row, invoice, shipment, charges, columns: header.columns };
}

const NO_CHARGES: readonly RawCharge[] = Object.freeze([]);

// =============================================================================================
// Printed invoice workbook (formats.md 8.5)

/** Numbers in a workbook are cell values as decimal text with `.` (never øre, never grouped). */
const WORKBOOK_LOCALE: Partial<CarrierLocale> = Object.freeze({ number: Object.freeze({ decimal: '.', thousands: '' }) });

/** One non-empty cell: where it starts, how far its merged range reaches, its text. */
interface Cell {
  readonly r: number;
  readonly c: number;
  readonly endR: number;
  readonly endC: number;
  readonly text: string;
}

interface Span {
  readonly c: number;
  readonly endC: number;
  readonly text: string;
}

const SHEET_FIELD_NAMES = Object.keys(SHEET_FIELDS) as SheetField[];
const SHEET_ALIASES: ReadonlyMap<SheetField, ReadonlySet<string>> = new Map(SHEET_FIELD_NAMES.map((f) => [f, new Set(SHEET_FIELDS[f].map(normalizeName))]));
const TABLE_COLUMNS = Object.keys(TABLE_HEADERS) as TableColumn[];
const TABLE_ALIASES: ReadonlyMap<TableColumn, ReadonlySet<string>> = new Map(TABLE_COLUMNS.map((f) => [f, new Set(TABLE_HEADERS[f].map(normalizeName))]));
const SUMMARY_PREFIXES: ReadonlyArray<readonly [SummaryKind, readonly string[]]> = SUMMARY_ROWS.map(([k, labels]) => [k, labels.map(normalizeName)] as const);
const LETTER = /\p{L}/u;

/** `Fakturanummer / Invoice number` → its normalized parts. */
function labelParts(text: string): string[] {
  return text.split('/').map(normalizeName).filter((p) => p !== '');
}

/** A label cell, possibly with its value after a colon (`Fakturanr.: 7405120931`). */
function splitInline(text: string): { label: string; value: string } {
  const colon = text.indexOf(':');
  if (colon === -1) return { label: text, value: '' };
  return { label: text.slice(0, colon), value: text.slice(colon + 1).trim() };
}

/** Which header-block field `text` labels, if any (every `/` part is compared whole). */
function fieldOf(text: string): SheetField | null {
  const parts = labelParts(splitInline(text).label);
  for (const f of SHEET_FIELD_NAMES) {
    const aliases = SHEET_ALIASES.get(f);
    if (aliases !== undefined && parts.some((p) => aliases.has(p))) return f;
  }
  return null;
}

function tableColumnOf(text: string): TableColumn | null {
  const parts = labelParts(text);
  for (const f of TABLE_COLUMNS) {
    const aliases = TABLE_ALIASES.get(f);
    if (aliases !== undefined && parts.some((p) => aliases.has(p))) return f;
  }
  return null;
}

/** `part` starts with `prefix` as whole words (`moms 25%` yes, `momsfri` no). */
function startsWithWords(part: string, prefix: string): boolean {
  return part.startsWith(prefix) && (part.length === prefix.length || !LETTER.test(part.charAt(prefix.length)));
}

function summaryOf(text: string): SummaryKind | null {
  const parts = labelParts(text);
  for (const [kind, prefixes] of SUMMARY_PREFIXES) {
    if (parts.some((p) => prefixes.some((x) => startsWithWords(p, x)))) return kind;
  }
  return null;
}

/** The line table's column header row: names a description and an amount column. */
function tableHeaderOf(texts: readonly { readonly text: string; readonly c: number; readonly endC: number }[]): Partial<Record<TableColumn, Span>> | null {
  const spans: Partial<Record<TableColumn, Span>> = {};
  for (const t of texts) {
    const col = tableColumnOf(t.text);
    if (col !== null && spans[col] === undefined) spans[col] = { c: t.c, endC: t.endC, text: t.text };
  }
  return TABLE_REQUIRED.every((f) => spans[f] !== undefined) ? spans : null;
}

function detectSheet(head: string): number {
  const rows = head.split('\n').map((line) => line.split('\t').map((text, c) => ({ text: text.trim(), c, endC: c })).filter((x) => x.text !== ''));
  const tableAt = rows.findIndex((cells) => tableHeaderOf(cells) !== null);
  const above = tableAt === -1 ? rows : rows.slice(0, tableAt);
  const numbered = above.some((cells) => cells.some((x) => fieldOf(x.text) === 'invoiceNumber'));
  if (tableAt !== -1 && numbered) return SHEET_BRAND.test(head) ? 0.95 : 0.9;
  return tableAt !== -1 || numbered ? 0.3 : 0;
}

async function parseWorkbook(input: ParseInput): Promise<ParseBatch> {
  const file = input.file;
  let sheets: readonly SheetGrid[];
  try {
    sheets = await readWorkbook(input);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { lines: [], issues: [issue('error', 'wrong_format', { file }, `not a readable workbook: ${why}`)], locale: WORKBOOK_LOCALE };
  }
  const lines: RawLine[] = [];
  const issues: Issue[] = [];
  let invoices = 0;
  for (const sheet of sheets) {
    const found = parseSheet(sheet, file);
    if (found === null) continue; // a sheet without a line table (terms, a cover page)
    invoices++;
    lines.push(...found.lines);
    issues.push(...found.issues);
  }
  if (invoices === 0) {
    issues.push(issue('error', 'wrong_format', { file }, 'no sheet has a line table header (Pos. / Beskrivelse / Valuta / Beløb); this is not a DSV printed invoice'));
  }
  return { lines, issues, locale: WORKBOOK_LOCALE };
}

/** Non-empty cells of every row, each with the extent of the merged range it starts. */
function cellsOf(sheet: SheetGrid): Cell[][] {
  const merged = new Map<number, CellRange>();
  for (const m of sheet.merges) merged.set(m.s.r * 16384 + m.s.c, m);
  return sheet.rows.map((row, r) => {
    const out: Cell[] = [];
    row.forEach((raw, c) => {
      const text = raw.trim();
      if (text === '') return;
      const m = merged.get(r * 16384 + c);
      out.push({ r, c, endR: m?.e.r ?? r, endC: m?.e.c ?? c, text });
    });
    return out;
  });
}

/** A line item (or the VAT line) waiting for the invoice fields, known only at the sheet's end. */
interface PendingLine {
  readonly row: number;
  readonly description: string;
  readonly amount: string;
  readonly currency: string;
}

/**
 * One sheet → the invoice's lines, or null when the sheet has no line table. The header block
 * (label/value pairs) lies above the table's column header row; the line items below it run to
 * the `I alt DKK / Total DKK` row; whatever follows is footer text.
 */
export function parseSheet(sheet: SheetGrid, file: string): { lines: RawLine[]; issues: Issue[] } | null {
  const rows = cellsOf(sheet);
  const at = { file, sheet: sheet.name };
  let tableRow = -1;
  let table: Partial<Record<TableColumn, Span>> | null = null;
  for (let r = 0; r < rows.length && table === null; r++) {
    table = tableHeaderOf(rows[r] ?? []);
    if (table !== null) tableRow = r;
  }
  if (table === null) return null;
  const issues: Issue[] = [];

  // Header block: each field's label, and its value to the right, inline, or below.
  const fields = new Map<SheetField, { label: string; value: string }>();
  for (let r = 0; r < tableRow; r++) {
    for (const cell of rows[r] ?? []) {
      const f = fieldOf(cell.text);
      if (f === null || fields.has(f)) continue;
      fields.set(f, { label: splitInline(cell.text).label.trim(), value: valueOf(cell, rows) });
    }
  }
  for (const f of SHEET_REQUIRED) {
    const got = fields.get(f);
    if (got === undefined || got.value === '') {
      const name = got?.label ?? SHEET_FIELDS[f].join(' / ');
      issues.push(issue('error', 'missing_value', { ...at, column: name }, got === undefined ? `no "${name}" label above the line table` : `"${name}" has no value`));
    }
  }

  // Line table.
  const amountCol = table.amount as Span;
  const descriptionCol = table.description as Span;
  // Where the description area ends: the next column header to its right, whatever it names.
  const descriptionEnd = Math.min(...(rows[tableRow] ?? []).filter((x) => x.c > descriptionCol.c).map((x) => x.c), Number.MAX_SAFE_INTEGER);
  const within = (cell: Cell, span: Span | undefined): boolean => span !== undefined && cell.c >= span.c && cell.c <= span.endC;
  const pending: PendingLine[] = [];
  let lastItem: PendingLine | null = null;
  let total: { row: number; label: string; amount: string } | null = null;
  for (let r = tableRow + 1; r < rows.length && total === null; r++) {
    const cells = rows[r] ?? [];
    if (cells.length === 0) continue;
    if (tableHeaderOf(cells) !== null) continue; // the header repeated on a new page
    let amountCell = cells.find((x) => within(x, amountCol));
    const last = cells[cells.length - 1];
    if (amountCell === undefined && last !== undefined && last.c > amountCol.endC) amountCell = last;
    const currencyCell = cells.find((x) => x !== amountCell && within(x, table.currency) && CURRENCY_VALUE.test(x.text));
    const posCell = cells.find((x) => x !== amountCell && within(x, table.position) && POSITION_VALUE.test(x.text));
    const labelCells = cells.filter((x) => x !== amountCell && x !== currencyCell && x !== posCell);
    // Summary labels may sit anywhere left of the amount; a description is what lies before the
    // next column header (a quantity or unit-price column some layouts add is not part of it).
    const text = labelCells.map((x) => x.text).join(' ');
    const descriptionText = labelCells.filter((x) => x.c < descriptionEnd).map((x) => x.text).join(' ');
    const amount = amountCell?.text ?? '';
    const currency = currencyCell?.text ?? '';
    const kind = summaryOf(text);
    const row = r + 1;
    if (kind === 'subtotal') {
      // Repeats the item above (formats.md 8.5): never a charge. Say so if it does not.
      if (lastItem === null || lastItem.amount !== amount) {
        issues.push(
          issue('warning', 'inconsistent_value', { ...at, row, column: amountCol.text }, lastItem === null ? `subtotal ${amount} follows no line item; ignored` : `subtotal ${amount} does not repeat the line above (${lastItem.amount}, row ${lastItem.row}); the line is loaded, the subtotal is not`),
        );
      }
      lastItem = null;
      continue;
    }
    if (posCell === undefined && kind === 'net') continue; // `I alt ekskl. moms`: a summary
    if (posCell === undefined && kind === 'total') {
      total = { row, label: text, amount };
      continue;
    }
    if (amount === '') continue; // commentary (a reference, a route) under an item
    const line: PendingLine = { row, description: kind === 'vat' || descriptionText === '' ? text : descriptionText, amount, currency };
    pending.push(line);
    // The VAT line (`Moms 25%`) is a charge like the items (formats.md 8.1); no subtotal follows it.
    lastItem = posCell === undefined && kind === 'vat' ? null : line;
  }
  if (total === null) {
    issues.push(
      issue('error', 'missing_value', { ...at, column: TOTAL_LABEL }, `no "I alt DKK / Total DKK" row below the line items: the printed invoice is incomplete (a page missing?), so its lines cannot be trusted`),
    );
  } else if (total.amount === '') {
    issues.push(issue('error', 'missing_value', { ...at, row: total.row, column: total.label }, 'the total row has no amount'));
  }
  if (issues.some((i) => i.severity === 'error')) return { lines: [], issues };

  const label = (f: SheetField): string => fields.get(f)?.label ?? SHEET_FIELDS[f][0];
  const invoice: RawInvoice = {
    number: fields.get('invoiceNumber')?.value ?? '',
    date: fields.get('invoiceDate')?.value ?? '',
    accountNumber: fields.get('accountNumber')?.value ?? '',
    currency: fields.get('currency')?.value || currencyIn(total?.label ?? '') || (pending[0]?.currency ?? ''),
    statedTotal: total?.amount ?? '',
  };
  const description = descriptionCol.text;
  const columns: ColumnLabels = {
    invoiceNumber: label('invoiceNumber'),
    invoiceDate: label('invoiceDate'),
    accountNumber: label('accountNumber'),
    currency: label('currency'),
    statedTotal: total?.label ?? TOTAL_LABEL,
    // The printed invoice has no shipments (formats.md 8.1): these only name a related column.
    trackingNumber: description,
    shipDate: description,
    packageCount: description,
    enteredWeight: description,
    billedWeight: description,
    dimensions: description,
    volumetricWeight: description,
    incentive: amountCol.text,
    description,
  };
  const lines = pending.map(
    (p): RawLine => ({
      row: p.row,
      sheet: sheet.name,
      invoice,
      shipment: null,
      charges: [{ description: p.description, code: '', classification: '', amount: p.amount, incentive: '', currency: p.currency, column: amountCol.text }],
      columns,
    }),
  );
  return { lines, issues };
}

/**
 * A header field's value: after a colon in the label cell itself; else the next cell to the
 * right unless that is another label; else the first cell below the label, within its columns.
 */
function valueOf(label: Cell, rows: readonly (readonly Cell[])[]): string {
  const inline = splitInline(label.text).value;
  if (inline !== '') return inline;
  const right = (rows[label.r] ?? []).find((x) => x.c > label.endC);
  if (right !== undefined && fieldOf(right.text) === null) return right.text;
  const below = (rows[label.endR + 1] ?? []).find((x) => x.c >= label.c && x.c <= label.endC);
  if (below !== undefined && fieldOf(below.text) === null) return below.text;
  return '';
}

/** `I alt DKK / Total DKK` → `DKK`. */
function currencyIn(label: string): string {
  for (const word of label.toUpperCase().split(/[^A-Z]+/)) if (CURRENCY_CODES.has(word)) return word;
  return '';
}
