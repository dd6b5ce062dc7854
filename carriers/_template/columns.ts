/**
 * TEMPLATE: the header names of the carrier's invoice file, as data (design.md habit 4). Each
 * field lists every spelling seen (languages, exporter versions); the parser compares them
 * trimmed and case-insensitively, so the column order in the file does not matter.
 *
 * Replace the example names with the ones the carrier really writes, and cite where each was
 * seen (a shared/formats.md section and its source tag) in a comment next to it.
 */

export const HEADER_ALIASES = {
  invoiceNumber: ['Invoice Number', 'Invoice No.', 'Rechnungsnummer'],
  invoiceDate: ['Invoice Date', 'Rechnungsdatum'],
  accountNumber: ['Account Number', 'Customer Number', 'Kundennummer'],
  currency: ['Currency', 'Währung'],
  /** The invoice total the file states, used for reconciliation (leave out if there is none). */
  invoiceTotal: ['Invoice Total', 'Rechnungsbetrag'],
  trackingNumber: ['Tracking Number', 'Parcel Number', 'Paketnummer'],
  shipDate: ['Ship Date', 'Versanddatum'],
  service: ['Service', 'Product', 'Produkt'],
  weight: ['Weight', 'Gewicht'],
  weightUnit: ['Weight Unit'],
  receiverPostcode: ['Receiver Postcode', 'Empfänger-PLZ'],
  receiverCountry: ['Receiver Country', 'Empfängerland'],
  chargeDescription: ['Charge', 'Charge Description', 'Leistung'],
  chargeCode: ['Charge Code'],
  amount: ['Amount', 'Net Amount', 'Betrag'],
} as const satisfies Record<string, readonly string[]>;

export type Field = keyof typeof HEADER_ALIASES;

/** Without these a row cannot be loaded: a header that lacks one is not this carrier's file. */
export const REQUIRED_FIELDS = ['invoiceNumber', 'invoiceDate', 'chargeDescription', 'amount'] as const satisfies readonly Field[];

/** Delimiters the carrier's exports use; the parser sniffs which one a file has. */
export const DELIMITERS: readonly string[] = [',', ';'];

/** The carrier's weight unit codes → canonical units (`kg`, `lb`, `oz`). */
export const WEIGHT_UNITS: Readonly<Record<string, string>> = { KG: 'kg', KGS: 'kg', LB: 'lb', LBS: 'lb', OZ: 'oz' };

/** Unit of the weight column when the file has no unit column. */
export const DEFAULT_WEIGHT_UNIT = 'kg';
