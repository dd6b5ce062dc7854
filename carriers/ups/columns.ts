/**
 * UPS Billing Data CSV: 250 positional columns, no header (shared/formats.md 1b, 1c).
 * Positions are 1-based as in UPS's data dictionary; only the columns we read are named here.
 */

/** Rows must reach Net Amount; trailing placeholder columns may be trimmed (formats.md 1b). */
export const UPS_WIDTH = { min: 53, max: 250 } as const;

export const COL = {
  version: [1, 'Version'],
  accountNumber: [3, 'Account Number'],
  accountCountry: [4, 'Account Country'],
  invoiceDate: [5, 'Invoice Date'],
  invoiceNumber: [6, 'Invoice Number'],
  invoiceCurrency: [10, 'Invoice Currency Code'],
  invoiceAmount: [11, 'Invoice Amount'],
  transactionDate: [12, 'Transaction Date'],
  leadShipmentNumber: [14, 'Lead Shipment Number'],
  packageQuantity: [19, 'Package Quantity'],
  trackingNumber: [21, 'Tracking Number'],
  enteredWeight: [27, 'Entered Weight'],
  enteredWeightUnit: [28, 'Entered Weight Unit of Measure'],
  billedWeight: [29, 'Billed Weight'],
  billedWeightUnit: [30, 'Billed Weight Unit of Measure'],
  packageDimensions: [33, 'Package Dimensions'],
  zone: [34, 'Zone'],
  chargeCategory: [35, 'Charge Category Code'],
  chargeCategoryDetail: [36, 'Charge Category Detail Code'],
  chargeClassification: [44, 'Charge Classification Code'],
  chargeDescriptionCode: [45, 'Charge Description Code'],
  chargeDescription: [46, 'Charge Description'],
  transactionCurrency: [51, 'Transaction Currency Code'],
  incentiveAmount: [52, 'Incentive Amount'],
  netAmount: [53, 'Net Amount'],
  senderPostal: [73, 'Sender Postal'],
  senderCountry: [74, 'Sender Country'],
  receiverCompany: [76, 'Receiver Company Name'],
  receiverPostal: [81, 'Receiver Postal'],
  receiverCountry: [82, 'Receiver Country'],
  shipmentDate: [117, 'Shipment Date'],
  dimensionUnit: [196, 'Package Dimension Unit Of Measure'],
} as const satisfies Record<string, readonly [number, string]>;

/** Which engine message label each column provides. */
export const LABELS = {
  currency: 'invoiceCurrency',
  statedTotal: 'invoiceAmount',
  shipDate: 'shipmentDate',
  packageCount: 'packageQuantity',
  dimensions: 'packageDimensions',
  volumetricWeight: 'packageDimensions',
  incentive: 'incentiveAmount',
  description: 'chargeDescription',
} as const;

/** Weight unit codes (formats.md 1c pos 28/30). */
export const WEIGHT_UNITS: Readonly<Record<string, string>> = { K: 'kg', L: 'lb', O: 'oz' };

/**
 * Dimension unit codes (pos 196); when empty the unit follows the account country. A real US
 * file writes `I` on its correction rows (../shared/real-invoices/ups, kenzorei).
 */
export const DIMENSION_UNITS: Readonly<Record<string, string>> = { CM: 'cm', IN: 'in', I: 'in' };
export const INCH_COUNTRIES: readonly string[] = ['US'];

/** Charge classes whose rows describe the package itself (pos 44), with the rank of their service. */
export const PACKAGE_CLASSES: Readonly<Record<string, number>> = { FRT: 2, INF: 1 };
/** Informational rows: not charges when both amounts are zero (formats.md 1f). */
export const INFO_CLASS = 'INF';
/** Charge Category Code (pos 35) of post-delivery adjustments (formats.md 1e). */
export const ADJUSTMENT_CATEGORY = 'ADJ';
