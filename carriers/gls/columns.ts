/**
 * GLS file layouts as data (shared/formats.md 4b, 8.4; design.md habit 4). Two layouts:
 *
 * - the German **legacy detail CSV**: no header, 22 positional columns, integer cents and
 *   tenths of a kilogram, eight surcharge columns whose meaning is set by the customer's
 *   contract (`LEGACY_SURCHARGES`, edit it when a contract differs);
 * - the **header CSV**, one row per charge, with Danish or German column names
 *   (`HEADER_ALIASES`).
 *
 * Positions are 1-based, as formats.md writes them.
 */
/** Both layouts are semicolon-separated [AT-IMP; formats.md 8.4]. */
export const DELIMITERS = [';'] as const;

// ---------------------------------------------------------------------------------------------
// Legacy detail CSV (formats.md 4b.1 [AT-IMP], 8.4)

/** Fields per legacy row [AT-IMP]. */
export const LEGACY_WIDTH = 22;

/** The legacy layout names no currency: it is a German (EUR) export (formats.md 8.4). */
export const LEGACY_CURRENCY = 'EUR';

/** Columns we read, `[position, name for messages]`. 4, 9, 21 and 22 are unused [AT-IMP]. */
export const LEGACY_COL = {
  invoiceNumber: [1, 'Invoice No'],
  invoiceDate: [2, 'Invoice Date'],
  customerNumber: [3, 'Customer No'],
  parcelNumber: [5, 'Parcel No'],
  labelDate: [6, 'Label Date'],
  receiverCountry: [7, 'Receiver Country'],
  receiverPostcode: [8, 'Receiver Postcode'],
  billedWeight: [18, 'Billed Weight (0.1 kg)'],
  netAmount: [19, 'Net Amount'],
  reference: [20, 'Reference 1'],
} as const satisfies Record<string, readonly [number, string]>;

export type LegacyColumn = keyof typeof LEGACY_COL;

/** One surcharge column of the legacy layout: where it is and the charge it holds. */
export interface LegacySurcharge {
  /** 1-based column. */
  readonly position: number;
  /**
   * The charge name stored in `charges.charge_description`; it must map to a code in
   * charges.ts (test/carriers/gls.test.ts checks that every name here does).
   */
  readonly description: string;
}

/**
 * Columns 10-17 in the order formats.md 8.4 fixes. GLS customers have contracts with other
 * surcharge sets; for such a customer change the names here (and add any new name to
 * charges.ts). Names follow GLS DE's own service and charge names where one is known
 * [GLS-PR, GLS-WEB]; the island/remote and "other" names are ours.
 */
export const LEGACY_SURCHARGES: readonly LegacySurcharge[] = [
  { position: 10, description: 'Maut' },
  { position: 11, description: 'Energiezuschlag' },
  { position: 12, description: 'Zustellung Privatadresse' },
  { position: 13, description: 'Insel-/Sondergebietszuschlag' },
  { position: 14, description: 'Weighing Service' },
  { position: 15, description: 'NSG' },
  { position: 16, description: 'Saisonzuschlag' },
  { position: 17, description: 'Sonstige Zuschläge' },
];

/** Charge name of column 19, which holds the freight only (formats.md 8.4). */
export const LEGACY_FREIGHT_DESCRIPTION = 'Fracht';

/** Which engine message label each legacy column provides. */
export const LEGACY_LABELS = {
  accountNumber: 'customerNumber',
  trackingNumber: 'parcelNumber',
  shipDate: 'labelDate',
  enteredWeight: 'billedWeight',
} as const;

/** A 23rd field is allowed only empty: some exporters end each line with a `;` (inferred). */
export const LEGACY_TRAILING: readonly [number, string] = [23, 'after the last column'];

// ---------------------------------------------------------------------------------------------
// Header CSV, one row per charge (formats.md 8.4)

/**
 * Header names per field, every spelling we support: Danish and German as formats.md 8.4
 * lists them, plus the unabbreviated forms. Compared after the kit's `normalizeName`, so case, spaces,
 * dots, hyphens and brackets do not matter (`Empfänger-PLZ` = `Empfänger PLZ`).
 */
export const HEADER_ALIASES = {
  invoiceNumber: ['Fakturanr.', 'Fakturanummer', 'Rechnungsnummer', 'Rechnungsnr.'],
  invoiceDate: ['Fakturadato', 'Rechnungsdatum'],
  accountNumber: ['Kundenr.', 'Kundenummer', 'Kundennummer', 'Kundennr.'],
  parcelNumber: ['Pakkenr.', 'Pakkenummer', 'Paketnummer', 'Paketnr.'],
  shipDate: ['Afsendelsesdato', 'Versanddatum'],
  product: ['Produkt'],
  receiverCountry: ['Modtagerland', 'Empfängerland'],
  receiverPostcode: ['Modtagerpostnr.', 'Modtagerpostnummer', 'Empfänger-PLZ', 'Empfängerpostleitzahl'],
  weight: ['Vægt (kg)', 'Gewicht (kg)'],
  description: ['Ydelse', 'Leistung'],
  amount: ['Beløb', 'Betrag'],
  currency: ['Valuta', 'Währung'],
  reference: ['Reference', 'Referenz'],
} as const satisfies Record<string, readonly string[]>;

export type HeaderField = keyof typeof HEADER_ALIASES;

/**
 * Without these a row cannot be loaded; a header naming all of them is a GLS header CSV. The
 * parcel number is required although it may be empty on a row (invoice-level charge).
 */
export const REQUIRED_HEADER_FIELDS = ['invoiceNumber', 'invoiceDate', 'parcelNumber', 'description', 'amount'] as const satisfies readonly HeaderField[];

/** Weight column unit: both languages name it in the header, `(kg)` (formats.md 8.4). */
export const HEADER_WEIGHT_UNIT = 'kg';

/** Which engine message label each header column provides. */
export const HEADER_LABELS = {
  trackingNumber: 'parcelNumber',
  packageCount: 'parcelNumber',
  enteredWeight: 'weight',
  billedWeight: 'weight',
  statedTotal: 'amount',
  incentive: 'amount',
} as const;
