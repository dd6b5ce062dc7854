/**
 * GLS invoice CSVs → raw lines (shared/formats.md 4b, 8.1, 8.4). The layout is read from the
 * content, never from a flag: a first row whose names include the required header fields is the
 * header CSV (one row per charge); a first row shaped like the 22-column German legacy detail
 * CSV is that layout (one row per parcel, eight surcharge columns melted into charges).
 * Each layout announces its number format on the first batch (`ParseBatch.locale`).
 */
import {
  issue,
  readCsv,
  sniffInputDelimiter,
  type CarrierLocale,
  type ColumnLabels,
  type CsvEnd,
  type CsvRecord,
  type FileSample,
  type Issue,
  type ParseBatch,
  type ParseInput,
  type RawCharge,
  type RawLine,
  splitCsvLine,
  indexHeader,
  missingFields,
} from '../../src/carrier-kit/index.js';
import { FREIGHT_LABELS } from './charges.js';
import {
  DELIMITER,
  HEADER_ALIASES,
  HEADER_WEIGHT_UNIT,
  LEGACY_COL,
  LEGACY_COLUMN_LABELS,
  LEGACY_CURRENCY,
  LEGACY_FREIGHT_DESCRIPTION,
  LEGACY_SURCHARGES,
  LEGACY_WIDTH,
  legacyLabel,
  normalizeHeader,
  REQUIRED_HEADER_FIELDS,
  surchargeLabel,
  type HeaderField,
  type LegacyColumn,
} from './columns.js';

// ---------------------------------------------------------------------------------------------
// Number formats per layout

/** Legacy: integer cents [AT-IMP]; weights arrive here already converted to `2,5`. */
const LEGACY_LOCALE: Partial<CarrierLocale> = Object.freeze({
  number: Object.freeze({ decimal: ',', thousands: '', impliedMinor: true }),
});
/** Header CSV: decimal comma, `.` thousands, `1.261,25` (formats.md 8.4). */
const HEADER_LOCALE: Partial<CarrierLocale> = Object.freeze({
  number: Object.freeze({ decimal: ',', thousands: '.' }),
});
/** Decimal separator of the legacy locale, used when writing converted weights. */
const LEGACY_DECIMAL = ',';

const ZERO_AMOUNT = /^[-+]?0*(?:[.,]0*)?$/;
const DIGITS = /^\d+$/;
const SIGNED_INTEGER = /^-?\d+$/;
const OPTIONAL_INTEGER = /^-?\d*$/;
const DOTTED_DATE = /^\d{1,2}\.\d{1,2}\.\d{4}$/;

/** True for an amount cell that bills nothing ('' counts: an empty surcharge column). */
function isZero(text: string): boolean {
  return ZERO_AMOUNT.test(text);
}

/**
 * Tenths of a kilogram → kilograms as decimal text, exactly (no float): `25` → `2,5`,
 * `5` → `0,5`, `0120` → `12,0`. '' stays ''; null when the text is not a whole number.
 */
export function tenthsToKilograms(text: string, decimal: string): string | null {
  const t = text.trim();
  if (t === '') return '';
  if (!DIGITS.test(t)) return null;
  const digits = t.replace(/^0+(?=\d)/, '').padStart(2, '0');
  return `${digits.slice(0, -1)}${decimal}${digits.slice(-1)}`;
}

// ---------------------------------------------------------------------------------------------
// Recognising the layouts

/** Field → 0-based column in a header CSV (absent fields are missing). */
type HeaderIndex = Partial<Record<HeaderField, number>>;

/** Finds each field's column from a header row's names (first matching alias wins). */
export function resolveHeader(names: readonly string[]): HeaderIndex {
  return indexHeader(names, HEADER_ALIASES, normalizeHeader);
}

function missingHeaderFields(index: HeaderIndex): HeaderField[] {
  return missingFields(index, REQUIRED_HEADER_FIELDS);
}

/** 22 fields, or 23 when the exporter ends each line with a `;` (inferred). */
function legacyWidthOk(width: number, fields: readonly string[]): boolean {
  return width === LEGACY_WIDTH || (width === LEGACY_WIDTH + 1 && (fields[LEGACY_WIDTH] ?? '').trim() === '');
}

function at(fields: readonly string[], key: LegacyColumn): string {
  return (fields[LEGACY_COL[key][0] - 1] ?? '').trim();
}

/**
 * How many of the legacy layout's shape checks a row passes (0-6): width, a numeric invoice
 * number, a DD.MM.YYYY invoice date, a numeric parcel number, integer weight and freight, and
 * integer (or empty) surcharge cells.
 */
function legacyShape(fields: readonly string[], width: number): number {
  if (!legacyWidthOk(width, fields)) return 0;
  let score = 1;
  if (DIGITS.test(at(fields, 'invoiceNumber'))) score++;
  if (DOTTED_DATE.test(at(fields, 'invoiceDate'))) score++;
  if (DIGITS.test(at(fields, 'parcelNumber'))) score++;
  if (SIGNED_INTEGER.test(at(fields, 'billedWeight')) && SIGNED_INTEGER.test(at(fields, 'netAmount'))) score++;
  if (LEGACY_SURCHARGES.every((s) => OPTIONAL_INTEGER.test((fields[s.position - 1] ?? '').trim()))) score++;
  return score;
}
const LEGACY_FULL_SHAPE = 6;
/** Parse accepts a first row with a few bad values, so they are reported where they are. */
const LEGACY_PARSE_SHAPE = 4;


/**
 * How sure we are that `sample` is a GLS file: 0.95 for a header naming every required field
 * in Danish or German, or for rows that all have the legacy layout's shape; 0.3 when a header
 * names some GLS fields but not all; 0 otherwise. Never throws.
 */
export function detectGls(sample: FileSample): number {
  if (sample.kind !== 'text') return 0;
  const head = sample.head.replace(/^\uFEFF/, '');
  let lines = head.split('\n');
  if (lines.length > 1 && !head.endsWith('\n')) lines.pop(); // the last line may be cut
  lines = lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '').slice(0, 10);
  const first = lines[0];
  if (first === undefined) return 0;
  const names = splitCsvLine(first, DELIMITER);
  const index = resolveHeader(names);
  const missing = missingHeaderFields(index).length;
  if (missing === 0) return 0.95;
  if (lines.every((l) => {
    const f = splitCsvLine(l, DELIMITER);
    return legacyShape(f, f.length) === LEGACY_FULL_SHAPE;
  })) return 0.95;
  return Object.keys(index).length >= 3 ? 0.3 : 0;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** What one layout does with the rows after the first. */
interface Layout {
  readonly locale: Partial<CarrierLocale>;
  /** True when the first record is a header (consumed, not data). */
  readonly firstIsHeader: boolean;
  /** Width every data row should have (for `truncated`). */
  readonly width: number;
  row(rec: CsvRecord, lines: RawLine[], issues: Issue[]): void;
}

export async function* parseGls(input: ParseInput): AsyncIterable<ParseBatch> {
  const file = input.file;
  const delimiter = sniffInputDelimiter(input, [';', ',', '|', '\t']);
  if (delimiter !== DELIMITER) {
    const found = delimiter === null ? 'no delimiter' : `"${delimiter}" as delimiter`;
    yield { lines: [], issues: [wrongFormat(file, `not a GLS file: GLS files are semicolon-separated, this one has ${found}`)] };
    return;
  }
  let layout: Layout | null = null;
  let previousWidth = 0;
  for await (const batch of readCsv(input, DELIMITER)) {
    const lines: RawLine[] = [];
    const issues: Issue[] = [];
    let locale: Partial<CarrierLocale> | undefined;
    const records = batch.records;
    for (let r = 0; r < records.length; r++) {
      const rec = records[r] as CsvRecord;
      if (layout === null) {
        layout = chooseLayout(file, rec);
        if (layout === null) {
          issues.push(
            wrongFormat(
              file,
              `not a GLS file: the first row is neither a header naming ${REQUIRED_HEADER_FIELDS.map((f) => HEADER_ALIASES[f][0]).join(', ')} (Danish or German) nor a ${LEGACY_WIDTH}-column legacy detail row (it has ${rec.width} fields)`,
            ),
          );
          yield { lines, issues };
          return;
        }
        locale = layout.locale;
        previousWidth = layout.width;
        if (layout.firstIsHeader) continue;
      }
      if (isCutOff(rec, r === records.length - 1 ? batch.end : undefined, previousWidth)) {
        issues.push(
          issue('error', 'truncated', { file, row: rec.row }, `the file ends in the middle of this row (${rec.width} of ${previousWidth} fields); it was cut off during download or copy`),
        );
        continue;
      }
      layout.row(rec, lines, issues);
      previousWidth = rec.width;
    }
    if (batch.end?.unterminatedQuoteRow != null) {
      issues.push(issue('error', 'unterminated_quote', { file, row: batch.end.unterminatedQuoteRow }, 'a quoted field is never closed; the file is cut off or malformed'));
    }
    yield locale === undefined ? { lines, issues } : { lines, issues, locale };
  }
  if (layout === null) yield { lines: [], issues: [wrongFormat(file, 'the file has no rows')] };
}

/** A last row without a line break and with fewer fields than the row before. */
function isCutOff(rec: CsvRecord, end: CsvEnd | undefined, previousWidth: number): boolean {
  return end?.endedWithoutNewline === true && rec.width < previousWidth;
}

function wrongFormat(file: string, detail: string): Issue {
  return issue('error', 'wrong_format', { file, row: 1 }, detail);
}

function chooseLayout(file: string, first: CsvRecord): Layout | null {
  const index = resolveHeader(first.fields);
  if (missingHeaderFields(index).length === 0) return headerLayout(file, index, first);
  if (legacyShape(first.fields, first.width) >= LEGACY_PARSE_SHAPE) return legacyLayout(file);
  return null;
}

// ---------------------------------------------------------------------------------------------
// Legacy detail CSV: one row per parcel (formats.md 4b.1, 8.4)

const NET_AMOUNT = legacyLabel('netAmount');
const BILLED_WEIGHT = legacyLabel('billedWeight');

function legacyLayout(file: string): Layout {
  return {
    locale: LEGACY_LOCALE,
    firstIsHeader: false,
    width: LEGACY_WIDTH,
    row(rec, lines, issues) {
      if (!legacyWidthOk(rec.width, rec.fields)) {
        issues.push(issue('error', 'column_count', { file, row: rec.row }, `has ${rec.width} fields; a GLS legacy detail row has ${LEGACY_WIDTH}`));
        return;
      }
      lines.push(legacyLine(file, rec, issues));
    },
  };
}

function legacyLine(file: string, rec: CsvRecord, issues: Issue[]): RawLine {
  const f = rec.fields;
  const cell = (position: number): string => (f[position - 1] ?? '').trim();
  // Column 19 is the freight only; the surcharges are added from columns 10-17 (formats.md 8.4).
  const charges: RawCharge[] = [charge(LEGACY_FREIGHT_DESCRIPTION, at(f, 'netAmount'), NET_AMOUNT)];
  for (const s of LEGACY_SURCHARGES) {
    const amount = cell(s.position);
    if (!isZero(amount)) charges.push(charge(s.description, amount, surchargeLabel(s)));
  }

  let weight = tenthsToKilograms(at(f, 'billedWeight'), LEGACY_DECIMAL);
  if (weight === null) {
    issues.push(issue('warning', 'bad_number', { file, row: rec.row, column: BILLED_WEIGHT }, `"${at(f, 'billedWeight')}" is not a weight in tenths of a kilogram; stored as empty`));
    weight = '';
  }
  const parcel = at(f, 'parcelNumber');
  return {
    row: rec.row,
    invoice: {
      number: at(f, 'invoiceNumber'),
      date: at(f, 'invoiceDate'),
      accountNumber: at(f, 'customerNumber'),
      currency: LEGACY_CURRENCY,
      // GLS states invoice totals only in the PDF (formats.md 4b.3, 8.1).
      statedTotal: '',
    },
    shipment:
      parcel === ''
        ? null
        : {
            trackingNumber: parcel,
            leadTrackingNumber: '',
            packageRow: true,
            packageCount: '1',
            service: '',
            serviceRank: 0,
            shipDate: at(f, 'labelDate'),
            zone: '',
            enteredWeight: '',
            billedWeight: weight,
            weightUnit: weight === '' ? '' : 'kg',
            dimensions: '',
            dimensionUnit: '',
            volumetricWeight: '',
            senderPostcode: '',
            senderCountry: '',
            receiverPostcode: at(f, 'receiverPostcode'),
            // space-padded in the file [AT-IMP]; `at` trims
            receiverCountry: at(f, 'receiverCountry'),
          },
    charges,
    columns: LEGACY_COLUMN_LABELS,
  };
}

function charge(description: string, amount: string, column: string): RawCharge {
  return { description, code: '', classification: '', amount, incentive: '', currency: '', column };
}

// ---------------------------------------------------------------------------------------------
// Header CSV: one row per charge (formats.md 8.4)

function headerLayout(file: string, index: HeaderIndex, header: CsvRecord): Layout {
  const names = header.fields;
  const name = (f: HeaderField, fallback: HeaderField = f): string => {
    const pos = index[f] ?? index[fallback];
    return pos === undefined ? HEADER_ALIASES[f][0] : (names[pos] ?? '').replace(/^\uFEFF/, '').trim();
  };
  const columns: ColumnLabels = {
    invoiceNumber: name('invoiceNumber'),
    invoiceDate: name('invoiceDate'),
    accountNumber: name('accountNumber', 'invoiceNumber'),
    currency: name('currency', 'amount'),
    // No invoice total in this layout (formats.md 8.1); the amount column is the nearest.
    statedTotal: name('amount'),
    trackingNumber: name('parcelNumber'),
    shipDate: name('shipDate', 'parcelNumber'),
    packageCount: name('parcelNumber'),
    enteredWeight: name('weight', 'parcelNumber'),
    billedWeight: name('weight', 'parcelNumber'),
    dimensions: name('weight', 'parcelNumber'),
    volumetricWeight: name('weight', 'parcelNumber'),
    incentive: name('amount'),
    description: name('description'),
  };
  const amountColumn = name('amount');
  const width = header.width;
  return {
    locale: HEADER_LOCALE,
    firstIsHeader: true,
    width,
    row(rec, lines, issues) {
      if (rec.width !== width) {
        issues.push(issue('error', 'column_count', { file, row: rec.row }, `has ${rec.width} fields; the header row has ${width}`));
        return;
      }
      lines.push(headerLine(rec, index, columns, amountColumn));
    },
  };
}

function isFreight(description: string): boolean {
  const d = description.toLowerCase();
  return FREIGHT_LABELS.some((l) => d.startsWith(l));
}

function headerLine(rec: CsvRecord, index: HeaderIndex, columns: ColumnLabels, amountColumn: string): RawLine {
  const get = (f: HeaderField): string => {
    const pos = index[f];
    return pos === undefined ? '' : (rec.fields[pos] ?? '').trim();
  };
  const description = get('description');
  const parcel = get('parcelNumber');
  // The freight row describes the parcel (weight, product); surcharge rows may repeat the
  // weight, but only one row per parcel may count as its package.
  const packageRow = isFreight(description);
  const weight = packageRow ? get('weight') : '';
  return {
    row: rec.row,
    invoice: {
      number: get('invoiceNumber'),
      date: get('invoiceDate'),
      accountNumber: get('accountNumber'),
      currency: get('currency'),
      statedTotal: '',
    },
    // Rows without a parcel number are invoice-level charges (energy, tolls, pre-financing,
    // discounts: formats.md 4b.3).
    shipment:
      parcel === ''
        ? null
        : {
            trackingNumber: parcel,
            leadTrackingNumber: '',
            packageRow,
            packageCount: packageRow ? '1' : '0',
            service: packageRow ? get('product') : '',
            serviceRank: packageRow ? 1 : 0,
            shipDate: get('shipDate'),
            zone: '',
            enteredWeight: '',
            billedWeight: weight,
            weightUnit: weight === '' ? '' : HEADER_WEIGHT_UNIT,
            dimensions: '',
            dimensionUnit: '',
            volumetricWeight: '',
            senderPostcode: '',
            senderCountry: '',
            receiverPostcode: get('receiverPostcode'),
            receiverCountry: get('receiverCountry'),
          },
    charges: [
      { description, code: '', classification: '', amount: get('amount'), incentive: '', currency: get('currency'), column: amountColumn },
    ],
    columns,
  };
}
