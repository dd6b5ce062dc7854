/**
 * TEMPLATE: a CSV with a header row and one row per charge → raw lines, in the carrier's own
 * words. Pure: no database, no file system, no amount or date parsing (the engine's `clean`
 * does that from the adapter's `locale` and `charges`). Bad data becomes issues; nothing throws.
 *
 * Adapt `toRawLine` to the carrier's row semantics (which rows are charges, which row carries
 * the package facts) and say in this folder's README.md what each choice is based on.
 */
import {
  issue,
  readCsv,
  sniffInputDelimiter,
  type ColumnLabels,
  type CsvRecord,
  type FileSample,
  type Issue,
  type ParseBatch,
  type ParseInput,
  type RawCharge,
  type RawLine,
  type RawShipment,
  indexHeader,
  missingFields as missingOf,
} from '../../src/carrier-kit/index.js';
import { DEFAULT_WEIGHT_UNIT, DELIMITERS, HEADER_ALIASES, REQUIRED_FIELDS, WEIGHT_UNITS, type Field } from './columns.js';

/** Field → 0-based column in this file (absent fields are missing). */
type ColumnIndex = Partial<Record<Field, number>>;

function normalize(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().toLowerCase();
}

/** Finds each field's column from the header row's names. */
export function resolveHeader(names: readonly string[]): ColumnIndex {
  return indexHeader(names, HEADER_ALIASES, normalize);
}

function missingFields(index: ColumnIndex): Field[] {
  return missingOf(index, REQUIRED_FIELDS);
}

/** How sure we are that `sample` is this carrier's file: its header names every required field. */
export function detectTemplate(sample: FileSample): number {
  const delimiter = sniffInputDelimiter(sample, DELIMITERS);
  if (delimiter === null) return 0;
  const firstLine = (sample.head.split('\n', 1)[0] ?? '').replace(/\r$/, '');
  const names = firstLine.split(delimiter).map((f) => f.replace(/^"|"$/g, ''));
  return missingFields(resolveHeader(names)).length === 0 ? 0.8 : 0;
}

export async function* parseTemplate(input: ParseInput): AsyncIterable<ParseBatch> {
  const file = input.file;
  const delimiter = sniffInputDelimiter(input, DELIMITERS);
  if (delimiter === null) {
    yield { lines: [], issues: [issue('error', 'wrong_format', { file, row: 1 }, `no ${DELIMITERS.join(' or ')} delimiter found`)] };
    return;
  }
  let header: { readonly index: ColumnIndex; readonly width: number; readonly labels: Labels } | null = null;
  let previousWidth = 0;
  for await (const batch of readCsv(input, delimiter)) {
    const lines: RawLine[] = [];
    const issues: Issue[] = [];
    const records = batch.records;
    for (let r = 0; r < records.length; r++) {
      const rec = records[r] as CsvRecord;
      if (header === null) {
        const index = resolveHeader(rec.fields);
        const absent = missingFields(index);
        if (absent.length > 0) {
          const wanted = absent.map((f) => `"${HEADER_ALIASES[f][0]}"`).join(', ');
          issues.push(issue('error', 'wrong_format', { file, row: rec.row }, `the header row has no column for ${wanted}; this is not a file of this carrier's`));
          yield { lines, issues };
          return;
        }
        header = { index, width: rec.width, labels: labelsFor(index, rec.fields) };
        previousWidth = rec.width;
        continue;
      }
      const isLast = batch.end !== undefined && r === records.length - 1;
      if (isLast && batch.end?.endedWithoutNewline === true && rec.width < previousWidth) {
        issues.push(issue('error', 'truncated', { file, row: rec.row }, `the file ends in the middle of this row (${rec.width} of ${previousWidth} fields)`));
        continue;
      }
      // Strict by default. If the carrier's exporter drops trailing empty fields, accept fewer
      // fields here and say so in the README.
      if (rec.width !== header.width) {
        issues.push(issue('error', 'column_count', { file, row: rec.row }, `has ${rec.width} fields; the header row has ${header.width}`));
        continue;
      }
      previousWidth = rec.width;
      lines.push(toRawLine(rec, header.index, header.labels));
    }
    if (batch.end?.unterminatedQuoteRow != null) {
      issues.push(issue('error', 'unterminated_quote', { file, row: batch.end.unterminatedQuoteRow }, 'a quoted field is never closed; the file is cut off or malformed'));
    }
    yield { lines, issues };
  }
}

interface Labels {
  readonly columns: ColumnLabels;
  readonly amount: string;
}

/** Column names as this file writes them, for messages (`column Betrag`). */
function labelsFor(index: ColumnIndex, names: readonly string[]): Labels {
  const name = (f: Field): string => {
    const at = index[f];
    return at === undefined ? HEADER_ALIASES[f][0] : (names[at] ?? '').trim();
  };
  return {
    // Fields this template does not read point at a related column; they only name columns in
    // messages about those fields, which cannot occur while the fields stay ''.
    columns: {
      invoiceNumber: name('invoiceNumber'),
      invoiceDate: name('invoiceDate'),
      accountNumber: name('accountNumber'),
      currency: name('currency'),
      statedTotal: name('invoiceTotal'),
      trackingNumber: name('trackingNumber'),
      shipDate: name('shipDate'),
      packageCount: name('trackingNumber'),
      enteredWeight: name('weight'),
      billedWeight: name('weight'),
      dimensions: name('weight'),
      volumetricWeight: name('weight'),
      incentive: name('amount'),
      description: name('chargeDescription'),
    },
    amount: name('amount'),
  };
}

function toRawLine(rec: CsvRecord, index: ColumnIndex, labels: Labels): RawLine {
  const get = (f: Field): string => {
    const at = index[f];
    return at === undefined ? '' : (rec.fields[at] ?? '').trim();
  };

  const charges: readonly RawCharge[] = [
    {
      description: get('chargeDescription'),
      code: get('chargeCode'),
      classification: '',
      amount: get('amount'),
      incentive: '',
      currency: get('currency'),
      column: labels.amount,
    },
  ];

  let shipment: RawShipment | null = null;
  const tracking = get('trackingNumber');
  if (tracking !== '') {
    const weight = get('weight');
    // Assumes the carrier writes the weight on one row per package (its freight row), as UPS
    // does. If it repeats the weight on every charge row, mark only the first row per parcel.
    const packageRow = weight !== '';
    const unitCode = get('weightUnit').toUpperCase();
    shipment = {
      trackingNumber: tracking,
      leadTrackingNumber: '',
      packageRow,
      packageCount: packageRow ? '1' : '0',
      service: get('service'),
      serviceRank: get('service') === '' ? 0 : 1,
      shipDate: get('shipDate'),
      zone: '',
      enteredWeight: '',
      billedWeight: weight,
      weightUnit: packageRow ? (unitCode === '' ? DEFAULT_WEIGHT_UNIT : (WEIGHT_UNITS[unitCode] ?? '')) : '',
      dimensions: '',
      dimensionUnit: '',
      volumetricWeight: '',
      senderPostcode: '',
      senderCountry: '',
      receiverPostcode: get('receiverPostcode'),
      receiverCountry: get('receiverCountry'),
    };
  }

  return {
    row: rec.row,
    invoice: {
      number: get('invoiceNumber'),
      date: get('invoiceDate'),
      accountNumber: get('accountNumber'),
      currency: get('currency'),
      statedTotal: get('invoiceTotal'),
    },
    shipment,
    charges,
    columns: labels.columns,
  };
}
