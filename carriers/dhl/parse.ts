/**
 * DHL Express MyBill CSV → raw lines (shared/formats.md 2A, 8.1, 8.3).
 *
 * Row 1 is a header; then per invoice one `I` row (invoice totals) and its `S` rows (one per
 * shipment, sometimes a second one for a fee). An `I` row's `Total amount (excl. VAT)` is the
 * stated total of the `S` rows of that invoice; the `I` row itself yields a line with no
 * charges and no shipment, so the invoice exists (and reconciles) from its own row. Each `S`
 * row melts into charges: Invoice Fee, Weight Charge, Other Charges 1-2, Discount 1-3 and the
 * XC1..XC9 slots, each only when non-zero. Pure: values stay text for `clean`.
 */
import {
  issue,
  readCsv,
  sniffInputDelimiter,
  type ColumnLabels,
  type CsvRecord,
  type FileSample,
  type Issue,
  type ParseBatch,
  type ParseInput,
  type RawCharge,
  type RawInvoice,
  type RawLine,
  type RawShipment,
  splitCsvLine,
} from '../../src/carrier-kit/index.js';
import { CHARGE_CLASSES } from './charges.js';
import {
  DELIMITERS,
  DIMENSION_UNIT,
  DISCOUNTS,
  HEADER_ALIASES,
  LINE_TYPES,
  MAX_XC_SLOTS,
  MIN_SIGNATURE,
  normalizeHeader,
  OTHER_CHARGES,
  REQUIRED_FIELDS,
  SIGNATURE_FIELDS,
  WEIGHT_UNIT,
  XC_DISCOUNT_COLUMNS,
  XC_NAME_COLUMNS,
  xcName,
  type Field,
  type XcPart,
} from './columns.js';

const FIELDS = Object.keys(HEADER_ALIASES) as Field[];

/** `0`, `0.0`, `0.00`, `-0.00` and '' are no amount: DHL fills unused slots with zeros [DX-TW, DX-DK]. */
const ZERO = /^[-+]?0*(?:\.0*)?$/;

function isZero(text: string): boolean {
  return ZERO.test(text);
}

/** A code or name of `0` is a placeholder, not a value [DX-DK]. */
function placeholderFree(text: string): string {
  return text === '0' ? '' : text;
}

/** One XC slot's columns: 0-based positions in the file; `name`/`discount` may be absent. */
interface XcSlot {
  readonly slot: number;
  readonly code: number;
  readonly name: number | undefined;
  readonly charge: number;
  readonly discount: number | undefined;
  /** The file's own header text of the Charge column, for messages. */
  readonly chargeLabel: string;
}

/** What the header row tells us. */
interface Header {
  /** Field → 0-based column. */
  readonly index: Partial<Record<Field, number>>;
  readonly slots: readonly XcSlot[];
  /** Fields as the header spells them (for messages). */
  readonly names: Readonly<Record<Field, string>>;
  readonly width: number;
}


function firstLine(head: string): string {
  return (head.replace(/^\uFEFF/, '').split('\n', 1)[0] ?? '').replace(/\r$/, '');
}

/** Normalised header cell → first 0-based column with that name. */
function positions(cells: readonly string[]): Map<string, number> {
  const at = new Map<string, number>();
  cells.forEach((c, i) => {
    const key = normalizeHeader(c);
    if (key !== '' && !at.has(key)) at.set(key, i);
  });
  return at;
}

function findField(at: ReadonlyMap<string, number>, f: Field): number | undefined {
  for (const alias of HEADER_ALIASES[f]) {
    const i = at.get(normalizeHeader(alias));
    if (i !== undefined) return i;
  }
  return undefined;
}

function signatureCount(at: ReadonlyMap<string, number>): number {
  return SIGNATURE_FIELDS.filter((f) => findField(at, f) !== undefined).length;
}

function resolveHeader(cells: readonly string[]): Header {
  const at = positions(cells);
  const index: Partial<Record<Field, number>> = {};
  const names = {} as Record<Field, string>;
  for (const f of FIELDS) {
    const i = findField(at, f);
    if (i !== undefined) index[f] = i;
    names[f] = i === undefined ? HEADER_ALIASES[f][0] : (cells[i] ?? '').trim();
  }
  const slots: XcSlot[] = [];
  for (let n = 1; n <= MAX_XC_SLOTS; n++) {
    const part = (p: XcPart): number | undefined => at.get(normalizeHeader(xcName(n, p)));
    const code = part('Code');
    const charge = part('Charge');
    if (code === undefined || charge === undefined) continue;
    slots.push({ slot: n, code, name: part('Name'), charge, discount: part('Discount'), chargeLabel: (cells[charge] ?? '').trim() });
  }
  return { index, slots, names, width: cells.length };
}

/** How sure we are that `sample` is a DHL Express MyBill CSV (its header names the MyBill columns). */
export function detectDhl(sample: FileSample): number {
  if (sample.kind !== 'text') return 0;
  const delimiter = sniffInputDelimiter(sample, DELIMITERS);
  if (delimiter === null) return 0;
  const at = positions(splitCsvLine(firstLine(sample.head), delimiter));
  if (findField(at, 'lineType') === undefined) return 0;
  const n = signatureCount(at);
  if (n >= MIN_SIGNATURE + 1) return 0.95;
  if (n >= MIN_SIGNATURE) return 0.8;
  return 0.2;
}

export async function* parseDhl(input: ParseInput): AsyncIterable<ParseBatch> {
  const file = input.file;
  const delimiter = sniffInputDelimiter(input, DELIMITERS);
  if (delimiter === null) {
    yield { lines: [], issues: [issue('error', 'wrong_format', { file, row: 1 }, `no ${DELIMITERS.join(' or ')} delimiter found; not a DHL Express MyBill CSV`)] };
    return;
  }
  const cells = splitCsvLine(firstLine(input.head), delimiter);
  const problems = headerProblems(file, cells);
  if (problems.length > 0) {
    yield { lines: [], issues: problems };
    return;
  }
  const header = resolveHeader(cells);
  const reader = new RowReader(file, header);
  let headerSeen = false;
  let previousWidth = header.width;
  for await (const batch of readCsv(input, delimiter, { pick: reader.pick })) {
    const lines: RawLine[] = [];
    const issues: Issue[] = [];
    const records = batch.records;
    for (let r = 0; r < records.length; r++) {
      const rec = records[r] as CsvRecord;
      if (!headerSeen) {
        headerSeen = true; // resolved above from the head
        continue;
      }
      const isLast = batch.end !== undefined && r === records.length - 1;
      if (isLast && batch.end?.endedWithoutNewline === true && rec.width < previousWidth) {
        issues.push(issue('error', 'truncated', { file, row: rec.row }, `the file ends in the middle of this row (${rec.width} of ${header.width} fields); it was cut off during download or copy`));
        continue;
      }
      if (rec.width !== header.width) {
        issues.push(issue('error', 'column_count', { file, row: rec.row }, `has ${rec.width} fields; the header row has ${header.width}`));
        continue;
      }
      previousWidth = rec.width;
      const line = reader.line(rec, issues);
      if (line !== null) lines.push(line);
    }
    if (batch.end?.unterminatedQuoteRow != null) {
      issues.push(issue('error', 'unterminated_quote', { file, row: batch.end.unterminatedQuoteRow }, 'a quoted field is never closed; the file is cut off or malformed'));
    }
    yield { lines, issues };
  }
}

/** Errors about the header row: not a MyBill header at all, or one error per missing column. */
function headerProblems(file: string, cells: readonly string[]): Issue[] {
  const at = positions(cells);
  const first = (cells[0] ?? '').trim().toUpperCase();
  if (first === 'HDR' || first === 'DTL') {
    return [issue('error', 'wrong_format', { file, row: 1 }, 'this is a DHL eCommerce HDR/DTL file (no header row), not a DHL Express MyBill CSV (formats.md 2B)')];
  }
  if (findField(at, 'lineType') === undefined && signatureCount(at) < MIN_SIGNATURE) {
    return [issue('error', 'wrong_format', { file, row: 1 }, `the first row is not a DHL Express MyBill header (expected names like "Line Type", "Billing Source", "Invoice Number", "Shipment Number"; found "${cells.slice(0, 4).join(', ').slice(0, 80)}")`)];
  }
  return REQUIRED_FIELDS.filter((f) => findField(at, f) === undefined).map((f) =>
    issue('error', 'wrong_format', { file, row: 1, column: HEADER_ALIASES[f][0] }, `the header row has no "${HEADER_ALIASES[f][0]}" column (compared without spaces, any case); a DHL Express MyBill CSV needs it`),
  );
}

/** Turns records (read with `pick`) into raw lines; remembers each invoice's stated total. */
class RowReader {
  /** The 0-based columns the CSV reader keeps. */
  readonly pick: readonly number[];
  /** Field → position in a picked record. */
  private readonly slotOf: Partial<Record<Field, number>> = {};
  private readonly xc: ReadonlyArray<{ readonly slot: XcSlot; readonly code: number; readonly name: number; readonly charge: number; readonly discount: number }>;
  private readonly labels: ColumnLabels;
  private readonly labelsVolByCustomer: ColumnLabels;
  /** Account + invoice number → the `I` row's Total amount (excl. VAT), as written. */
  private readonly statedTotals = new Map<string, string>();
  private lastInvoice: RawInvoice | null = null;

  constructor(
    private readonly file: string,
    private readonly header: Header,
  ) {
    const pick: number[] = [];
    const take = (col: number | undefined): number => {
      if (col === undefined) return -1;
      pick.push(col);
      return pick.length - 1;
    };
    for (const f of FIELDS) {
      const p = take(header.index[f]);
      if (p >= 0) this.slotOf[f] = p;
    }
    this.xc = header.slots.map((s) => ({ slot: s, code: take(s.code), name: take(s.name), charge: take(s.charge), discount: take(s.discount) }));
    this.pick = pick;
    const n = header.names;
    this.labels = {
      invoiceNumber: n.invoiceNumber,
      invoiceDate: n.invoiceDate,
      accountNumber: n.billingAccount,
      currency: n.currency,
      statedTotal: n.totalExclVat,
      trackingNumber: n.shipmentNumber,
      shipDate: n.shipmentDate,
      packageCount: n.pieces,
      enteredWeight: n.custScaleWeight,
      billedWeight: n.weight,
      dimensions: n.dimensions,
      volumetricWeight: n.dhlVolWeight,
      incentive: XC_DISCOUNT_COLUMNS,
      description: XC_NAME_COLUMNS,
    };
    this.labelsVolByCustomer = { ...this.labels, volumetricWeight: n.custVolWeight };
  }

  line(rec: CsvRecord, issues: Issue[]): RawLine | null {
    const f = rec.fields;
    const get = (field: Field): string => {
      const p = this.slotOf[field];
      return p === undefined ? '' : (f[p] ?? '').trim();
    };
    const at = (p: number): string => (p < 0 ? '' : (f[p] ?? '').trim());
    const lineType = get('lineType').toUpperCase();
    const number = get('invoiceNumber');
    const account = get('billingAccount');
    const key = `${account}\u0000${number}`;

    if (lineType === LINE_TYPES.invoice) {
      // Its aggregates (weight charge, XC totals) repeat the S rows: never charges (formats.md 8.1).
      const stated = get('totalExclVat');
      this.statedTotals.set(key, stated);
      return { row: rec.row, invoice: this.invoice(number, get('invoiceDate'), account, get('currency'), stated), shipment: null, charges: NO_CHARGES, columns: this.labels };
    }
    if (lineType !== LINE_TYPES.shipment) {
      issues.push(issue('warning', 'wrong_format', { file: this.file, row: rec.row, column: this.header.names.lineType }, `Line Type "${lineType.slice(0, 20)}" is neither I nor S; row skipped (if it billed anything, the invoice will not reconcile)`));
      return null;
    }

    // An S row before any I row of its invoice: no stated total (reconciled stays null).
    const invoice = this.invoice(number, get('invoiceDate'), account, get('currency'), this.statedTotals.get(key) ?? '');
    const charges: RawCharge[] = [];
    const n = this.header.names;
    const add = (description: string, code: string, classification: string, amount: string, incentive: string, column: string, descriptionColumn?: string): void => {
      charges.push({ description, code, classification, amount, incentive, currency: '', column, ...(descriptionColumn === undefined ? {} : { descriptionColumn }) });
    };

    const invoiceFee = get('invoiceFee');
    if (!isZero(invoiceFee)) add(n.invoiceFee, '', CHARGE_CLASSES.invoiceFee, invoiceFee, '', n.invoiceFee);
    const weightCharge = get('weightCharge');
    const service = get('productName') || get('product');
    if (!isZero(weightCharge)) add(service || n.weightCharge, '', CHARGE_CLASSES.weight, weightCharge, '', n.weightCharge);
    for (const [labelField, amountField] of OTHER_CHARGES) {
      const amount = get(amountField);
      if (!isZero(amount)) add(placeholderFree(get(labelField)) || n[labelField], '', CHARGE_CLASSES.other, amount, '', n[amountField], n[labelField]);
    }
    for (const [labelField, amountField] of DISCOUNTS) {
      const amount = get(amountField);
      if (!isZero(amount)) add(placeholderFree(get(labelField)) || n[labelField], '', CHARGE_CLASSES.discount, asReduction(amount), '', n[amountField], n[labelField]);
    }
    for (const x of this.xc) {
      const amount = at(x.charge);
      if (isZero(amount)) continue;
      const code = placeholderFree(at(x.code));
      const discount = at(x.discount);
      add(placeholderFree(at(x.name)) || code, code, '', amount, isZero(discount) ? '' : discount, x.slot.chargeLabel, x.slot.chargeLabel.replace(/ Charge$/, ' Name'));
    }

    const awb = get('shipmentNumber');
    let shipment: RawShipment | null = null;
    let volumetricByCustomer = false;
    if (awb === '') {
      issues.push(issue('warning', 'missing_value', { file: this.file, row: rec.row, column: n.shipmentNumber }, 'shipment row without a shipment number; its charges are loaded as invoice-level charges'));
    } else {
      const billed = get('weight');
      // A fee row repeats the shipment with Weight Charge 0.00 and weight 0.0 (formats.md 8.3):
      // only a row with a billed weight describes the package.
      const packageRow = !isZero(billed);
      const dhlVol = get('dhlVolWeight');
      const custVol = get('custVolWeight');
      volumetricByCustomer = packageRow && isZero(dhlVol) && !isZero(custVol);
      const dimensions = packageRow ? placeholderFree(get('dimensions')) : '';
      const custScale = get('custScaleWeight');
      shipment = {
        trackingNumber: awb,
        leadTrackingNumber: '',
        packageRow,
        // Pieces is repeated on fee rows; counting it there would double the pieces.
        packageCount: packageRow ? get('pieces') || '1' : '0',
        service,
        serviceRank: service === '' ? 0 : packageRow ? 2 : 1,
        shipDate: get('shipmentDate'),
        zone: '',
        enteredWeight: packageRow && !isZero(custScale) ? custScale : '',
        billedWeight: packageRow ? billed : '',
        weightUnit: packageRow ? WEIGHT_UNIT : '',
        dimensions,
        dimensionUnit: dimensions === '' ? '' : DIMENSION_UNIT,
        // DHL's own measurement is what it bills on; the shipper's when DHL did not measure.
        volumetricWeight: !packageRow ? '' : !isZero(dhlVol) ? dhlVol : !isZero(custVol) ? custVol : '',
        senderPostcode: placeholderFree(get('sendersPostcode')),
        senderCountry: get('origCountryCode') || get('sendersCountry'),
        receiverPostcode: placeholderFree(get('receiversPostcode')),
        receiverCountry: get('destCountryCode') || get('receiversCountry'),
      };
    }
    return { row: rec.row, invoice, shipment, charges, columns: volumetricByCustomer ? this.labelsVolByCustomer : this.labels };
  }

  /** The same object for consecutive rows of one invoice (clean parses it once). */
  private invoice(number: string, date: string, accountNumber: string, currency: string, statedTotal: string): RawInvoice {
    const last = this.lastInvoice;
    if (last !== null && last.number === number && last.date === date && last.accountNumber === accountNumber && last.currency === currency && last.statedTotal === statedTotal) {
      return last;
    }
    this.lastInvoice = { number, date, accountNumber, currency, statedTotal };
    return this.lastInvoice;
  }
}

/**
 * Discounts reduce the bill whatever sign the file writes them with: `5.00` and `-5.00` both
 * become `-5.00` (our rule; no source shows a non-zero Discount n Amount).
 */
function asReduction(amount: string): string {
  if (amount.startsWith('-')) return amount;
  return `-${amount.startsWith('+') ? amount.slice(1) : amount}`;
}

const NO_CHARGES: readonly RawCharge[] = Object.freeze([]);
