/**
 * TEMPLATE: the carrier's column names as data (design.md habit 4). Each field lists every
 * spelling seen (languages, exporter versions); the kit compares them without case, spaces or
 * punctuation, in any column order, and ignores columns not listed here.
 *
 * Replace the example names with the ones the carrier really writes, and cite where each was
 * seen (a shared/formats.md section and its source tag) in a comment next to it.
 */

/** One row per charge (the CSV export). */
export const CSV_COLUMNS = {
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

/** Without these a row cannot be loaded; a header missing one is quarantined, naming it. */
export const CSV_REQUIRED = ['invoiceNumber', 'invoiceDate', 'chargeDescription', 'amount'] as const;

/** Which engine message label each column provides (fields named like a label need no entry). */
export const CSV_LABELS = { statedTotal: 'invoiceTotal', description: 'chargeDescription', billedWeight: 'weight' } as const;

/**
 * One row per parcel (the spreadsheet export), freight and fuel in columns of their own: each
 * amount column becomes a charge named by its header text.
 */
export const SHEET_COLUMNS = {
  invoiceNumber: ['Invoice Number'],
  invoiceDate: ['Invoice Date'],
  trackingNumber: ['Tracking Number'],
  weight: ['Weight (kg)'],
  freight: ['Freight'],
  fuel: ['Fuel Surcharge'],
} as const satisfies Record<string, readonly string[]>;

export const SHEET_REQUIRED = ['invoiceNumber', 'invoiceDate', 'trackingNumber', 'freight'] as const;

/** The carrier's weight unit codes → canonical units (`kg`, `lb`, `oz`). */
export const WEIGHT_UNITS: Readonly<Record<string, string>> = { KG: 'kg', KGS: 'kg', LB: 'lb', LBS: 'lb', OZ: 'oz' };
