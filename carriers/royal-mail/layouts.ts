/**
 * Royal Mail's invoice files (shared/formats.md 5, 8.1, 8.2):
 *
 * - the single-invoice download (pipe, cp1252): a summary row with the invoice fields, then one
 *   row per docket, each followed by free-text commentary rows. A docket is one charge and one
 *   shipment keyed by its Docket Number; an administrative docket is an invoice-level charge.
 * - the SAP BEx export (comma, a title and group labels above the column names, `Overall
 *   Result` footer): one row per sales order, several invoices per file; admin rows may join the
 *   sales order of the row above.
 */
import { defineLayout, normalizeName, type InvoiceDraft, type Row, type ShipmentDraft } from '../../src/carrier-kit/index.js';
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
  LAYOUT_CURRENCY,
  PIPE_ADMIN_SERVICES,
  PIPE_COLUMNS,
  PIPE_DELIMITER,
  PIPE_LABELS,
  PIPE_REQUIRED,
} from './columns.js';

const ADMIN_SERVICES = PIPE_ADMIN_SERVICES.map((s) => s.toLowerCase());
const DOCKET_HEADER = normalizeName(PIPE_COLUMNS.docketNumber[0]);

interface PipeState {
  /** The summary row's invoice fields, carried onto every docket after it. */
  invoice: InvoiceDraft | null;
  orphanReported: boolean;
}

export const pipe = defineLayout<keyof typeof PIPE_COLUMNS, PipeState>({
  id: 'pipe-download',
  name: "Royal Mail's invoice download",
  delimiters: [PIPE_DELIMITER],
  currency: LAYOUT_CURRENCY,
  header: { columns: PIPE_COLUMNS, required: PIPE_REQUIRED, labels: 'position' },
  labels: PIPE_LABELS,
  detect: { confidence: 0.95 },
  state: () => ({ invoice: null, orphanReported: false }),
  rowKind(r) {
    if (normalizeName(r.get('docketNumber')) !== DOCKET_HEADER) return 'data';
    // a second download appended to the first: its header is not data
    r.issue('info', 'wrong_format', null, 'repeated header row skipped');
    return 'skip';
  },
  toLines(r, s) {
    const documentNumber = r.get('documentNumber');
    if (documentNumber !== '') {
      // Total Net: VAT is a summary figure here, never a charge line (formats.md 8.1)
      s.invoice = { number: documentNumber, date: r.get('invoiceDate'), accountNumber: r.get('accountNumber'), statedTotal: r.get('totalNet'), row: r.row };
    }
    const docket = r.get('docketNumber');
    // Royal Mail repeats surcharges and weight bands as free-text rows under the docket, with
    // an empty Docket Number; they are already in the docket's Net Value (formats.md 8.2).
    if (docket === '') return null;
    if (s.invoice === null) {
      if (!s.orphanReported) r.issue('error', 'wrong_format', null, `a docket row comes before the invoice summary row; the first data row must carry the invoice (column ${r.label('documentNumber')})`);
      s.orphanReported = true;
      return null;
    }
    const service = r.get('service');
    const weight = r.get('weight');
    const admin = ADMIN_SERVICES.some((a) => service.toLowerCase().startsWith(a));
    return {
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
      charges: [{ description: service, amount: r.get('netValue'), field: 'netValue' }],
    };
  },
});

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
