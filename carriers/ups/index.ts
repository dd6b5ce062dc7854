/**
 * UPS Billing Data (.csv, 250 data elements, no header): one row per charge; package rows
 * (FRT/INF with a package quantity) carry the package facts, and each package is counted once
 * although all its rows restate the quantity; a correction's package row (an audit) re-bills
 * the measured weight and dimensions; zero informational rows and zero rows naming nothing are
 * not charges; rows without a tracking number are invoice-level charges; adjustment rows say
 * their kind.
 * See README.md in this folder and shared/formats.md 1, 8.1.
 */
import { CompactStringSet, defineCarrier, defineLayout, detach, type ChargeDraft, type Row } from '../../src/carrier-kit/index.js';
import { UPS_ADJUSTMENT_KINDS, UPS_CHARGES } from './charges.js';
import { ADJUSTMENT_CATEGORY, COL, DIMENSION_UNITS, INCH_COUNTRIES, INFO_CLASS, LABELS, PACKAGE_CLASSES, UPS_WIDTH, WEIGHT_UNITS } from './columns.js';
import { downloadUps } from './download.js';

const VERSION = /^\d{1,2}\.\d{1,2}$/;
const ZERO_AMOUNT = /^[-+]?0*(?:[.,]0*)?$/;

type F = keyof typeof COL;

interface State {
  first: boolean;
  /**
   * Per invoice (account + number, numbered in `invoices`), the tracking numbers whose package
   * quantity was counted: every row of a package (INF, FRT, its corrections) restates col 19, so
   * the package is counted on its first such row only. Corrections can come anywhere in the
   * file, so this lasts the whole file: a compact exact set (about 30 bytes per package outside
   * the JS heap, where a Set of strings took about 100 on it).
   */
  counted: CompactStringSet;
  invoices: Map<string, number>;
}

const KIND_PREFIXES = [...UPS_ADJUSTMENT_KINDS.prefixes]
  .map(([p, k]) => [p.toLowerCase(), k] as const)
  .sort((a, b) => b[0].length - a[0].length);
const KIND_DETAILS: Readonly<Record<string, string>> = UPS_ADJUSTMENT_KINDS.details;
const AUDITS: readonly string[] = UPS_ADJUSTMENT_KINDS.audits;

/** A service row's service without the adjustment prefix ("Shipping Charge Correction Ground" → "Ground"). */
function serviceOf(description: string): string {
  const prefix = KIND_PREFIXES.find(([p]) => description.toLowerCase().startsWith(p));
  return prefix === undefined ? description : description.slice(prefix[0].length).trim();
}

/** The kind of adjustment a row is ('' for an ordinary charge). */
function adjustmentKind(r: Row<F>): string {
  const d = r.get('chargeDescription').toLowerCase();
  const byPrefix = KIND_PREFIXES.find(([p]) => d.startsWith(p));
  if (byPrefix !== undefined) return byPrefix[1];
  if (r.get('chargeCategory').toUpperCase() !== ADJUSTMENT_CATEGORY) return '';
  return KIND_DETAILS[r.get('chargeCategoryDetail').toUpperCase()] ?? UPS_ADJUSTMENT_KINDS.other;
}

const billingData = defineLayout<F, State>({
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
  state: () => ({ first: true, counted: new CompactStringSet(), invoices: new Map<string, number>() }),
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
  toLines: (r, s) => {
    const kind = adjustmentKind(r);
    return {
      invoice: {
        number: r.get('invoiceNumber'),
        date: r.get('invoiceDate'),
        accountNumber: r.get('accountNumber'),
        currency: r.get('invoiceCurrency'),
        statedTotal: r.get('invoiceAmount'),
      },
      shipment: shipment(r, s, kind),
      charges: charges(r, kind),
    };
  },
});

function charges(r: Row<F>, kind: string): ChargeDraft[] {
  const classification = r.get('chargeClassification');
  const description = r.get('chargeDescription');
  const amount = r.get('netAmount');
  const incentive = r.get('incentiveAmount');
  const zero = ZERO_AMOUNT.test(amount) && ZERO_AMOUNT.test(incentive);
  // zero informational rows, and zero rows naming nothing (a real US file's proof-of-delivery
  // request rows: ADJ/FPOD, class FRT, no code, no description), bill nothing
  if (zero && (classification === INFO_CLASS || description === '')) return [];
  return [{
    description,
    code: r.get('chargeDescriptionCode'),
    classification,
    amount,
    incentive,
    currency: r.get('transactionCurrency'),
    field: 'netAmount',
    ...(kind === '' ? {} : { adjustmentKind: kind }),
  }];
}

function shipment(r: Row<F>, s: State, kind: string) {
  const tracking = r.get('trackingNumber');
  if (tracking === '') return null;
  const rank = PACKAGE_CLASSES[r.get('chargeClassification')];
  const quantity = r.get('packageQuantity');
  const counts = Number(quantity.replace(',', '.')) >= 1;
  const packageRow = rank !== undefined && counts;
  let packageCount = quantity;
  if (counts) {
    const invoice = `${r.get('accountNumber')}\u0000${r.get('invoiceNumber')}`;
    let group = s.invoices.get(invoice);
    if (group === undefined) s.invoices.set(detach(invoice), (group = s.invoices.size));
    if (!s.counted.add(tracking, group)) packageCount = '0';
  }
  const dims = packageRow ? r.get('packageDimensions') : '';
  const dimensionUnit = dims === '' ? '' : (DIMENSION_UNITS[r.get('dimensionUnit').toUpperCase()] ?? (INCH_COUNTRIES.includes(r.get('accountCountry')) ? 'in' : 'cm'));
  const weightUnit = (r.get('enteredWeightUnit') || r.get('billedWeightUnit')).toUpperCase();
  return {
    trackingNumber: tracking,
    leadTrackingNumber: r.get('leadShipmentNumber'),
    packageRow,
    audited: packageRow && AUDITS.includes(kind),
    packageCount,
    service: rank !== undefined ? serviceOf(r.get('chargeDescription')) : '',
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
    receiverCompany: r.get('receiverCompany'),
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
