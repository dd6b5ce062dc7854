/**
 * TEMPLATE: copy this folder to start a carrier (see README.md here). Not registered in
 * carriers/index.ts, so the engine never uses it. A carrier is a list of layouts: here one CSV
 * layout (header row, one row per charge) and one workbook layout (header row, one row per
 * parcel, amount columns). The kit reads the files, matches the headers, checks the rows and
 * reports problems; a layout says only what is particular to its files.
 */
import { defineCarrier, defineLayout, type ChargeDraft } from '../../src/carrier-kit/index.js';
import { TEMPLATE_CHARGES } from './charges.js';
import { CSV_COLUMNS, CSV_LABELS, CSV_REQUIRED, SHEET_COLUMNS, SHEET_REQUIRED, WEIGHT_UNITS } from './columns.js';

const chargeCsv = defineLayout<keyof typeof CSV_COLUMNS, undefined>({
  id: 'charge-csv',
  name: 'Template charge CSV',
  // sniffed among these (quotes respected)
  delimiters: [',', ';'],
  header: { columns: CSV_COLUMNS, required: CSV_REQUIRED },
  labels: CSV_LABELS,
  // a header naming every required field: this score; some but not all: below 0.5
  detect: { confidence: 0.8 },
  toLines(r) {
    const tracking = r.get('trackingNumber');
    const weight = r.get('weight');
    return {
      invoice: { number: r.get('invoiceNumber'), date: r.get('invoiceDate'), accountNumber: r.get('accountNumber'), currency: r.get('currency'), statedTotal: r.get('invoiceTotal') },
      // a row without a tracking number is an invoice-level charge; the row with a weight is
      // the package row
      shipment:
        tracking === ''
          ? null
          : {
              trackingNumber: tracking,
              packageRow: weight !== '',
              packageCount: weight !== '' ? '1' : '0',
              service: r.get('service'),
              shipDate: r.get('shipDate'),
              billedWeight: weight,
              weightUnit: weight === '' ? '' : (WEIGHT_UNITS[r.get('weightUnit').toUpperCase()] ?? 'kg'),
              receiverPostcode: r.get('receiverPostcode'),
              receiverCountry: r.get('receiverCountry'),
            },
      charges: [{ description: r.get('chargeDescription'), code: r.get('chargeCode'), amount: r.get('amount'), field: 'amount' }],
    };
  },
});

const parcelSheet = defineLayout<keyof typeof SHEET_COLUMNS, undefined>({
  id: 'parcel-sheet',
  name: 'Template parcel workbook',
  kind: 'workbook',
  // a title and a blank line may sit above the header
  header: { columns: SHEET_COLUMNS, required: SHEET_REQUIRED, maxRowsAbove: 3 },
  detect: { confidence: 0.8 },
  // dates in a workbook arrive as ISO text (src/parsing/xlsx.ts)
  locale: { number: { decimal: '.', thousands: '' }, dateFormats: ['YYYY-MM-DD'] },
  currency: 'EUR',
  toLines(r) {
    const charges: ChargeDraft[] = (['freight', 'fuel'] as const)
      .filter((f) => f === 'freight' || r.get(f) !== '')
      .map((f) => ({ description: r.label(f), amount: r.get(f), field: f }));
    return {
      invoice: { number: r.get('invoiceNumber'), date: r.get('invoiceDate') },
      shipment: { trackingNumber: r.get('trackingNumber'), packageCount: '1', billedWeight: r.get('weight'), weightUnit: 'kg' },
      charges,
    };
  },
});

export const template = defineCarrier({
  // Stable id: used in paths, env names and the `carrier` column. Lower case, kebab-case.
  id: 'template',
  name: 'Template Carrier',
  locale: {
    // How the carrier writes amounts and measurements: decimal '.', ',' or 'either' (one of
    // them, no grouping); thousands separator or ''; impliedMinor when integers are cents.
    number: { decimal: '.', thousands: '' },
    // Tried in order; the first that gives a real calendar date wins.
    dateFormats: ['YYYY-MM-DD', 'DD.MM.YYYY'],
    // Used when a row names no currency.
    defaultCurrency: 'EUR',
  },
  charges: TEMPLATE_CHARGES,
  // L × W × H / divisor; seeded into volumetric_divisors by `etl migrate` (no migration needed)
  volumetricDivisors: [{ dimensionUnit: 'cm', weightUnit: 'kg', divisor: 5000 }],
  layouts: [chargeCsv, parcelSheet],
});
