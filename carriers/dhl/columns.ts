/**
 * DHL Express MyBill invoice CSV: the header names we read, as data (shared/formats.md 2A).
 * The file has a header row, and its spelling varies by country and download: DX-UK/DX-TW
 * write `Weight (kg)` and `Total amount (excl. VAT)`, the Danish reference header writes
 * `Weight(kg)` and `Total amount(excl.VAT)` [DX-DK]. So names are compared normalised (every
 * space removed, case-folded) and the column order in the file does not matter.
 */

/** Field → every spelling seen (compared by `normalizeHeader`). Positions are DX-UK's, 1-based. */
export const HEADER_ALIASES = {
  lineType: ['Line Type'], // 1: I = invoice row, S = shipment row [DX-UK, DX-TW, DX-VN]
  billingSource: ['Billing Source'], // 2: `DE-TD`, `TW-TD` [DX-DE, DX-TW]
  invoiceNumber: ['Invoice Number'], // 4: station + identifier, `TPER012345678` [DX-TW]
  invoiceDate: ['Invoice Date'], // 8: YYYYMMDD
  billingAccount: ['Billing Account'], // 12 [DX-DE]
  shipmentNumber: ['Shipment Number'], // 24: the AWB, 10 digits, text
  shipmentDate: ['Shipment Date'], // 25: YYYYMMDD
  product: ['Product'], // 31: `P`, DE letters S U T Y E V N Z [DX-TW, DX-DE]
  productName: ['Product Name'], // 32: `EXPRESS WORLDWIDE nondoc` [DX-TW]
  pieces: ['Pieces'], // 33
  origCountryCode: ['Orig Country Code'], // 36
  sendersPostcode: ['Senders Postcode'], // 42
  sendersCountry: ['Senders Country'], // 45
  destCountryCode: ['Dest Country Code'], // 49
  receiversPostcode: ['Receivers Postcode'], // 55
  receiversCountry: ['Receivers Country'], // 58
  dimensions: ['Dimensions'], // 63
  custScaleWeight: ['Cust Scale Weight (A)'], // 64: what the shipper entered
  custVolWeight: ['Cust Vol Weight (V)'], // 66
  dhlVolWeight: ['DHL Vol Weight (W)'], // 67
  weight: ['Weight (kg)'], // 69: chargeable weight after rounding [DX-TW]
  currency: ['Currency'], // 70
  totalExclVat: ['Total amount (excl. VAT)'], // 71: on the I row, the invoice's stated total
  invoiceFee: ['Invoice Fee'], // 76
  weightCharge: ['Weight Charge'], // 77: the freight
  otherCharges1: ['Other Charges 1'], // 79
  otherCharges1Amount: ['Other Charges 1 Amount'], // 80
  otherCharges2: ['Other Charges 2'], // 81
  otherCharges2Amount: ['Other Charges 2 Amount'], // 82
  discount1: ['Discount 1'], // 83
  discount1Amount: ['Discount 1 Amount'], // 84
  discount2: ['Discount 2'], // 85
  discount2Amount: ['Discount 2 Amount'], // 86
  discount3: ['Discount 3'], // 87
  discount3Amount: ['Discount 3 Amount'], // 88
} as const satisfies Record<string, readonly string[]>;

export type Field = keyof typeof HEADER_ALIASES;

/** Without these a row cannot be loaded; a header without one is reported column by column. */
export const REQUIRED_FIELDS = [
  'lineType',
  'invoiceNumber',
  'invoiceDate',
  'shipmentNumber',
  'totalExclVat',
  'weightCharge',
] as const satisfies readonly Field[];

/**
 * Names that only a MyBill header has. A header with fewer than MIN_SIGNATURE of them is not a
 * DHL Express file at all (one `wrong_format`, not a list of 6 missing columns); `detect` uses
 * the same list.
 */
export const SIGNATURE_FIELDS = [
  'lineType',
  'billingSource',
  'invoiceNumber',
  'shipmentNumber',
  'weightCharge',
  'custScaleWeight',
  'totalExclVat',
] as const satisfies readonly Field[];
export const MIN_SIGNATURE = 4;

/** `Other Charges n` (label) and `Other Charges n Amount` pairs, in column order. */
export const OTHER_CHARGES = [
  ['otherCharges1', 'otherCharges1Amount'],
  ['otherCharges2', 'otherCharges2Amount'],
] as const satisfies ReadonlyArray<readonly [Field, Field]>;

/** `Discount n` (label) and `Discount n Amount` pairs, in column order. */
export const DISCOUNTS = [
  ['discount1', 'discount1Amount'],
  ['discount2', 'discount2Amount'],
  ['discount3', 'discount3Amount'],
] as const satisfies ReadonlyArray<readonly [Field, Field]>;

/**
 * The extra-charge slots: DX-UK has XC1..XC9, each `Code, Name, Charge, Tax Code, Tax,
 * Discount, Total`; an older header seen in code stops at XC7 [public parser]. We read the
 * slots the header has (`Code` and `Charge` at least) and up to MAX_XC_SLOTS.
 */
export const MAX_XC_SLOTS = 9;
export const XC_PARTS = ['Code', 'Name', 'Charge', 'Discount'] as const;
export type XcPart = (typeof XC_PARTS)[number];

/** `XC3 Charge`: the DX-UK name of a slot column. */
export function xcName(slot: number, part: XcPart): string {
  return `XC${slot} ${part}`;
}

/** Line Type values (formats.md 2A). */
export const LINE_TYPES = { invoice: 'I', shipment: 'S' } as const;

/** Delimiters the downloads use: `,` quoted or not, `;` unquoted (DocumentDownload) [DX-DE, DX-TW, DX-VN]. */
export const DELIMITERS: readonly string[] = [',', ';'];

/** MyBill writes every weight in kilograms and dimensions in centimetres (`Weight (kg)`; inferred for dims). */
export const WEIGHT_UNIT = 'kg';
export const DIMENSION_UNIT = 'cm';

/**
 * How row-level messages name the XC slots as a whole; each charge names its own slot
 * (`RawCharge.descriptionColumn`: `XC3 Name`), which unmapped-charge warnings use.
 */
export const XC_NAME_COLUMNS = 'XCn Name';
export const XC_DISCOUNT_COLUMNS = 'XCn Discount';

/** Header cell → comparison key: no spaces (any whitespace, BOM), case-folded. */
export function normalizeHeader(name: string): string {
  return name.replace(/[\s\uFEFF]+/g, '').toLowerCase();
}
