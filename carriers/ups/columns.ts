/**
 * UPS Billing Data CSV: 250 positional columns, no header (shared/formats.md 1b, 1c).
 * Positions are 1-based as in UPS's data dictionary; only the columns we read are named here.
 */
import type { ColumnLabels } from '../../src/carrier-kit/index.js';

export const UPS_MAX_COLUMNS = 250;
/** Rows must reach Net Amount; trailing placeholder columns may be trimmed (formats.md 1b). */
export const UPS_MIN_COLUMNS = 53;

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
  chargeClassification: [44, 'Charge Classification Code'],
  chargeDescriptionCode: [45, 'Charge Description Code'],
  chargeDescription: [46, 'Charge Description'],
  transactionCurrency: [51, 'Transaction Currency Code'],
  incentiveAmount: [52, 'Incentive Amount'],
  netAmount: [53, 'Net Amount'],
  senderPostal: [73, 'Sender Postal'],
  senderCountry: [74, 'Sender Country'],
  receiverPostal: [81, 'Receiver Postal'],
  receiverCountry: [82, 'Receiver Country'],
  shipmentDate: [117, 'Shipment Date'],
  dimensionUnit: [196, 'Package Dimension Unit Of Measure'],
} as const satisfies Record<string, readonly [number, string]>;

type ColKey = keyof typeof COL;

const KEYS = Object.keys(COL) as ColKey[];

/** The 0-based columns the CSV reader keeps (the other ~220 are scanned, never copied). */
export const PICK: readonly number[] = KEYS.map((k) => COL[k][0] - 1);

/** Where each named column sits in a record read with PICK. */
export const IDX = Object.fromEntries(KEYS.map((k, j) => [k, j])) as { readonly [K in ColKey]: number };

/** `53 Net Amount`: how messages name a column. */
export function label(key: ColKey): string {
  const [pos, name] = COL[key];
  return `${pos} ${name}`;
}

export const COLUMN_LABELS: ColumnLabels = {
  invoiceNumber: label('invoiceNumber'),
  invoiceDate: label('invoiceDate'),
  accountNumber: label('accountNumber'),
  currency: label('invoiceCurrency'),
  statedTotal: label('invoiceAmount'),
  trackingNumber: label('trackingNumber'),
  shipDate: label('shipmentDate'),
  packageCount: label('packageQuantity'),
  enteredWeight: label('enteredWeight'),
  billedWeight: label('billedWeight'),
  dimensions: label('packageDimensions'),
  volumetricWeight: label('packageDimensions'),
  incentive: label('incentiveAmount'),
  description: label('chargeDescription'),
};

/** Weight unit codes (formats.md 1c pos 28/30). */
export const WEIGHT_UNITS: Readonly<Record<string, string>> = { K: 'kg', L: 'lb', O: 'oz' };

/** Dimension unit codes (pos 196); when empty the unit follows the account country. */
export const DIMENSION_UNITS: Readonly<Record<string, string>> = { CM: 'cm', IN: 'in' };
export const INCH_COUNTRIES: ReadonlySet<string> = new Set(['US']);

/** Charge classes whose rows describe the package itself (pos 44). */
export const PACKAGE_CLASSES: Readonly<Record<string, number>> = { FRT: 2, INF: 1 };
/** Informational rows: not charges when both amounts are zero (formats.md 1f). */
export const INFO_CLASS = 'INF';
