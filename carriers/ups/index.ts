/**
 * UPS Billing Data (.csv, 250 data elements, no header): one row per charge; package rows
 * (FRT/INF with a package quantity) carry the package facts; informational rows with zero
 * amounts are not charges; rows without a tracking number are invoice-level charges.
 * See README.md in this folder and shared/formats.md 1, 8.1.
 */
import { defineCarrier, defineLayout, type ChargeDraft, type Row } from '../../src/carrier-kit/index.js';
import { UPS_CHARGES } from './charges.js';
import { COL, DIMENSION_UNITS, INCH_COUNTRIES, INFO_CLASS, LABELS, PACKAGE_CLASSES, UPS_WIDTH, WEIGHT_UNITS } from './columns.js';
import { downloadUps } from './download.js';

const VERSION = /^\d{1,2}\.\d{1,2}$/;
const ZERO_AMOUNT = /^[-+]?0*(?:[.,]0*)?$/;

type F = keyof typeof COL;

const billingData = defineLayout<F, { first: boolean }>({
  id: 'billing-data',
  name: 'UPS Billing Data',
  delimiters: [',', ';'],
  positions: { columns: COL, width: UPS_WIDTH, pick: true },
  labels: LABELS,
  // the first field is a version (2.1); detection tolerates two extra fields
  detect: {
    confidence: 0.9,
    signature: (r) => (!VERSION.test(r.get('version')) ? 0 : r.width >= UPS_WIDTH.min && r.width <= UPS_WIDTH.max + 2 ? 1 : 0.1),
  },
  state: () => ({ first: true }),
  rowKind(r, s) {
    const first = s.first;
    s.first = false;
    if (first && r.get('version').toLowerCase() === 'version') {
      // a header row someone added by hand (formats.md 1b): not data
      r.issue('info', 'wrong_format', null, 'header row skipped; UPS files have none');
      return 'skip';
    }
    return 'data';
  },
  toLines: (r) => ({
    invoice: {
      number: r.get('invoiceNumber'),
      date: r.get('invoiceDate'),
      accountNumber: r.get('accountNumber'),
      currency: r.get('invoiceCurrency'),
      statedTotal: r.get('invoiceAmount'),
    },
    shipment: shipment(r),
    charges: charges(r),
  }),
});

function charges(r: Row<F>): ChargeDraft[] {
  const classification = r.get('chargeClassification');
  const amount = r.get('netAmount');
  const incentive = r.get('incentiveAmount');
  if (classification === INFO_CLASS && ZERO_AMOUNT.test(amount) && ZERO_AMOUNT.test(incentive)) return [];
  return [{
    description: r.get('chargeDescription'),
    code: r.get('chargeDescriptionCode'),
    classification,
    amount,
    incentive,
    currency: r.get('transactionCurrency'),
    field: 'netAmount',
  }];
}

function shipment(r: Row<F>) {
  const tracking = r.get('trackingNumber');
  if (tracking === '') return null;
  const rank = PACKAGE_CLASSES[r.get('chargeClassification')];
  const packageRow = rank !== undefined && Number(r.get('packageQuantity').replace(',', '.')) >= 1;
  const dims = packageRow ? r.get('packageDimensions') : '';
  const dimensionUnit = dims === '' ? '' : (DIMENSION_UNITS[r.get('dimensionUnit').toUpperCase()] ?? (INCH_COUNTRIES.includes(r.get('accountCountry')) ? 'in' : 'cm'));
  const weightUnit = (r.get('enteredWeightUnit') || r.get('billedWeightUnit')).toUpperCase();
  return {
    trackingNumber: tracking,
    leadTrackingNumber: r.get('leadShipmentNumber'),
    packageRow,
    packageCount: r.get('packageQuantity'),
    service: rank !== undefined ? r.get('chargeDescription') : '',
    serviceRank: rank ?? 0,
    shipDate: (packageRow ? r.get('shipmentDate') : '') || r.get('transactionDate'),
    zone: r.get('zone'),
    enteredWeight: packageRow ? r.get('enteredWeight') : '',
    billedWeight: packageRow ? r.get('billedWeight') : '',
    weightUnit: packageRow ? (WEIGHT_UNITS[weightUnit] ?? weightUnit) : '',
    dimensions: dims,
    dimensionUnit,
    senderPostcode: r.get('senderPostal'),
    senderCountry: r.get('senderCountry'),
    receiverPostcode: r.get('receiverPostal'),
    receiverCountry: r.get('receiverCountry'),
  };
}

export const ups = defineCarrier({
  id: 'ups',
  name: 'UPS',
  charges: UPS_CHARGES,
  locale: {
    // The GB semicolon variant writes decimal commas; UPS never groups thousands (formats.md 1d).
    number: { decimal: 'either', thousands: '' },
    // ISO normally; DD/MM/YYYY in the GB variant; M/D/YY when someone re-saved it in Excel.
    dateFormats: ['YYYY-MM-DD', 'DD/MM/YYYY', 'M/D/YY'],
    defaultCurrency: 'EUR',
  },
  // UPS's published billable-weight rules: cm / 5000 → kg; US rates: in / 139 → lb
  volumetricDivisors: [
    { dimensionUnit: 'cm', weightUnit: 'kg', divisor: 5000 },
    { dimensionUnit: 'in', weightUnit: 'lb', divisor: 139 },
  ],
  layouts: [billingData],
  download: downloadUps,
});
