/**
 * UPS Billing Data CSV → raw lines (shared/formats.md 1, 8.1). One row per charge; package rows
 * (FRT/INF with a package quantity) carry the package facts; informational rows with zero
 * amounts are not charges; rows without a tracking number are invoice-level charges.
 */
import {
  issue,
  readCsv,
  sniffInputDelimiter,
  type CsvRecord,
  type FileSample,
  type Issue,
  type ParseBatch,
  type ParseInput,
  type RawCharge,
  type RawLine,
  type RawShipment,
} from '../../src/carrier-kit/index.js';
import {
  COLUMN_LABELS,
  DIMENSION_UNITS,
  IDX,
  INCH_COUNTRIES,
  INFO_CLASS,
  label,
  PACKAGE_CLASSES,
  PICK,
  UPS_MAX_COLUMNS,
  UPS_MIN_COLUMNS,
  WEIGHT_UNITS,
} from './columns.js';

const VERSION = /^\d{1,2}\.\d{1,2}$/;
const ZERO_AMOUNT = /^[-+]?0*(?:[.,]0*)?$/;
const NET_AMOUNT = label('netAmount');

function field(fields: readonly string[], index: number): string {
  return (fields[index] ?? '').trim();
}

/** True for text that is an amount of zero ('' counts: UPS leaves some amounts empty). */
function isZero(text: string): boolean {
  return ZERO_AMOUNT.test(text.trim());
}

/** How sure we are that `sample` is a UPS Billing Data file. */
export function detectUps(sample: FileSample): number {
  const delimiter = sniffInputDelimiter(sample, [',', ';']);
  if (delimiter === null) return 0;
  const firstLine = sample.head.split('\n', 1)[0] ?? '';
  const fields = firstLine.split(delimiter).map((f) => f.replace(/^"|"$/g, '').trim());
  if (!VERSION.test(fields[0] ?? '')) return 0;
  if (fields.length < UPS_MIN_COLUMNS || fields.length > UPS_MAX_COLUMNS + 2) return 0.1;
  return 0.9;
}

export async function* parseUps(input: ParseInput): AsyncIterable<ParseBatch> {
  const file = input.file;
  const delimiter = sniffInputDelimiter(input, [',', ';']);
  if (delimiter === null) {
    yield { lines: [], issues: [wrongFormat(file, 'no comma or semicolon delimiter found')] };
    return;
  }
  let first = true;
  let previousWidth = 0;
  for await (const batch of readCsv(input, delimiter, { pick: PICK })) {
    const lines: RawLine[] = [];
    const issues: Issue[] = [];
    const records = batch.records;
    for (let r = 0; r < records.length; r++) {
      const rec = records[r] as CsvRecord;
      const fields = rec.fields;
      if (first) {
        first = false;
        const version = field(fields, IDX.version);
        if (version.toLowerCase() === 'version') {
          // A header row someone added by hand (formats.md 1b): not data.
          issues.push(issue('info', 'wrong_format', { file, row: rec.row }, 'header row skipped; UPS files have none'));
          continue;
        }
        if (!VERSION.test(version) || rec.width < UPS_MIN_COLUMNS) {
          issues.push(
            wrongFormat(
              file,
              `does not look like a UPS Billing Data file: first field is "${version.slice(0, 40)}" (expected a version like 2.1) and the row has ${rec.width} fields (expected ${UPS_MIN_COLUMNS} to ${UPS_MAX_COLUMNS})`,
            ),
          );
          yield { lines, issues };
          return;
        }
      }
      const isLast = batch.end !== undefined && r === records.length - 1;
      if (isLast && batch.end?.endedWithoutNewline === true && rec.width < previousWidth) {
        issues.push(
          issue('error', 'truncated', { file, row: rec.row }, `the file ends in the middle of this row (${rec.width} of ${previousWidth} fields); it was cut off during download or copy`),
        );
        continue;
      }
      if (rec.width > UPS_MAX_COLUMNS || rec.width < UPS_MIN_COLUMNS) {
        issues.push(
          issue('error', 'column_count', { file, row: rec.row }, `has ${rec.width} fields; a UPS Billing Data row has ${UPS_MIN_COLUMNS} to ${UPS_MAX_COLUMNS}`),
        );
        continue;
      }
      previousWidth = rec.width;
      lines.push(toRawLine(rec));
    }
    if (batch.end?.unterminatedQuoteRow != null) {
      issues.push(issue('error', 'unterminated_quote', { file, row: batch.end.unterminatedQuoteRow }, 'a quoted field is never closed; the file is cut off or malformed'));
    }
    yield { lines, issues };
  }
}

function wrongFormat(file: string, detail: string): Issue {
  return issue('error', 'wrong_format', { file, row: 1 }, detail);
}

function toRawLine(rec: CsvRecord): RawLine {
  const f = rec.fields;
  const classification = field(f, IDX.chargeClassification);
  const amount = field(f, IDX.netAmount);
  const incentive = field(f, IDX.incentiveAmount);
  const description = field(f, IDX.chargeDescription);
  const tracking = field(f, IDX.trackingNumber);
  const packageRank = PACKAGE_CLASSES[classification];
  const packageRow = packageRank !== undefined && Number(field(f, IDX.packageQuantity).replace(',', '.')) >= 1;

  let charges: readonly RawCharge[] = NO_CHARGES;
  if (!(classification === INFO_CLASS && isZero(amount) && isZero(incentive))) {
    charges = [
      {
        description,
        code: field(f, IDX.chargeDescriptionCode),
        classification,
        amount,
        incentive,
        currency: field(f, IDX.transactionCurrency),
        column: NET_AMOUNT,
      },
    ];
  }

  let shipment: RawShipment | null = null;
  if (tracking !== '') {
    const dims = packageRow ? field(f, IDX.packageDimensions) : '';
    const unitCode = field(f, IDX.dimensionUnit).toUpperCase();
    const dimensionUnit =
      dims === '' ? '' : (DIMENSION_UNITS[unitCode] ?? (INCH_COUNTRIES.has(field(f, IDX.accountCountry)) ? 'in' : 'cm'));
    const weightUnitCode = field(f, IDX.enteredWeightUnit) || field(f, IDX.billedWeightUnit);
    shipment = {
      trackingNumber: tracking,
      leadTrackingNumber: field(f, IDX.leadShipmentNumber),
      packageRow,
      packageCount: field(f, IDX.packageQuantity),
      service: packageRank !== undefined ? description : '',
      serviceRank: packageRank ?? 0,
      shipDate: (packageRow ? field(f, IDX.shipmentDate) : '') || field(f, IDX.transactionDate),
      zone: field(f, IDX.zone),
      enteredWeight: packageRow ? field(f, IDX.enteredWeight) : '',
      billedWeight: packageRow ? field(f, IDX.billedWeight) : '',
      weightUnit: packageRow ? (WEIGHT_UNITS[weightUnitCode.toUpperCase()] ?? weightUnitCode) : '',
      dimensions: dims,
      dimensionUnit,
      volumetricWeight: '',
      senderPostcode: field(f, IDX.senderPostal),
      senderCountry: field(f, IDX.senderCountry),
      receiverPostcode: field(f, IDX.receiverPostal),
      receiverCountry: field(f, IDX.receiverCountry),
    };
  }

  return {
    row: rec.row,
    invoice: {
      number: field(f, IDX.invoiceNumber),
      date: field(f, IDX.invoiceDate),
      accountNumber: field(f, IDX.accountNumber),
      currency: field(f, IDX.invoiceCurrency),
      statedTotal: field(f, IDX.invoiceAmount),
    },
    shipment,
    charges,
    columns: COLUMN_LABELS,
  };
}

const NO_CHARGES: readonly RawCharge[] = Object.freeze([]);
