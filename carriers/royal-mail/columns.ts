/**
 * Royal Mail's two invoice layouts as data (shared/formats.md 5A, 5B). Both are read by header
 * name, in any column order (BEx reports are user-configurable); messages name a column by its
 * 1-based position and header text (`33 Net Value`). The repeated `VAT Rate`/`VAT Total` pairs of
 * the pipe download are never read.
 */

// ---------------------------------------------------------------------------------------------
// 5A: single-invoice download, pipe-separated, cp1252 [CA-RM]

/** The download's one header row as Royal Mail writes it (34 names, five repeated VAT pairs) [CA-RM]. */
export const PIPE_HEADER = [
  'Royal Mail Address', 'Document Type', 'Document Number', 'Account Number', 'Total Net', 'Total VAT', 'Total Gross',
  'Invoice Date', 'Customer Address', 'Terms', 'Payment Type/Code', 'Legal Entity', 'Pay By',
  'VAT Rate', 'VAT Total', 'VAT Rate', 'VAT Total', 'VAT Rate', 'VAT Total', 'VAT Rate', 'VAT Total', 'VAT Rate', 'VAT Total',
  'Docket Number', 'Posting Date', 'Poster', 'Senders Ref', 'Format', 'Service', 'Quantity', 'Weight (kg)', 'Unit Cost',
  'Net Value', 'VAT Code',
] as const;

export const PIPE_DELIMITER = '|';

/** The columns we read, by every name we accept (compared without case, spaces or punctuation). */
export const PIPE_COLUMNS = {
  documentNumber: ['Document Number', 'Document No.'],
  accountNumber: ['Account Number', 'Account No.'],
  totalNet: ['Total Net'],
  invoiceDate: ['Invoice Date'],
  docketNumber: ['Docket Number', 'Docket No.'],
  postingDate: ['Posting Date'],
  poster: ['Poster'],
  service: ['Service'],
  quantity: ['Quantity'],
  weight: ['Weight (kg)', 'Weight'],
  // commentary rows write their text here (`Total Cost Pre Surcharge £53.25, ...`) [real hhbyte file]
  unitCost: ['Unit Cost'],
  netValue: ['Net Value'],
} as const satisfies Record<string, readonly string[]>;

export const PIPE_REQUIRED = ['documentNumber', 'accountNumber', 'totalNet', 'invoiceDate', 'docketNumber', 'service', 'netValue'] as const;

/** Which engine message label each pipe column provides. */
export const PIPE_LABELS = {
  invoiceNumber: 'documentNumber',
  // no currency column (LAYOUT_CURRENCY): point at the stated total
  currency: 'totalNet',
  statedTotal: 'totalNet',
  trackingNumber: 'docketNumber',
  shipDate: 'postingDate',
  packageCount: 'quantity',
  enteredWeight: 'weight',
  billedWeight: 'weight',
  incentive: 'netValue',
  description: 'service',
} as const;

/**
 * Docket services that bill the account, not a posting: an invoice-level charge with no
 * shipment (formats.md 5A, 8.1: `Sales Order Admin Charge LL or P`). Matched as prefixes,
 * case-insensitively.
 */
export const PIPE_ADMIN_SERVICES: readonly string[] = ['Sales Order Admin Charge'];

/** The consolidated download (several invoices at once): the same columns, comma-separated, quoted. */
export const CONSOLIDATED_DELIMITER = ',';

/**
 * Commentary rows under a docket that split its Net Value (the real hhbyte download: `Total Cost
 * Pre Surcharge £53.25, Surcharge of £5.86`, `Green Surcharge of £0.75`; formats.md 8.2 also
 * names `Total surcharge £1.40`, the surcharges of the docket together). Matched on the
 * commentary text (Unit Cost column), case-insensitively; amounts in pounds, `£` optional.
 */
const POUNDS = String.raw`£?\s*(-?[0-9][0-9,]*(?:\.[0-9]+)?)`;
export const COMMENTARY = {
  /** Pre-surcharge cost (the postage) and the surcharge on it. */
  preSurcharge: new RegExp(String.raw`^Total Cost Pre Surcharge\s*${POUNDS}\s*,\s*Surcharge of\s*${POUNDS}\s*$`, 'i'),
  green: new RegExp(String.raw`^Green Surcharge of\s*${POUNDS}\s*$`, 'i'),
  /** Every surcharge of the docket together (the green one included). */
  docketSurcharges: new RegExp(String.raw`^Total surcharge\s*${POUNDS}\s*$`, 'i'),
} as const;

/**
 * The charge names the split lines are loaded under (charges.ts maps them): the commentary's own
 * words for the two surcharges.
 */
export const SURCHARGE_NAMES = { surcharge: 'Surcharge', green: 'Green Surcharge' } as const;

/**
 * The invoice's closing commentary row: its own figure for every surcharge on the invoice, in
 * Net Value (`Total surcharge included on this invoice|51.54`), checked against the surcharge
 * lines loaded for the invoice.
 */
export const INVOICE_SURCHARGE_TOTAL = 'Total surcharge included on this invoice';

// ---------------------------------------------------------------------------------------------
// 5B: SAP BEx analytics export, comma, two header rows, `Overall Result` footer [T-RM, RM-SAP]
//
// The full 38-column header text is not public (formats.md 7). Names marked "ours" are our
// choice; the others and every position we read come from T-RM's field list and RM-SAP's
// indices (0-based there: 0 date, 1 sales order, 9/10 country, 11/12 product, 20 volume,
// 32 net value, 34 gross value).

/** The column names of the export as we know it (38), in its usual order; read by name. */
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

export const BEX_DELIMITER = ',';

/**
 * The columns we read, by every name we accept: a BEx report's columns can be reordered and
 * renamed by its user (`Product Description` for `Product Name`), and extra ones added.
 */
export const BEX_COLUMNS = {
  salesOrderDate: ['Sales Order Date', 'Order Date'],
  salesOrderNo: ['Sales Order No.', 'Sales Order Number', 'Sales Order No'],
  invoiceNumber: ['Invoice Number', 'Invoice No.'],
  invoiceDate: ['Invoice Date'],
  accountNumber: ['Account Number', 'Account No.'],
  countryCode: ['Country Code', 'Destination Country Code'],
  productCode: ['Product Code', 'Product ID'],
  productName: ['Product Name', 'Product Description'],
  volume: ['Volume', 'Items', 'Quantity'],
  totalWeight: ['Total Weight'],
  weightUnit: ['Weight Unit', 'Unit of Weight'],
  netValue: ['Net Value', 'Net Amount'],
} as const satisfies Record<string, readonly string[]>;

/** Without these a row cannot be loaded. */
export const BEX_REQUIRED = ['salesOrderNo', 'invoiceNumber', 'invoiceDate', 'accountNumber', 'productCode', 'productName', 'volume', 'netValue'] as const;

/** Which engine message label each BEx column provides. */
export const BEX_LABELS = {
  currency: 'netValue',
  // no per-invoice total in BEx; the Overall Result row is the file's control total
  statedTotal: 'netValue',
  trackingNumber: 'salesOrderNo',
  shipDate: 'salesOrderDate',
  packageCount: 'volume',
  enteredWeight: 'totalWeight',
  billedWeight: 'totalWeight',
  incentive: 'netValue',
  description: 'productName',
} as const;

/** First field of SAP BEx's file total row: the control total (formats.md 5B, 8.1). */
export const BEX_OVERALL_RESULT = 'Overall Result';
/** First field of BEx subtotal rows (SAP convention, **inferred**): neither charges nor totals we check. */
export const BEX_SUBTOTAL = 'Result';
/** SAP's "not assigned": an empty cell [RM-SAP]. */
export const BEX_NOT_ASSIGNED = '#';
/** Lines a BEx export may have before its column names: a report title [RM-SAP skips 3] and the group labels. */
export const BEX_MAX_ROWS_ABOVE = 4;

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

/** Dot decimals in both layouts; BEx groups thousands with commas inside quotes (`"1,234.56"`). */
export const NUMBER_FORMAT = { decimal: '.', thousands: ',' } as const;

