/**
 * DSV's two layouts as data (design.md habit 4): the header names of the Danish
 * "fakturaspecifikation" CSV (compared by the kit: letters and digits only, so `Invoice no`,
 * `invoice_no` and `Invoice No.` are the same name), and the label words of the printed-invoice
 * workbook (shared/formats.md 3b, 8.5), compared after this file's `normalizeName`, which keeps
 * the spaces that tell `Moms 25%` from `Momsfri`.
 */
import type { ColumnLabels } from '../../src/carrier-kit/index.js';

// ---------------------------------------------------------------------------------------------
// Fakturaspecifikation CSV (formats.md 3b [DSV-BKI]): header row, columns found by name because
// their order is not given by the source and differs between exports.

export const CSV_HEADERS = {
  invoiceNumber: ['Invoice no', 'Invoice number', 'Invoice_No'],
  invoiceDate: ['Invoice date'],
  /** The DSV customer number: `invoices.account_number`. */
  customer: ['Customer'],
  /** The shipment key (formats.md 8.1). */
  consignment: ['Consignment_Number', 'Consignment no'],
  pickupDate: ['Pickup_Date'],
  /** Product (e.g. groupage, part load): `shipments.service` (inferred; the source only names it). */
  transport: ['Transport'],
  shipperPostcode: ['Shipper_Postcode'],
  shipperCountry: ['Shipper_Country'],
  consigneePostcode: ['Consignee_Postcode'],
  consigneeCountry: ['Consignee_Country'],
  colli: ['Colli'],
  grossWeight: ['Grossweight', 'Gross weight'],
  billingWeight: ['Billing_Weight'],
  /** The charge text; may end with a rate (`Olietillæg 21,30 %`). */
  chargeText: ['Calculation and texts'],
  currency: ['Currency'],
  /** Net amount in øre (integer minor units, formats.md 3b). VAT_Amount is deliberately not read (8.1). */
  amount: ['Amount'],
} as const satisfies Record<string, readonly string[]>;

export type CsvField = keyof typeof CSV_HEADERS;

/** Without these a row cannot be loaded: a header lacking one is not a DSV specification. */
export const CSV_REQUIRED = ['invoiceNumber', 'invoiceDate', 'consignment', 'chargeText', 'amount'] as const satisfies readonly CsvField[];

/**
 * The columns messages name for the engine's fields. The file states no invoice total and no
 * dimensions: those labels only name a related column.
 */
export const CSV_LABELS = {
  accountNumber: 'customer',
  statedTotal: 'amount',
  trackingNumber: 'consignment',
  shipDate: 'pickupDate',
  packageCount: 'colli',
  enteredWeight: 'grossWeight',
  billedWeight: 'billingWeight',
  dimensions: 'grossWeight',
  volumetricWeight: 'grossWeight',
  incentive: 'amount',
  description: 'chargeText',
} as const satisfies Partial<Record<keyof ColumnLabels, CsvField>>;

/** The specification is semicolon-separated (formats.md 3b, 6.2). */
export const CSV_DELIMITERS: readonly string[] = [';'];

/** Written for "no value" (formats.md 3b: the loader script maps it to NULL). Compared exactly. */
export const EMPTY_MARKERS: readonly string[] = ['NONE'];

/** Weights are kilograms (inferred: DSV Road DK quotes kg; the file has no unit column). */
export const CSV_WEIGHT_UNIT = 'kg';

// ---------------------------------------------------------------------------------------------
// Printed invoice (.xls, formats.md 8.5): everything is found by these words, never by address.
// Labels are Danish and/or English, often both in one cell (`Fakturanummer / Invoice number`):
// a cell is split at `/` and each part compared with these names.

/** Label/value pairs in the header block above the line table. */
export const SHEET_FIELDS = {
  invoiceNumber: ['Fakturanummer', 'Fakturanr', 'Faktura nr', 'Invoice number', 'Invoice no'],
  invoiceDate: ['Fakturadato', 'Invoice date'],
  accountNumber: ['Kundenummer', 'Kundenr', 'Kunde nr', 'Customer number', 'Customer no'],
  dueDate: ['Forfaldsdato', 'Due date'],
  currency: ['Valuta', 'Currency'],
} as const satisfies Record<string, readonly string[]>;

export type SheetField = keyof typeof SHEET_FIELDS;

/** A printed invoice without these cannot be loaded. */
export const SHEET_REQUIRED = ['invoiceNumber', 'invoiceDate'] as const satisfies readonly SheetField[];

/** The column header row of the line table (`Pos.`, `Beskrivelse / Description`, `Valuta`, `Beløb / Amount`). */
export const TABLE_HEADERS = {
  position: ['Pos', 'Position'],
  description: ['Beskrivelse', 'Description', 'Tekst', 'Text'],
  currency: ['Valuta', 'Currency'],
  amount: ['Beløb', 'Amount'],
} as const satisfies Record<string, readonly string[]>;

export type TableColumn = keyof typeof TABLE_HEADERS;

/** The table header row must name these; `Pos.` and `Valuta` are optional. */
export const TABLE_REQUIRED = ['description', 'amount'] as const satisfies readonly TableColumn[];

/**
 * Rows below the line table that are not line items, matched in this order by label prefix
 * (whole words: `Moms 25%` and `I alt DKK` match, `Momsfri` does not):
 * - `subtotal`: repeats the amount of the item above it (formats.md 8.5): never a charge;
 * - `net`: `I alt ekskl. moms / Total excl. VAT`: a summary, never a charge;
 * - `vat`: `Moms 25% / VAT 25%`: a charge line of its own (code `vat`, formats.md 8.1);
 * - `total`: `I alt DKK / Total DKK`: the stated total (it includes the VAT line); the table ends here.
 * `net` comes before `total` because both start with `I alt` / `Total`.
 */
export const SUMMARY_ROWS = [
  ['subtotal', ['Subtotal', 'Sub-total', 'Sub total', 'Mellemsum']],
  ['net', ['I alt ekskl. moms', 'I alt ekskl moms', 'Total excl. VAT', 'Total excl VAT', 'Total ekskl. moms', 'Netto i alt', 'Net total']],
  ['vat', ['Moms', 'VAT']],
  ['total', ['I alt', 'Total', 'At betale', 'Amount due']],
] as const satisfies ReadonlyArray<readonly [string, readonly string[]]>;

export type SummaryKind = (typeof SUMMARY_ROWS)[number][0];

/** How messages name the total row when the sheet has none. */
export const TOTAL_LABEL = 'I alt / Total';

/** Currency codes that can appear in the total row's label (`I alt DKK`), the fallback invoice currency. */
export const CURRENCY_CODES: ReadonlySet<string> = new Set(['DKK', 'SEK', 'NOK', 'EUR', 'USD', 'GBP', 'ISK', 'PLN', 'CHF']);

/** A cell of the `Valuta` column: an ISO currency code (a label printed there is not one). */
export const CURRENCY_VALUE = /^[A-Z]{3}$/;

/** A `Pos.` cell: a line number such as `1`, `01` or `2.1`. */
export const POSITION_VALUE = /^\d+(?:[.-]\d+)*$/;

/** Words that, seen in a workbook's first rows, make it more likely DSV's (detection only). */
export const SHEET_BRAND = /\bDSV\b/;

// ---------------------------------------------------------------------------------------------

/** How the printed invoice's labels are compared: trimmed, lower case, `_` as a space, runs of spaces collapsed, a trailing `:` or `.` dropped. */
export function normalizeName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .replace(/_/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[:.]+$/, '')
    .trim()
    .toLowerCase();
}
