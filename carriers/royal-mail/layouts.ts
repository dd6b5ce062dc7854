/**
 * Royal Mail's invoice files (shared/formats.md 5, 8.1, 8.2):
 *
 * - the single-invoice download (pipe, cp1252): a summary row with the invoice fields, then one
 *   row per docket, each followed by free-text commentary rows. A docket is one shipment keyed
 *   by its Docket Number; its commentary splits its Net Value into postage (freight), surcharge
 *   and green surcharge lines; an administrative docket is an invoice-level charge.
 * - the consolidated download (several invoices at once): the same, comma-separated and quoted.
 * - the SAP BEx export (comma, a title and group labels above the column names, `Overall
 *   Result` footer): one row per sales order, several invoices per file; admin rows may join the
 *   sales order of the row above.
 */
import {
  defineLayout,
  formatMinor,
  minorDigits,
  normalizeName,
  parseMinor,
  type InvoiceDraft,
  type LineDraft,
  type Row,
  type ShipmentDraft,
} from '../../src/carrier-kit/index.js';
import {
  BEX_COLUMNS,
  BEX_DELIMITER,
  BEX_LABELS,
  BEX_MAX_ROWS_ABOVE,
  BEX_NON_POSTAGE_CODES,
  BEX_NOT_ASSIGNED,
  BEX_OVERALL_RESULT,
  BEX_REQUIRED,
  BEX_SUBTOTAL,
  BEX_WEIGHT_UNITS,
  COMMENTARY,
  CONSOLIDATED_DELIMITER,
  INVOICE_SURCHARGE_TOTAL,
  LAYOUT_CURRENCY,
  NUMBER_FORMAT,
  PIPE_ADMIN_SERVICES,
  PIPE_COLUMNS,
  PIPE_DELIMITER,
  PIPE_LABELS,
  PIPE_REQUIRED,
  SURCHARGE_NAMES,
} from './columns.js';

const ADMIN_SERVICES = PIPE_ADMIN_SERVICES.map((s) => s.toLowerCase());
const DOCKET_HEADER = normalizeName(PIPE_COLUMNS.docketNumber[0]);
const INVOICE_TOTAL = normalizeName(INVOICE_SURCHARGE_TOTAL);
const DIGITS = minorDigits(LAYOUT_CURRENCY);
/** `0`, `0.0`, `0.000`: no weight. */
const ZERO = /^0*(?:\.0*)?$/;

type PipeField = keyof typeof PIPE_COLUMNS;
type PipeRow = Row<PipeField>;

/** A commentary figure under a docket: what it says, where (row), in pence. */
interface Commentary {
  readonly row: number;
  readonly kind: 'preSurcharge' | 'green' | 'docketSurcharges';
  readonly amounts: readonly number[];
}

/** A docket row held back until its commentary rows have been read. */
interface Docket {
  readonly row: number;
  readonly number: string;
  readonly invoice: InvoiceDraft;
  readonly shipment: ShipmentDraft | null;
  readonly service: string;
  /** Net Value as written, and in pence (null: not a number; clean reports it). */
  readonly net: string;
  readonly netMinor: number | null;
  readonly commentary: Commentary[];
}

interface PipeState {
  /** The summary row's invoice fields, carried onto every docket after it. */
  invoice: InvoiceDraft | null;
  orphanReported: boolean;
  docket: Docket | null;
  /** Surcharge lines loaded for the current invoice, in pence (its closing figure is checked against them). */
  surchargesMinor: number;
  /** How messages name the columns, for problems found after the last row (`end`). */
  labels: Partial<Record<PipeField, string>>;
}

function pence(text: string): number | null {
  const r = parseMinor(text, NUMBER_FORMAT, DIGITS);
  return r.ok ? r.minor : null;
}

function pounds(minor: number): string {
  return formatMinor(minor, LAYOUT_CURRENCY);
}

/** Reports a problem about a row read earlier (a held-back docket). */
type Report = (field: PipeField | null, row: number, detail: string) => void;

/**
 * The docket's lines: freight = the pre-surcharge cost on the docket row, the surcharge and the
 * green surcharge on their commentary rows, all on the docket's shipment, together exactly the
 * docket's Net Value. Commentary that does not add up to it is reported and the docket stays one
 * line (nothing is made up to fit).
 */
function docketLines(d: Docket, s: PipeState, report: Report, commentaryColumn: string): LineDraft[] {
  const whole: LineDraft = { row: d.row, invoice: d.invoice, shipment: d.shipment, charges: [{ description: d.service, amount: d.net, field: 'netValue' }] };
  if (d.commentary.length === 0 || d.netMinor === null) return [whole];
  const pre = d.commentary.filter((c) => c.kind === 'preSurcharge');
  const green = d.commentary.filter((c) => c.kind === 'green');
  const together = d.commentary.filter((c) => c.kind === 'docketSurcharges');
  const said = d.commentary.map((c) => `row ${c.row}`).join(', ');
  if (pre.length > 1 || green.length > 1 || together.length > 1) {
    report('unitCost', d.row, `docket ${d.number}: its commentary (${said}) names a figure twice; loaded as one line of ${d.net}`);
    return [whole];
  }
  const greenMinor = green[0]?.amounts[0] ?? 0;
  let freightMinor: number;
  let surchargeMinor: number;
  let surchargeRow: number;
  const p = pre[0];
  const t = together[0];
  if (p !== undefined) {
    freightMinor = p.amounts[0] ?? 0;
    surchargeMinor = p.amounts[1] ?? 0;
    surchargeRow = p.row;
    const sum = freightMinor + surchargeMinor + greenMinor;
    const totalOk = t === undefined || t.amounts[0] === surchargeMinor + greenMinor;
    if (sum !== d.netMinor || !totalOk) {
      report(
        'netValue',
        d.row,
        `docket ${d.number}: its commentary (${said}) does not add up to its Net Value ${pounds(d.netMinor)}: pre-surcharge ${pounds(freightMinor)} + surcharge ${pounds(surchargeMinor)} + green surcharge ${pounds(greenMinor)} = ${pounds(sum)}${totalOk ? '' : `, and its total surcharge says ${pounds(t?.amounts[0] ?? 0)}`}; loaded as one line`,
      );
      return [whole];
    }
  } else {
    // only the surcharges are named: the postage is what is left of the Net Value
    const surcharges = t?.amounts[0] ?? greenMinor;
    surchargeMinor = surcharges - greenMinor;
    surchargeRow = t?.row ?? d.row;
    freightMinor = d.netMinor - surcharges;
    if (surchargeMinor < 0 || Math.sign(freightMinor) !== Math.sign(d.netMinor)) {
      report('netValue', d.row, `docket ${d.number}: its commentary (${said}) names surcharges of ${pounds(surcharges)} that do not fit its Net Value ${pounds(d.netMinor)}; loaded as one line`);
      return [whole];
    }
  }
  const on: ShipmentDraft | null = d.shipment === null ? null : { trackingNumber: d.shipment.trackingNumber, packageRow: false };
  const lines: LineDraft[] = [{ ...whole, charges: [{ description: d.service, amount: pounds(freightMinor), field: 'netValue' }] }];
  if (surchargeMinor !== 0) {
    lines.push({ row: surchargeRow, invoice: d.invoice, shipment: on, charges: [{ description: SURCHARGE_NAMES.surcharge, amount: pounds(surchargeMinor), column: commentaryColumn, descriptionColumn: commentaryColumn }] });
  }
  const g = green[0];
  if (g !== undefined && greenMinor !== 0) {
    lines.push({ row: g.row, invoice: d.invoice, shipment: on, charges: [{ description: SURCHARGE_NAMES.green, amount: pounds(greenMinor), column: commentaryColumn, descriptionColumn: commentaryColumn }] });
  }
  s.surchargesMinor += surchargeMinor + greenMinor;
  // in file order, as every other row's lines
  return lines.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
}

/** The held-back docket's lines (none when there is none). */
function flush(s: PipeState, report: Report, commentaryColumn: string): LineDraft[] {
  const d = s.docket;
  s.docket = null;
  return d === null ? [] : docketLines(d, s, report, commentaryColumn);
}

/** A commentary row: a figure of the docket above, the invoice's surcharge total, or words (weight bands). */
function commentary(r: PipeRow, s: PipeState): LineDraft[] | null {
  const text = r.get('unitCost');
  const report: Report = (field, row, detail) => r.issue('error', 'total_mismatch', field, detail, row);
  if (normalizeName(text) === INVOICE_TOTAL) {
    const lines = flush(s, report, r.label('unitCost'));
    const stated = pence(r.get('netValue'));
    if (stated === null) {
      r.issue('error', 'bad_amount', 'netValue', `${INVOICE_SURCHARGE_TOTAL}: "${r.get('netValue')}" is not an amount`);
    } else if (stated !== s.surchargesMinor) {
      r.issue(
        'error',
        'total_mismatch',
        'netValue',
        `the invoice states ${pounds(stated)} GBP of surcharges (${INVOICE_SURCHARGE_TOTAL}) but the surcharge lines loaded for invoice ${s.invoice?.number ?? '?'} sum to ${pounds(s.surchargesMinor)} GBP (difference ${pounds(s.surchargesMinor - stated)})`,
      );
    }
    s.surchargesMinor = 0;
    return lines;
  }
  for (const kind of ['preSurcharge', 'green', 'docketSurcharges'] as const) {
    const m = COMMENTARY[kind].exec(text);
    if (m === null) continue;
    if (s.docket === null) {
      r.issue('warning', 'wrong_format', 'unitCost', `"${text}" follows no docket; not loaded`);
      return null;
    }
    const amounts = m.slice(1).map((a) => pence(a ?? ''));
    if (amounts.some((a) => a === null)) {
      r.issue('error', 'bad_amount', 'unitCost', `"${text}" names an amount that is not one`);
      return null;
    }
    s.docket.commentary.push({ row: r.row, kind, amounts: amounts as number[] });
    return null;
  }
  // anything else (a `Lge Letter` weight band: count, band and price each) bills nothing
  return null;
}

/**
 * The download's rows (pipe for one invoice, comma for several at once): a summary row opens an
 * invoice, a docket row a charge, commentary rows under it split the docket (held back until
 * the next docket, summary or closing row, or the end of the file).
 */
function downloadLayout(id: string, name: string, delimiter: string) {
  return defineLayout<PipeField, PipeState>({
    id,
    name,
    delimiters: [delimiter],
    currency: LAYOUT_CURRENCY,
    header: { columns: PIPE_COLUMNS, required: PIPE_REQUIRED, labels: 'position' },
    labels: PIPE_LABELS,
    detect: { confidence: 0.95 },
    state: () => ({ invoice: null, orphanReported: false, docket: null, surchargesMinor: 0, labels: {} }),
    rowKind(r) {
      if (normalizeName(r.get('docketNumber')) !== DOCKET_HEADER) return 'data';
      // a second download appended to the first (or each invoice of a consolidated one): its header is not data
      r.issue('info', 'wrong_format', null, 'repeated header row skipped');
      return 'skip';
    },
    toLines(r, s) {
      const documentNumber = r.get('documentNumber');
      const docket = r.get('docketNumber');
      if (documentNumber === '' && docket === '') return commentary(r, s);
      const report: Report = (field, row, detail) => r.issue('error', 'total_mismatch', field, detail, row);
      const lines = flush(s, report, r.label('unitCost'));
      if (documentNumber !== '') {
        // Total Net: VAT is a summary figure here, never a charge line (formats.md 8.1)
        s.invoice = { number: documentNumber, date: r.get('invoiceDate'), accountNumber: r.get('accountNumber'), statedTotal: r.get('totalNet'), row: r.row };
        s.surchargesMinor = 0;
      }
      if (docket === '') return lines;
      if (s.invoice === null) {
        if (!s.orphanReported) r.issue('error', 'wrong_format', null, `a docket row comes before the invoice summary row; the first data row must carry the invoice (column ${r.label('documentNumber')})`);
        s.orphanReported = true;
        return lines;
      }
      s.labels = { netValue: r.label('netValue'), unitCost: r.label('unitCost') };
      const service = r.get('service');
      // a docket of several items states weight 0.000: not weighed, not zero kilograms
      const weight = ZERO.test(r.get('weight')) ? '' : r.get('weight');
      const admin = ADMIN_SERVICES.some((a) => service.toLowerCase().startsWith(a));
      const net = r.get('netValue');
      s.docket = {
        row: r.row,
        number: docket,
        invoice: s.invoice,
        // An administrative docket bills the account, not a posting (formats.md 8.1).
        shipment: admin
          ? null
          : {
              // a credit docket (negative Net Value) has a docket number of its own (8.2)
              trackingNumber: docket,
              // Quantity = items posted on the docket [CA-RM test]
              packageCount: r.get('quantity'),
              service,
              shipDate: r.get('postingDate'),
              billedWeight: weight,
              weightUnit: weight === '' ? '' : 'kg',
              // Poster holds the posting customer's postcode [CA-RM test]
              senderPostcode: r.get('poster'),
            },
        service,
        net,
        netMinor: pence(net),
        commentary: [],
      };
      return lines;
    },
    end(s, file) {
      const label = (f: PipeField): string => s.labels[f] ?? PIPE_COLUMNS[f][0];
      return flush(s, (field, row, detail) => file.issue('error', 'total_mismatch', field === null ? null : label(field), detail, row), label('unitCost'));
    },
  });
}

export const pipe = downloadLayout('pipe-download', "Royal Mail's invoice download", PIPE_DELIMITER);
/** Several invoices downloaded at once: one comma-separated file, the same columns (issue 10). */
export const consolidated = downloadLayout('consolidated-download', "Royal Mail's consolidated invoice download", CONSOLIDATED_DELIMITER);

type BexField = keyof typeof BEX_COLUMNS;

interface BexState {
  invoice: InvoiceDraft | null;
  /** The sales order of the row above, when that row opened or joined a shipment (8.2). */
  previousOrder: string;
}

const OVERALL_RESULT = normalizeName(BEX_OVERALL_RESULT);
const SUBTOTAL = normalizeName(BEX_SUBTOTAL);

export const bex = defineLayout<BexField, BexState>({
  id: 'sap-bex',
  name: 'SAP BEx invoice export',
  delimiters: [BEX_DELIMITER],
  currency: LAYOUT_CURRENCY,
  // '#' is SAP's "not assigned": an empty cell [RM-SAP]
  empty: [BEX_NOT_ASSIGNED],
  header: { columns: BEX_COLUMNS, required: BEX_REQUIRED, maxRowsAbove: BEX_MAX_ROWS_ABOVE, labels: 'position' },
  labels: BEX_LABELS,
  detect: { confidence: 0.95 },
  total: { field: 'netValue', label: BEX_OVERALL_RESULT },
  state: () => ({ invoice: null, previousOrder: '' }),
  rowKind(r) {
    const first = normalizeName(r.cell(0));
    // the file's control total, checked by the engine; never a charge (formats.md 8.1)
    if (first === OVERALL_RESULT) return 'total';
    // a BEx subtotal row (SAP convention, inferred): the Overall Result covers the file
    return first === SUBTOTAL ? 'skip' : 'data';
  },
  toLines(r, s) {
    const number = r.get('invoiceNumber');
    const date = r.get('invoiceDate');
    const account = r.get('accountNumber');
    if (s.invoice === null || s.invoice.number !== number || s.invoice.date !== date || s.invoice.accountNumber !== account) {
      // no per-invoice total in BEx (8.1): the Overall Result is checked for the whole file
      s.invoice = { number, date, accountNumber: account };
      s.previousOrder = '';
    }
    const code = r.get('productCode');
    const name = r.get('productName');
    return { invoice: s.invoice, shipment: bexShipment(r, s, code, name), charges: [{ description: name, code, amount: r.get('netValue'), field: 'netValue' }] };
  },
});

function bexShipment(r: Row<BexField>, s: BexState, code: string, name: string): ShipmentDraft | null {
  const order = r.get('salesOrderNo');
  if (BEX_NON_POSTAGE_CODES.has(code.toUpperCase())) {
    // an admin or adjustment row sharing the sales order of the row above is a second charge
    // of that order (8.2); on its own it bills the account, like the pipe download's
    // administrative dockets (8.1)
    if (order !== '' && order === s.previousOrder) return { trackingNumber: order, packageRow: false };
    s.previousOrder = '';
    return null;
  }
  s.previousOrder = order;
  if (order === '') return null;
  const weight = r.get('totalWeight');
  const unit = r.get('weightUnit').toUpperCase();
  return {
    trackingNumber: order,
    packageCount: r.get('volume'),
    service: name,
    shipDate: r.get('salesOrderDate'),
    billedWeight: weight,
    weightUnit: weight === '' ? '' : (BEX_WEIGHT_UNITS[unit] ?? unit.toLowerCase()),
    receiverCountry: r.get('countryCode'),
  };
}
