/**
 * DPD invoice CSV, our documented layout (README.md here): semicolon-separated, one row per
 * parcel, the same fields under Dutch (DPD Nederland), German (DPD Deutschland) or English names.
 * Names compare without case, spaces or punctuation; columns may come in any order.
 */

/** Fields → accepted header names: Dutch, German, English. */
export const COLUMNS = {
  invoiceNumber: ['Factuurnummer', 'Rechnungsnummer', 'Invoice Number'],
  invoiceDate: ['Factuurdatum', 'Rechnungsdatum', 'Invoice Date'],
  accountNumber: ['Klantnummer', 'Kundennummer', 'Customer Number'],
  currency: ['Valuta', 'Währung', 'Currency'],
  invoiceTotal: ['Factuurbedrag', 'Rechnungsbetrag', 'Invoice Amount'],
  parcelNumber: ['Pakketnummer', 'Paketnummer', 'Parcel Number'],
  shipDate: ['Verzenddatum', 'Versanddatum', 'Shipping Date'],
  product: ['Product', 'Produkt'],
  weight: ['Gewicht (kg)', 'Weight (kg)'],
  receiverPostcode: ['Postcode ontvanger', 'PLZ Empfänger', 'Receiver Postcode'],
  receiverCountry: ['Land ontvanger', 'Empfängerland', 'Receiver Country'],
  reference: ['Referentie', 'Referenz', 'Reference'],
  freight: ['Vracht', 'Fracht', 'Freight'],
  fuel: ['Dieseltoeslag', 'Dieselzuschlag', 'Fuel Surcharge'],
  toll: ['Tol', 'Maut', 'Toll'],
  island: ['Eilandtoeslag', 'Inselzuschlag', 'Island Surcharge'],
  residential: ['Particuliere bezorging', 'Privatzustellung', 'Residential Delivery'],
} as const satisfies Record<string, readonly string[]>;

export type Field = keyof typeof COLUMNS;

export const REQUIRED = ['invoiceNumber', 'invoiceDate', 'parcelNumber', 'freight'] as const satisfies readonly Field[];

/**
 * The amount columns, each a charge named by its header text (`Dieselzuschlag`), which the charge
 * map resolves. Freight is billed on every row; the others when not zero.
 */
export const CHARGE_FIELDS = ['freight', 'fuel', 'toll', 'island', 'residential'] as const satisfies readonly Field[];

/** Which engine message label each column provides. */
export const LABELS = {
  statedTotal: 'invoiceTotal',
  trackingNumber: 'parcelNumber',
  packageCount: 'parcelNumber',
  enteredWeight: 'weight',
  billedWeight: 'weight',
  description: 'freight',
} as const;
