/**
 * GLS invoice CSVs (shared/formats.md 4b, 8.1, 8.4): the header CSV (one row per charge, Danish
 * or German names) and the German legacy detail CSV (no header, one row per parcel, eight
 * surcharge columns melted into charges, integer cents, tenths of a kilogram).
 */
import { defineLayout, type ChargeDraft, type Row } from '../../src/carrier-kit/index.js';
import { FREIGHT_LABELS } from './charges.js';
import {
  DELIMITERS,
  HEADER_ALIASES,
  HEADER_LABELS,
  HEADER_WEIGHT_UNIT,
  LEGACY_COL,
  LEGACY_CURRENCY,
  LEGACY_FREIGHT_DESCRIPTION,
  LEGACY_LABELS,
  LEGACY_SURCHARGES,
  LEGACY_TRAILING,
  LEGACY_WIDTH,
  REQUIRED_HEADER_FIELDS,
  type HeaderField,
} from './columns.js';

const ZERO_AMOUNT = /^[-+]?0*(?:[.,]0*)?$/;
const DIGITS = /^\d+$/;
const SIGNED_INTEGER = /^-?\d+$/;
const OPTIONAL_INTEGER = /^-?\d*$/;
const DOTTED_DATE = /^\d{1,2}\.\d{1,2}\.\d{4}$/;
/** Decimal separator of the legacy locale, used when writing converted weights. */
const LEGACY_DECIMAL = ',';

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

export const header = defineLayout<HeaderField, undefined>({
  id: 'header',
  name: 'GLS header CSV',
  delimiters: DELIMITERS,
  // decimal comma, `.` thousands: `1.261,25` (formats.md 8.4)
  locale: { number: { decimal: ',', thousands: '.' } },
  header: { columns: HEADER_ALIASES, required: REQUIRED_HEADER_FIELDS },
  labels: HEADER_LABELS,
  detect: { confidence: 0.95 },
  toLines(r) {
    const description = r.get('description');
    const parcel = r.get('parcelNumber');
    // The freight row describes the parcel (weight, product); surcharge rows may repeat the
    // weight, but only one row per parcel may count as its package.
    const d = description.toLowerCase();
    const packageRow = FREIGHT_LABELS.some((l) => d.startsWith(l));
    const weight = packageRow ? r.get('weight') : '';
    return {
      invoice: { number: r.get('invoiceNumber'), date: r.get('invoiceDate'), accountNumber: r.get('accountNumber'), currency: r.get('currency') },
      // Rows without a parcel number are invoice-level charges (energy, tolls, pre-financing,
      // discounts: formats.md 4b.3).
      shipment:
        parcel === ''
          ? null
          : {
              trackingNumber: parcel,
              packageRow,
              packageCount: packageRow ? '1' : '0',
              service: packageRow ? r.get('product') : '',
              shipDate: r.get('shipDate'),
              billedWeight: weight,
              weightUnit: weight === '' ? '' : HEADER_WEIGHT_UNIT,
              receiverPostcode: r.get('receiverPostcode'),
              receiverCountry: r.get('receiverCountry'),
            },
      charges: [{ description, amount: r.get('amount'), currency: r.get('currency'), field: 'amount' }],
    };
  },
});

/** The legacy columns, the surcharge columns (`surcharge10`...) and the optional 23rd field. */
const LEGACY_POSITIONS: Readonly<Record<string, readonly [number, string]>> = {
  ...LEGACY_COL,
  ...Object.fromEntries(LEGACY_SURCHARGES.map((s) => [`surcharge${s.position}`, [s.position, s.description] as const])),
  trailing: LEGACY_TRAILING,
};

/**
 * How many of the legacy layout's shape checks a row passes, as a fraction: width, a numeric
 * invoice number, a DD.MM.YYYY invoice date, a numeric parcel number, integer weight and
 * freight, and integer (or empty) surcharge cells.
 */
function legacyShape(r: Row<string>): number {
  if (!(r.width === LEGACY_WIDTH || (r.width === LEGACY_WIDTH + 1 && r.get('trailing') === ''))) return 0;
  let score = 1;
  if (DIGITS.test(r.get('invoiceNumber'))) score++;
  if (DOTTED_DATE.test(r.get('invoiceDate'))) score++;
  if (DIGITS.test(r.get('parcelNumber'))) score++;
  if (SIGNED_INTEGER.test(r.get('billedWeight')) && SIGNED_INTEGER.test(r.get('netAmount'))) score++;
  if (LEGACY_SURCHARGES.every((s) => OPTIONAL_INTEGER.test(r.get(`surcharge${s.position}`)))) score++;
  return score / 6;
}

export const legacy = defineLayout<string, undefined>({
  id: 'legacy',
  name: 'GLS legacy detail CSV',
  delimiters: DELIMITERS,
  // integer cents [AT-IMP]; weights arrive here already converted to `2,5`
  locale: { number: { decimal: ',', thousands: '', impliedMinor: true } },
  currency: LEGACY_CURRENCY,
  positions: { columns: LEGACY_POSITIONS, width: { min: LEGACY_WIDTH, max: LEGACY_WIDTH + 1 } },
  labels: LEGACY_LABELS,
  // every sampled row must have the full shape; parse accepts a first row with a few bad
  // values, so they are reported where they are
  detect: { confidence: 0.95, signature: legacyShape, rows: 'all', accept: 4 / 6 },
  toLines(r) {
    if (r.width === LEGACY_WIDTH + 1 && r.get('trailing') !== '') {
      r.issue('error', 'column_count', null, `has ${r.width} fields; a GLS legacy detail row has ${LEGACY_WIDTH}`);
      return null;
    }
    // Column 19 is the freight only; the surcharges are added from columns 10-17 (formats.md 8.4).
    const charges: ChargeDraft[] = [{ description: LEGACY_FREIGHT_DESCRIPTION, amount: r.get('netAmount'), field: 'netAmount' }];
    for (const s of LEGACY_SURCHARGES) {
      const amount = r.get(`surcharge${s.position}`);
      if (!ZERO_AMOUNT.test(amount)) charges.push({ description: s.description, amount, field: `surcharge${s.position}`, descriptionColumn: r.label(`surcharge${s.position}`) });
    }
    let weight = tenthsToKilograms(r.get('billedWeight'), LEGACY_DECIMAL);
    if (weight === null) {
      r.issue('warning', 'bad_number', 'billedWeight', `"${r.get('billedWeight')}" is not a weight in tenths of a kilogram; stored as empty`);
      weight = '';
    }
    const parcel = r.get('parcelNumber');
    return {
      // GLS states invoice totals only in the PDF (formats.md 4b.3, 8.1).
      invoice: { number: r.get('invoiceNumber'), date: r.get('invoiceDate'), accountNumber: r.get('customerNumber') },
      shipment:
        parcel === ''
          ? null
          : {
              trackingNumber: parcel,
              packageCount: '1',
              shipDate: r.get('labelDate'),
              billedWeight: weight,
              weightUnit: weight === '' ? '' : 'kg',
              receiverPostcode: r.get('receiverPostcode'),
              // space-padded in the file [AT-IMP]; the kit trims
              receiverCountry: r.get('receiverCountry'),
            },
      charges,
    };
  },
});
