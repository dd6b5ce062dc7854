/**
 * DHL Express MyBill invoice CSV (153 columns, shared/formats.md 2A, 8.1, 8.3). See README.md.
 *
 * Row 1 is a header; then per invoice one `I` row (invoice totals) and its `S` rows (one per
 * shipment, sometimes a second one for a fee). An `I` row's `Total amount (excl. VAT)` is the
 * stated total of the `S` rows of that invoice; the `I` row itself yields a line with no
 * charges and no shipment, so the invoice exists (and reconciles) from its own row. Each `S`
 * row melts into charges: Invoice Fee, Weight Charge, Other Charges 1-2, Discount 1-3 and the
 * XC1..XC9 slots, each only when non-zero.
 */
import { defineCarrier, defineLayout, formatMinor, minorDigits, parseMinor, type ChargeDraft, type LineDraft, type Row, type ShipmentDraft } from '../../src/carrier-kit/index.js';
import { CHARGE_CLASSES, DHL_CHARGES } from './charges.js';
import {
  COLUMNS,
  DELIMITERS,
  DIMENSION_UNIT,
  DISCOUNTS,
  LABELS,
  LINE_TYPES,
  MIN_SIGNATURE,
  OTHER_CHARGES,
  REQUIRED_FIELDS,
  SIGNATURE_FIELDS,
  TOTAL_EXCL_VAT,
  TOTAL_INCL_VAT,
  WEIGHT_UNIT,
  XC_LABELS,
  XC_SLOTS,
  xcField,
  type LayoutField,
} from './columns.js';
import { downloadDhl } from './download.js';

type R = Row<LayoutField>;

/** `0`, `0.0`, `0.00`, `-0.00` and '' are no amount: DHL fills unused slots with zeros [DX-TW, DX-DK]. */
const ZERO = /^[-+]?0*(?:\.0*)?$/;

function isZero(text: string): boolean {
  return ZERO.test(text);
}

/** A code or name of `0` is a placeholder, not a value [DX-DK]. */
function placeholderFree(text: string): string {
  return text === '0' ? '' : text;
}

/** The file's spelling of a column, or our name for one the file lacks (a description, never a location). */
function nameOf(r: R, f: LayoutField): string {
  return r.has(f) ? r.label(f) : (COLUMNS[f]?.[0] ?? f);
}

/**
 * Discounts reduce the bill whatever sign the file writes them with: `5.00` and `-5.00` both
 * become `-5.00` (our rule; no source shows a non-zero Discount n Amount).
 */
function asReduction(amount: string): string {
  if (amount.startsWith('-')) return amount;
  return `-${amount.startsWith('+') ? amount.slice(1) : amount}`;
}

/** Invariant-culture amounts (formats.md 2A), as the carrier's locale below. */
const NUMBER = { decimal: '.', thousands: '' } as const;
/** Every source shows the Currency column filled; EUR only if a file leaves it empty. */
const DEFAULT_CURRENCY = 'EUR';

/** Exact `a + b` of two amounts as written, in the row's currency; null when either is not a number. */
function add(a: string, b: string, currency: string): string | null {
  const digits = minorDigits(currency);
  const x = parseMinor(a, NUMBER, digits);
  const y = parseMinor(b, NUMBER, digits);
  return x.ok && y.ok ? formatMinor(x.minor + y.minor, currency) : null;
}

/** `-5.00` → `5.00`. */
function negate(amount: string): string {
  return amount.startsWith('-') ? amount.slice(1) : `-${amount.startsWith('+') ? amount.slice(1) : amount}`;
}

/**
 * The row's amount excl. VAT, as stated (`Total amount (excl. VAT)`) or derived from a
 * reduced-column extract's incl. VAT and tax; null when the row states neither. A figure that is
 * not a number is passed on as written, so the engine names it.
 */
function statedExclVat(r: R, currency: string): NonNullable<LineDraft['total']> | null {
  if (r.has(TOTAL_EXCL_VAT)) {
    const excl = r.get(TOTAL_EXCL_VAT);
    return excl === '' ? null : { amount: excl, column: r.label(TOTAL_EXCL_VAT), label: r.label(TOTAL_EXCL_VAT) };
  }
  const [inclField, taxField] = TOTAL_INCL_VAT;
  const incl = r.get(inclField);
  if (!r.has(inclField) || incl === '') return null;
  const tax = r.get(taxField);
  const label = `${r.label(inclField)} − ${r.has(taxField) ? r.label(taxField) : 'no tax column'}`;
  if (tax === '' || isZero(tax)) return { amount: incl, column: r.label(inclField), label };
  return { amount: add(incl, negate(tax), currency) ?? incl, column: r.label(inclField), label };
}

interface State {
  /** Account + invoice number → the `I` row's Total amount (excl. VAT), as written. */
  readonly statedTotals: Map<string, string>;
  /** Labels of a row billed on the shipper's volumetric weight (made once per file). */
  byCustomer?: { readonly incentive: string; readonly description: string; readonly volumetricWeight: string };
}

const mybill = defineLayout<LayoutField, State>({
  id: 'mybill-csv',
  name: 'DHL Express MyBill CSV',
  delimiters: DELIMITERS,
  header: { columns: COLUMNS, required: REQUIRED_FIELDS, missing: 'each' },
  labels: LABELS,
  // graded by the MyBill-only names the header has: the reduced-column extracts [alx] lack
  // `Total amount (excl. VAT)` but are still MyBill files, quarantined for that column
  detect: {
    confidence: 1,
    lookalikes: [{ firstCell: ['HDR', 'DTL'], is: 'a DHL eCommerce HDR/DTL file (no header row; formats.md 2B)' }],
    signature(header) {
      const n = SIGNATURE_FIELDS.filter((f) => header.has(f)).length;
      // without Line Type: not claimed, but with --carrier dhl the missing columns are named
      if (!header.has('lineType')) return n >= MIN_SIGNATURE ? 0.1 : 0;
      return n > MIN_SIGNATURE ? 0.95 : n === MIN_SIGNATURE ? 0.8 : 0.2;
    },
  },
  state: () => ({ statedTotals: new Map() }),
  toLines(r, s) {
    const lineType = r.get('lineType').toUpperCase();
    const number = r.get('invoiceNumber');
    const account = r.get('billingAccount');
    const key = `${account}\u0000${number}`;
    const invoice = { number, date: r.get('invoiceDate'), accountNumber: account, currency: r.get('currency') };
    const exclVat = statedExclVat(r, (invoice.currency || DEFAULT_CURRENCY).toUpperCase());
    if (lineType === LINE_TYPES.invoice) {
      // Its aggregates (weight charge, XC totals) repeat the S rows: never charges (formats.md 8.1).
      const statedTotal = exclVat?.amount ?? '';
      s.statedTotals.set(key, statedTotal);
      return { invoice: { ...invoice, statedTotal }, shipment: null, charges: [], labels: XC_LABELS };
    }
    if (lineType !== LINE_TYPES.shipment) {
      r.issue('warning', 'wrong_format', 'lineType', `Line Type "${lineType.slice(0, 20)}" is neither I nor S; row skipped (if it billed anything, the invoice will not reconcile)`);
      return null;
    }
    const awb = r.get('shipmentNumber');
    if (awb === '') r.issue('warning', 'missing_value', 'shipmentNumber', 'shipment row without a shipment number; its charges are loaded as invoice-level charges');
    const shipment = awb === '' ? null : shipmentOf(r, awb);
    const byCustomer = shipment?.packageRow === true && isZero(r.get('dhlVolWeight')) && !isZero(r.get('custVolWeight'));
    if (byCustomer) s.byCustomer ??= { ...XC_LABELS, volumetricWeight: r.label('custVolWeight') };
    return {
      // An S row before any I row of its invoice: no stated total (reconciled stays null).
      invoice: { ...invoice, statedTotal: s.statedTotals.get(key) ?? '' },
      shipment,
      charges: charges(r, (invoice.currency || DEFAULT_CURRENCY).toUpperCase()),
      labels: byCustomer && s.byCustomer !== undefined ? s.byCustomer : XC_LABELS,
      // each S row's components are checked against its own total (a reduced-column extract has no I row)
      ...(exclVat === null ? {} : { total: exclVat }),
    };
  },
});

function charges(r: R, currency: string): ChargeDraft[] {
  const out: ChargeDraft[] = [];
  const invoiceFee = r.get('invoiceFee');
  if (!isZero(invoiceFee)) out.push({ description: nameOf(r, 'invoiceFee'), classification: CHARGE_CLASSES.invoiceFee, amount: invoiceFee, field: 'invoiceFee', descriptionColumn: nameOf(r, 'invoiceFee') });
  const weightCharge = r.get('weightCharge');
  const serviceField = r.get('productName') !== '' ? 'productName' : r.get('product') !== '' ? 'product' : 'weightCharge';
  if (!isZero(weightCharge)) {
    out.push({ description: serviceField === 'weightCharge' ? nameOf(r, serviceField) : r.get(serviceField), classification: CHARGE_CLASSES.weight, amount: weightCharge, field: 'weightCharge', descriptionColumn: nameOf(r, serviceField) });
  }
  const labelled = [...OTHER_CHARGES.map((p) => [...p, CHARGE_CLASSES.other] as const), ...DISCOUNTS.map((p) => [...p, CHARGE_CLASSES.discount] as const)];
  for (const [labelField, amountField, classification] of labelled) {
    const amount = r.get(amountField);
    if (isZero(amount)) continue;
    out.push({
      description: placeholderFree(r.get(labelField)) || nameOf(r, labelField),
      classification,
      amount: classification === CHARGE_CLASSES.discount ? asReduction(amount) : amount,
      field: amountField,
      descriptionColumn: nameOf(r, labelField),
    });
  }
  for (const n of XC_SLOTS) {
    const [code, name, charge, discount] = [xcField(n, 'Code'), xcField(n, 'Name'), xcField(n, 'Charge'), xcField(n, 'Discount')];
    if (!r.has(code) || !r.has(charge)) continue;
    const amount = r.get(charge);
    if (isZero(amount)) continue;
    const codeText = placeholderFree(r.get(code));
    const incentive = r.get(discount);
    // a negative Discount is not yet taken off the Charge (XC_PARTS); a sum that is not a
    // number leaves the Charge as written for clean to name
    const net = incentive.startsWith('-') && !isZero(incentive) ? (add(amount, incentive, currency) ?? amount) : amount;
    out.push({
      description: placeholderFree(r.get(name)) || codeText,
      code: codeText,
      amount: net,
      incentive: isZero(incentive) ? '' : incentive,
      field: charge,
      descriptionColumn: r.label(r.has(name) ? name : code),
    });
  }
  return out;
}

function shipmentOf(r: R, awb: string): ShipmentDraft {
  const billed = r.get('weight');
  // A fee row repeats the shipment with Weight Charge 0.00 and weight 0.0 (formats.md 8.3):
  // only a row with a billed weight describes the package. A reduced-column extract without a
  // weight column [alx]: a row billing a Weight Charge does (a duty-only row does not).
  const packageRow = r.has('weight') ? !isZero(billed) : !isZero(r.get('weightCharge'));
  const dhlVol = r.get('dhlVolWeight');
  const custVol = r.get('custVolWeight');
  const dimensions = packageRow ? placeholderFree(r.get('dimensions')) : '';
  const custScale = r.get('custScaleWeight');
  const service = r.get('productName') || r.get('product');
  return {
    trackingNumber: awb,
    packageRow,
    // Pieces is repeated on fee rows; counting it there would double the pieces.
    packageCount: packageRow ? r.get('pieces') || '1' : '0',
    service,
    serviceRank: service === '' ? 0 : packageRow ? 2 : 1,
    shipDate: r.get('shipmentDate'),
    enteredWeight: packageRow && !isZero(custScale) ? custScale : '',
    billedWeight: packageRow ? billed : '',
    weightUnit: packageRow && billed !== '' ? WEIGHT_UNIT : '',
    dimensions,
    dimensionUnit: dimensions === '' ? '' : DIMENSION_UNIT,
    // DHL's own measurement is what it bills on; the shipper's when DHL did not measure.
    volumetricWeight: !packageRow ? '' : !isZero(dhlVol) ? dhlVol : !isZero(custVol) ? custVol : '',
    senderPostcode: placeholderFree(r.get('sendersPostcode')),
    senderCountry: r.get('origCountryCode') || r.get('sendersCountry'),
    receiverPostcode: placeholderFree(r.get('receiversPostcode')),
    receiverCountry: r.get('destCountryCode') || r.get('receiversCountry'),
  };
}

export const dhl = defineCarrier({
  id: 'dhl',
  name: 'DHL Express',
  locale: {
    // Invariant culture: `1302.0`, `1847069.00`, never grouped (formats.md 2A).
    number: NUMBER,
    // Invoice Date, Due Date and Shipment Date are `20240906` (formats.md 2A).
    dateFormats: ['YYYYMMDD'],
    defaultCurrency: DEFAULT_CURRENCY,
  },
  charges: DHL_CHARGES,
  // DHL Express's published rule: cm / 5000 → kg
  volumetricDivisors: [{ dimensionUnit: 'cm', weightUnit: 'kg', divisor: 5000 }],
  layouts: [mybill],
  download: downloadDhl,
});
