/**
 * DHL Express MyBill invoice CSV: the header names we read, as data (shared/formats.md 2A).
 * The file has a header row, and its spelling varies by country and download: DX-UK/DX-TW
 * write `Weight (kg)` and `Total amount (excl. VAT)`, the Danish reference header writes
 * `Weight(kg)` and `Total amount(excl.VAT)` [DX-DK]. So names are compared normalised (the
 * kit's: letters and digits only, case-folded) and the column order in the file does not matter.
 */

/** Field → every spelling seen. Positions are DX-UK's, 1-based. */
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
  totalExclVat: ['Total amount (excl. VAT)'], // 71: on the I row, the invoice's stated total; on an S row, the row's
  totalInclVat: ['Total amount (incl. VAT)'], // 72: what reduced-column extracts keep instead of 71 [alx]
  totalTax: ['Total Tax'], // 74
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
  'weightCharge',
] as const satisfies readonly Field[];

/**
 * A row's amount excl. VAT: `Total amount (excl. VAT)`, or, in reduced-column MyBill extracts
 * that keep only the amount incl. VAT and the tax [alx], `Total amount (incl. VAT)` − `Total Tax`.
 * Without either the row states no total (an invoice without an `I` row states none at all).
 */
export const TOTAL_EXCL_VAT = 'totalExclVat' as const satisfies Field;
export const TOTAL_INCL_VAT = ['totalInclVat', 'totalTax'] as const satisfies readonly [Field, Field];

/**
 * Names that only a MyBill header has. A header naming `Line Type` and more than MIN_SIGNATURE
 * of them is surely MyBill, with MIN_SIGNATURE likely (the reduced-column extracts [alx]), with
 * fewer doubtful; without `Line Type` it is not one (formats.md 2A).
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
/**
 * `XCn Discount` is a reduction of `XCn Charge` when written negative: the real alx extract has
 * `XC1 Charge 1374.75, XC1 Discount -601.09, XC1 Total 773.66` (Total = Charge + Tax + Discount),
 * so the slot bills Charge + Discount. A positive Discount is read as already taken off Charge
 * (our generated fixtures' convention; no real file shows one).
 */
export const XC_PARTS = ['Code', 'Name', 'Charge', 'Discount'] as const;
export type XcPart = (typeof XC_PARTS)[number];
export type XcField = `xc${number}${XcPart}`;

/** `xc3Charge`: the field of slot 3's `XC3 Charge` column. */
export function xcField(slot: number, part: XcPart): XcField {
  return `xc${slot}${part}`;
}

export const XC_SLOTS: readonly number[] = Array.from({ length: MAX_XC_SLOTS }, (_, i) => i + 1);

/** Every field the layout reads, with its header names: the named columns and each XC slot's. */
export type LayoutField = Field | XcField;
export const COLUMNS: Readonly<Record<LayoutField, readonly string[]>> = {
  ...HEADER_ALIASES,
  ...Object.fromEntries(XC_SLOTS.flatMap((n) => XC_PARTS.map((part) => [xcField(n, part), [`XC${n} ${part}`]]))),
};

/** Which engine message label each column provides (the rest are named like their label). */
export const LABELS = {
  accountNumber: 'billingAccount',
  statedTotal: 'totalExclVat',
  trackingNumber: 'shipmentNumber',
  shipDate: 'shipmentDate',
  packageCount: 'pieces',
  enteredWeight: 'custScaleWeight',
  billedWeight: 'weight',
  // DHL's own measurement; a row billed on the shipper's names `Cust Vol Weight (V)` itself
  volumetricWeight: 'dhlVolWeight',
} as const satisfies Partial<Record<string, Field>>;

/** Line Type values (formats.md 2A). */
export const LINE_TYPES = { invoice: 'I', shipment: 'S' } as const;

/** Delimiters the downloads use: `,` quoted or not, `;` unquoted (DocumentDownload) [DX-DE, DX-TW, DX-VN]. */
export const DELIMITERS: readonly string[] = [',', ';'];

/** MyBill writes every weight in kilograms and dimensions in centimetres (`Weight (kg)`; inferred for dims). */
export const WEIGHT_UNIT = 'kg';
export const DIMENSION_UNIT = 'cm';

/**
 * How row-level messages name the XC slots as a whole; each charge names its own slot
 * (`XC3 Name`, `XC3 Charge`), which unmapped-charge warnings use.
 */
export const XC_LABELS = { incentive: 'XCn Discount', description: 'XCn Name' } as const;
