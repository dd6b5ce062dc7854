/**
 * Royal Mail's two invoice layouts as data (shared/formats.md 5A, 5B). Both are positional: the
 * header is checked, then columns are read by position, because the pipe download repeats
 * `VAT Rate`/`VAT Total` five times and the BEx export's names are only informational [T-RM].
 * Positions are 1-based, as messages name them (`33 Net Value`).
 */
import type { ColumnLabels } from '../../src/carrier-kit/index.js';

// ---------------------------------------------------------------------------------------------
// 5A: single-invoice download, pipe-separated, cp1252 [CA-RM]

/** The download's one header row, in order (34 names, five repeated VAT pairs) [CA-RM]. */
export const PIPE_HEADER = [
  'Royal Mail Address', 'Document Type', 'Document Number', 'Account Number', 'Total Net', 'Total VAT', 'Total Gross',
  'Invoice Date', 'Customer Address', 'Terms', 'Payment Type/Code', 'Legal Entity', 'Pay By',
  'VAT Rate', 'VAT Total', 'VAT Rate', 'VAT Total', 'VAT Rate', 'VAT Total', 'VAT Rate', 'VAT Total', 'VAT Rate', 'VAT Total',
  'Docket Number', 'Posting Date', 'Poster', 'Senders Ref', 'Format', 'Service', 'Quantity', 'Weight (kg)', 'Unit Cost',
  'Net Value', 'VAT Code',
] as const;

export const PIPE_WIDTH = PIPE_HEADER.length;
export const PIPE_DELIMITER = '|';

/** 1-based positions of the columns we read. */
export const PIPE_COL = {
  royalMailAddress: 1,
  documentNumber: 3,
  accountNumber: 4,
  totalNet: 5,
  invoiceDate: 8,
  docketNumber: 24,
  postingDate: 25,
  poster: 26,
  service: 29,
  quantity: 30,
  weight: 31,
  netValue: 33,
} as const satisfies Record<string, number>;

/**
 * Docket services that bill the account, not a posting: an invoice-level charge with no
 * shipment (formats.md 5A, 8.1: `Sales Order Admin Charge LL or P`). Matched as prefixes,
 * case-insensitively.
 */
export const PIPE_ADMIN_SERVICES: readonly string[] = ['Sales Order Admin Charge'];

// ---------------------------------------------------------------------------------------------
// 5B: SAP BEx analytics export, comma, two header rows, `Overall Result` footer [T-RM, RM-SAP]
//
// The full 38-column header text is not public (formats.md 7). Names marked "ours" are our
// choice; the others and every position we read come from T-RM's field list and RM-SAP's
// indices (0-based there: 0 date, 1 sales order, 9/10 country, 11/12 product, 20 volume,
// 32 net value, 34 gross value).

/** Row 2 of the export: the column names (38). */
export const BEX_HEADER = [
  'Sales Order Date', // ours; T-RM field 1 "date", RM-SAP idx 0
  'Sales Order No.', // T-RM
  'Customer Reference', // ours
  'Invoice Number', // T-RM
  'Invoice Date', // T-RM
  'Account Number', // T-RM
  'Account Name', // ours
  'Posting Location', // ours
  'Document Type', // ours
  'Country Code', // ours name; RM-SAP idx 9
  'Country', // ours name; RM-SAP idx 10
  'Product Code', // T-RM, RM-SAP idx 11
  'Product Name', // T-RM, RM-SAP idx 12
  'Class of Mail', // ours (T-RM's 16-column file has class_of_mail)
  'Format', // ours (the pipe download has Format)
  '1-100g', // T-RM weight bands
  '101-500g',
  '501-1kg',
  '1001-2kg',
  '2001g-20kg',
  'Volume', // T-RM, RM-SAP idx 20
  'Total Weight', // T-RM
  'Average Weight', // ours
  'Weight Unit', // ours
  'Unit Price', // ours
  'List Value', // ours
  'Discount %', // ours
  'Discount Value', // ours
  'Surcharge Value', // ours
  'Price Plan', // ours
  'VAT Code', // ours (the pipe download has VAT Code)
  'VAT Rate', // ours
  'Net Value', // T-RM, RM-SAP idx 32
  'VAT Value', // ours
  'Gross Value', // T-RM, RM-SAP idx 34
  'Payment Terms', // ours
  'Due Date', // ours
  'Payment Status', // ours
] as const;

export const BEX_WIDTH = BEX_HEADER.length;
export const BEX_DELIMITER = ',';

/** Row 1: group labels, each written above the first column of its group [T-RM]. */
export const BEX_GROUPS = [
  [1, 'Sales Order'],
  [4, 'Invoice'],
  [10, 'Destination'],
  [12, 'Product'],
  [16, 'Volumes'],
  [25, 'Charges'],
] as const satisfies ReadonlyArray<readonly [number, string]>;

/** 1-based positions of the columns we read. */
export const BEX_COL = {
  salesOrderDate: 1,
  salesOrderNo: 2,
  invoiceNumber: 4,
  invoiceDate: 5,
  accountNumber: 6,
  countryCode: 10,
  productCode: 12,
  productName: 13,
  volume: 21,
  totalWeight: 22,
  weightUnit: 24,
  netValue: 33,
} as const satisfies Record<string, number>;

/** The header names that must sit at these positions (ours may be renamed by a real export). */
export const BEX_REQUIRED = ['salesOrderNo', 'invoiceNumber', 'invoiceDate', 'accountNumber', 'productCode', 'productName', 'volume', 'netValue'] as const satisfies ReadonlyArray<keyof typeof BEX_COL>;

/** First field of SAP BEx's file total row: the control total (formats.md 5B, 8.1). */
export const BEX_OVERALL_RESULT = 'Overall Result';
/** First field of BEx subtotal rows (SAP convention, **inferred**): neither charges nor totals we check. */
export const BEX_SUBTOTAL = 'Result';
/** SAP's "not assigned": an empty cell [RM-SAP]. */
export const BEX_NOT_ASSIGNED = '#';
/** Lines a BEx export may have before its group-label row (a report title) [RM-SAP skips 3]. */
export const BEX_MAX_TITLE_LINES = 3;

/**
 * Product codes that are not postage: administration and adjustment rows (formats.md 5B). They
 * join the sales order of the row above when they share its number (8.2); otherwise they are
 * invoice-level charges.
 */
export const BEX_NON_POSTAGE_CODES: ReadonlySet<string> = new Set(['RXA', 'IFB', 'IBB']);

/** Weight Unit codes → canonical units; an empty unit means kilograms (T-RM: `15.320`). */
export const BEX_WEIGHT_UNITS: Readonly<Record<string, string>> = { KG: 'kg', '': 'kg' };

// ---------------------------------------------------------------------------------------------
// Both layouts

/**
 * Neither layout names a currency: both are Royal Mail UK invoices in pounds sterling (the pipe
 * download's commentary writes `£` [CA-RM]). The parser states it instead of leaving it empty,
 * which would raise the engine's "no currency stated" warning on every invoice of every file.
 */
export const LAYOUT_CURRENCY = 'GBP';

/** Header names compare without case and whitespace (`Weight(kg)`, `NET VALUE`). */
export function normalizeName(name: string): string {
  return name.replace(/^\uFEFF/, '').replace(/\s+/g, '').toLowerCase();
}

function pipeLabel(pos: number): string {
  return `${pos} ${PIPE_HEADER[pos - 1] ?? ''}`;
}

export function bexLabel(pos: number): string {
  return `${pos} ${BEX_HEADER[pos - 1] ?? ''}`;
}

export const PIPE_NET_VALUE = pipeLabel(PIPE_COL.netValue);
export const BEX_NET_VALUE = bexLabel(BEX_COL.netValue);

export const PIPE_LABELS: ColumnLabels = Object.freeze({
  invoiceNumber: pipeLabel(PIPE_COL.documentNumber),
  invoiceDate: pipeLabel(PIPE_COL.invoiceDate),
  accountNumber: pipeLabel(PIPE_COL.accountNumber),
  // no currency column (LAYOUT_CURRENCY): point at the stated total
  currency: pipeLabel(PIPE_COL.totalNet),
  statedTotal: pipeLabel(PIPE_COL.totalNet),
  trackingNumber: pipeLabel(PIPE_COL.docketNumber),
  shipDate: pipeLabel(PIPE_COL.postingDate),
  packageCount: pipeLabel(PIPE_COL.quantity),
  enteredWeight: pipeLabel(PIPE_COL.weight),
  billedWeight: pipeLabel(PIPE_COL.weight),
  // not read (no such columns); named for completeness
  dimensions: pipeLabel(PIPE_COL.weight),
  volumetricWeight: pipeLabel(PIPE_COL.weight),
  incentive: pipeLabel(PIPE_COL.netValue),
  description: pipeLabel(PIPE_COL.service),
});

export const BEX_LABELS: ColumnLabels = Object.freeze({
  invoiceNumber: bexLabel(BEX_COL.invoiceNumber),
  invoiceDate: bexLabel(BEX_COL.invoiceDate),
  accountNumber: bexLabel(BEX_COL.accountNumber),
  currency: bexLabel(BEX_COL.netValue),
  // no per-invoice total in BEx; the Overall Result row is the file's control total
  statedTotal: bexLabel(BEX_COL.netValue),
  trackingNumber: bexLabel(BEX_COL.salesOrderNo),
  shipDate: bexLabel(BEX_COL.salesOrderDate),
  packageCount: bexLabel(BEX_COL.volume),
  enteredWeight: bexLabel(BEX_COL.totalWeight),
  billedWeight: bexLabel(BEX_COL.totalWeight),
  dimensions: bexLabel(BEX_COL.totalWeight),
  volumetricWeight: bexLabel(BEX_COL.totalWeight),
  incentive: bexLabel(BEX_COL.netValue),
  description: bexLabel(BEX_COL.productName),
});
