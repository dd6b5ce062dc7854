/**
 * Royal Mail invoice files → raw lines (shared/formats.md 5, 8.1, 8.2). Two layouts, told apart
 * by their first lines, never by a flag:
 *
 * - the single-invoice download (pipe, cp1252): a summary row with the invoice fields, then one
 *   row per docket, each followed by free-text commentary rows. A docket is one charge and one
 *   shipment keyed by its Docket Number; an administrative docket is an invoice-level charge.
 * - the SAP BEx export (comma, two header rows, `Overall Result` footer): one row per sales
 *   order, several invoices per file; admin rows may join the sales order of the row above.
 */
import {
  issue,
  readCsv,
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
import {
  BEX_COL,
  BEX_DELIMITER,
  BEX_GROUPS,
  BEX_HEADER,
  BEX_LABELS,
  BEX_MAX_TITLE_LINES,
  BEX_NET_VALUE,
  BEX_NON_POSTAGE_CODES,
  BEX_NOT_ASSIGNED,
  BEX_OVERALL_RESULT,
  BEX_REQUIRED,
  BEX_SUBTOTAL,
  BEX_WEIGHT_UNITS,
  BEX_WIDTH,
  LAYOUT_CURRENCY,
  normalizeName,
  PIPE_ADMIN_SERVICES,
  PIPE_COL,
  PIPE_DELIMITER,
  PIPE_HEADER,
  PIPE_LABELS,
  PIPE_NET_VALUE,
  PIPE_WIDTH,
} from './columns.js';

// ---------------------------------------------------------------------------------------------
// Layout recognition (shared by detect and parse)

type Layout = 'pipe' | 'bex';

interface Sniff {
  readonly layout: Layout | null;
  /** detect()'s answer. */
  readonly score: number;
  /** Why the file is not (quite) one of ours, for wrong_format messages. */
  readonly problem: string;
}

const CERTAIN = 0.95;
/** Starts like ours but the header is off: below the engine's 0.5 threshold on purpose. */
const DOUBTFUL = 0.4;

const PIPE_FIRST = normalizeName(PIPE_HEADER[0]);
const OVERALL_RESULT = normalizeName(BEX_OVERALL_RESULT);
const SUBTOTAL = normalizeName(BEX_SUBTOTAL);
const GROUP_NAMES = BEX_GROUPS.map(([, name]) => normalizeName(name));


/** Problems with a pipe header row: the columns we read must carry their names (any case/spacing). */
function pipeHeaderProblems(fields: readonly string[], width: number): string | null {
  if (normalizeName(fields[0] ?? '') !== PIPE_FIRST) return `the first header field is "${(fields[0] ?? '').slice(0, 40)}", not "${PIPE_HEADER[0]}"`;
  const wrong: string[] = [];
  for (const pos of Object.values(PIPE_COL)) {
    const want = PIPE_HEADER[pos - 1] ?? '';
    const got = fields[pos - 1] ?? '';
    if (normalizeName(got) !== normalizeName(want)) wrong.push(`column ${pos} is "${got.trim().slice(0, 40)}", expected "${want}"`);
  }
  if (wrong.length > 0) return `the header does not match Royal Mail's invoice download: ${wrong.join('; ')}`;
  if (width !== PIPE_WIDTH) return `the header has ${width} columns; Royal Mail's invoice download has ${PIPE_WIDTH}`;
  return null;
}

/** SAP BEx row 1: the group labels, in order, with nothing else. */
function isBexGroupRow(fields: readonly string[]): boolean {
  const names = fields.map(normalizeName).filter((n) => n !== '');
  return names.length === GROUP_NAMES.length && names.every((n, i) => n === GROUP_NAMES[i]);
}

/** Problems with a BEx column-name row: the columns we need must carry their names. */
function bexHeaderProblems(fields: readonly string[], width: number): string | null {
  const wrong: string[] = [];
  for (const key of BEX_REQUIRED) {
    const pos = BEX_COL[key];
    const want = BEX_HEADER[pos - 1] ?? '';
    const got = fields[pos - 1] ?? '';
    if (normalizeName(got) !== normalizeName(want)) wrong.push(`column ${pos} is "${got.trim().slice(0, 40)}", expected "${want}"`);
  }
  if (wrong.length > 0) return `the second header row does not match the SAP BEx invoice export: ${wrong.join('; ')}`;
  if (width !== BEX_WIDTH) return `the second header row has ${width} columns; the SAP BEx invoice export has ${BEX_WIDTH}`;
  return null;
}

/** Which layout the first lines show, and how sure we are. */
function sniff(head: string): Sniff {
  const lines = head.replace(/^\uFEFF/, '').split('\n', BEX_MAX_TITLE_LINES + 3).map((l) => l.replace(/\r$/, ''));
  const first = lines[0] ?? '';
  const pipeFields = first.split(PIPE_DELIMITER);
  if (pipeFields.length > 1 && normalizeName(pipeFields[0] ?? '') === PIPE_FIRST) {
    const problem = pipeHeaderProblems(pipeFields, pipeFields.length);
    return { layout: 'pipe', score: problem === null ? CERTAIN : DOUBTFUL, problem: problem ?? '' };
  }
  for (let i = 0; i <= BEX_MAX_TITLE_LINES && i < lines.length - 1; i++) {
    if (!isBexGroupRow(splitCsvLine(lines[i] as string, BEX_DELIMITER))) continue;
    const names = splitCsvLine(lines[i + 1] as string, BEX_DELIMITER);
    const problem = bexHeaderProblems(names, names.length);
    return { layout: 'bex', score: problem === null ? CERTAIN : DOUBTFUL, problem: problem ?? '' };
  }
  return {
    layout: null,
    score: 0,
    problem: `not a Royal Mail invoice file: neither the invoice download (a pipe-separated header starting "${PIPE_HEADER.slice(0, 3).join('|')}") nor the SAP BEx export (a row of group labels ${BEX_GROUPS.map(([, n]) => n).join(', ')} within the first ${BEX_MAX_TITLE_LINES + 1} lines)`,
  };
}

/** How sure we are that `sample` is a Royal Mail invoice download or BEx export. */
export function detectRoyalMail(sample: FileSample): number {
  if (sample.kind !== 'text') return 0;
  return sniff(sample.head).score;
}

export async function* parseRoyalMail(input: ParseInput): AsyncIterable<ParseBatch> {
  if (input.kind !== 'text') {
    yield { lines: [], issues: [wrongFormat(input.file, 1, 'a spreadsheet; Royal Mail invoice files are CSV (pipe download or SAP BEx export)')] };
    return;
  }
  const s = sniff(input.head);
  if (s.layout === 'pipe') yield* parsePipe(input);
  else if (s.layout === 'bex') yield* parseBex(input);
  else yield { lines: [], issues: [wrongFormat(input.file, 1, s.problem)] };
}

function wrongFormat(file: string, row: number, detail: string): Issue {
  return issue('error', 'wrong_format', { file, row }, detail);
}

function truncated(file: string, rec: CsvRecord, width: number): Issue {
  return issue('error', 'truncated', { file, row: rec.row }, `the file ends in the middle of this row (${rec.width} of ${width} fields); it was cut off during download or copy`);
}

function unterminated(file: string, row: number): Issue {
  return issue('error', 'unterminated_quote', { file, row }, 'a quoted field is never closed; the file is cut off or malformed');
}

const NO_SHIPMENT_FIELDS = {
  leadTrackingNumber: '',
  zone: '',
  enteredWeight: '',
  dimensions: '',
  dimensionUnit: '',
  volumetricWeight: '',
} as const;

// ---------------------------------------------------------------------------------------------
// 5A: the pipe download

const ADMIN_SERVICES = PIPE_ADMIN_SERVICES.map((s) => s.toLowerCase());

function isAdminService(service: string): boolean {
  const s = service.toLowerCase();
  return ADMIN_SERVICES.some((a) => s.startsWith(a));
}

async function* parsePipe(input: ParseInput): AsyncIterable<ParseBatch> {
  const file = input.file;
  let header = false;
  // The summary row's invoice fields, carried onto every docket after it.
  let invoice: RawInvoice | null = null;
  for await (const batch of readCsv(input, PIPE_DELIMITER)) {
    const lines: RawLine[] = [];
    const issues: Issue[] = [];
    const records = batch.records;
    for (let r = 0; r < records.length; r++) {
      const rec = records[r] as CsvRecord;
      const f = rec.fields;
      if (!header) {
        const problem = pipeHeaderProblems(f, rec.width);
        if (problem !== null) {
          issues.push(wrongFormat(file, rec.row, problem));
          yield { lines, issues };
          return;
        }
        header = true;
        continue;
      }
      const isLast = batch.end !== undefined && r === records.length - 1;
      if (isLast && batch.end?.endedWithoutNewline === true && rec.width < PIPE_WIDTH) {
        issues.push(truncated(file, rec, PIPE_WIDTH));
        continue;
      }
      if (rec.width !== PIPE_WIDTH) {
        issues.push(issue('error', 'column_count', { file, row: rec.row }, `has ${rec.width} fields; every row of Royal Mail's invoice download has ${PIPE_WIDTH}`));
        continue;
      }
      const get = (pos: number): string => (f[pos - 1] ?? '').trim();
      if ((f[0] ?? '') !== '' && normalizeName(f[0] as string) === PIPE_FIRST && pipeHeaderProblems(f, rec.width) === null) {
        // a second download appended to the first: its header is not data
        issues.push(issue('info', 'wrong_format', { file, row: rec.row }, 'repeated header row skipped'));
        continue;
      }
      const documentNumber = get(PIPE_COL.documentNumber);
      if (documentNumber !== '') {
        invoice = {
          number: documentNumber,
          date: get(PIPE_COL.invoiceDate),
          accountNumber: get(PIPE_COL.accountNumber),
          currency: LAYOUT_CURRENCY,
          // Total Net: VAT is a summary figure here, never a charge line (formats.md 8.1)
          statedTotal: get(PIPE_COL.totalNet),
        };
      }
      const docket = get(PIPE_COL.docketNumber);
      // Royal Mail repeats surcharges and weight bands as free-text rows under the docket, with
      // an empty Docket Number; they are already in the docket's Net Value (formats.md 8.2).
      if (docket === '') continue;
      if (invoice === null) {
        issues.push(wrongFormat(file, rec.row, `a docket row comes before the invoice summary row; the first data row must carry the invoice (column ${PIPE_COL.documentNumber} ${PIPE_HEADER[PIPE_COL.documentNumber - 1]})`));
        yield { lines, issues };
        return;
      }
      lines.push(docketLine(rec.row, get, docket, invoice));
    }
    if (batch.end?.unterminatedQuoteRow != null) issues.push(unterminated(file, batch.end.unterminatedQuoteRow));
    yield { lines, issues };
  }
}

function docketLine(row: number, get: (pos: number) => string, docket: string, invoice: RawInvoice): RawLine {
  const service = get(PIPE_COL.service);
  const weight = get(PIPE_COL.weight);
  const charge: RawCharge = {
    description: service,
    code: '',
    classification: '',
    amount: get(PIPE_COL.netValue),
    incentive: '',
    currency: '',
    column: PIPE_NET_VALUE,
  };
  // An administrative docket bills the account, not a posting (formats.md 8.1).
  const shipment: RawShipment | null = isAdminService(service)
    ? null
    : {
        ...NO_SHIPMENT_FIELDS,
        // a credit docket (negative Net Value) has a docket number of its own (8.2)
        trackingNumber: docket,
        packageRow: true,
        // Quantity = items posted on the docket [CA-RM test]
        packageCount: get(PIPE_COL.quantity),
        service,
        serviceRank: 1,
        shipDate: get(PIPE_COL.postingDate),
        billedWeight: weight,
        weightUnit: weight === '' ? '' : 'kg',
        // Poster holds the posting customer's postcode [CA-RM test]
        senderPostcode: get(PIPE_COL.poster),
        senderCountry: '',
        receiverPostcode: '',
        receiverCountry: '',
      };
  return { row, invoice, shipment, charges: [charge], columns: PIPE_LABELS };
}

// ---------------------------------------------------------------------------------------------
// 5B: the SAP BEx export

async function* parseBex(input: ParseInput): AsyncIterable<ParseBatch> {
  const file = input.file;
  let stage: 'title' | 'names' | 'data' | 'after-total' = 'title';
  let titleLines = 0;
  let invoice: RawInvoice | null = null;
  // The sales order of the row above, when that row opened or joined a shipment (8.2).
  let previousOrder = '';
  for await (const batch of readCsv(input, BEX_DELIMITER)) {
    const lines: RawLine[] = [];
    const issues: Issue[] = [];
    let controlTotal: ParseBatch['controlTotal'];
    const records = batch.records;
    for (let r = 0; r < records.length; r++) {
      const rec = records[r] as CsvRecord;
      const f = rec.fields;
      if (stage === 'title') {
        if (isBexGroupRow(f)) stage = 'names';
        else if (++titleLines > BEX_MAX_TITLE_LINES) {
          issues.push(wrongFormat(file, rec.row, `no SAP BEx group-label row (${BEX_GROUPS.map(([, n]) => n).join(', ')}) in the first ${BEX_MAX_TITLE_LINES + 1} lines`));
          yield { lines, issues };
          return;
        }
        continue;
      }
      if (stage === 'names') {
        const problem = bexHeaderProblems(f, rec.width);
        if (problem !== null) {
          issues.push(wrongFormat(file, rec.row, problem));
          yield { lines, issues };
          return;
        }
        stage = 'data';
        continue;
      }
      const isLast = batch.end !== undefined && r === records.length - 1;
      if (isLast && batch.end?.endedWithoutNewline === true && rec.width < BEX_WIDTH) {
        issues.push(truncated(file, rec, BEX_WIDTH));
        continue;
      }
      // '#' is SAP's "not assigned": an empty cell [RM-SAP]
      const val = (pos: number): string => {
        const v = (f[pos - 1] ?? '').trim();
        return v === BEX_NOT_ASSIGNED ? '' : v;
      };
      const first = normalizeName(f[0] ?? '');
      if (f.every((v) => v.trim() === '' || v.trim() === BEX_NOT_ASSIGNED)) continue;
      if (stage === 'after-total') {
        issues.push(wrongFormat(file, rec.row, `a row after the ${BEX_OVERALL_RESULT} row, which ends a SAP BEx export; two exports joined into one file?`));
        continue;
      }
      if (first === OVERALL_RESULT) {
        if (rec.width < BEX_COL.netValue) {
          issues.push(issue('error', 'column_count', { file, row: rec.row }, `the ${BEX_OVERALL_RESULT} row has ${rec.width} fields; its total is in column ${BEX_NET_VALUE}`));
        } else {
          // the file's control total, checked by the engine; never a charge (formats.md 8.1)
          controlTotal = { amount: val(BEX_COL.netValue), currency: '', row: rec.row, column: BEX_NET_VALUE, label: BEX_OVERALL_RESULT };
        }
        stage = 'after-total';
        continue;
      }
      // a BEx subtotal row (SAP convention, inferred): the Overall Result covers the file
      if (first === SUBTOTAL) continue;
      if (rec.width !== BEX_WIDTH) {
        issues.push(issue('error', 'column_count', { file, row: rec.row }, `has ${rec.width} fields; every row of the SAP BEx export has ${BEX_WIDTH}`));
        continue;
      }
      const number = val(BEX_COL.invoiceNumber);
      const date = val(BEX_COL.invoiceDate);
      const account = val(BEX_COL.accountNumber);
      if (invoice === null || invoice.number !== number || invoice.date !== date || invoice.accountNumber !== account) {
        // no per-invoice total in BEx (8.1): the Overall Result is checked for the whole file
        invoice = { number, date, accountNumber: account, currency: LAYOUT_CURRENCY, statedTotal: '' };
        previousOrder = '';
      }
      const order = val(BEX_COL.salesOrderNo);
      const code = val(BEX_COL.productCode);
      const name = val(BEX_COL.productName);
      let shipment: RawShipment | null = null;
      if (BEX_NON_POSTAGE_CODES.has(code.toUpperCase())) {
        // an admin or adjustment row sharing the sales order of the row above is a second
        // charge of that order (8.2); on its own it bills the account, like the pipe download's
        // administrative dockets (8.1)
        if (order !== '' && order === previousOrder) shipment = chargeOnly(order);
        else previousOrder = '';
      } else if (order !== '') {
        const weight = val(BEX_COL.totalWeight);
        const unit = val(BEX_COL.weightUnit).toUpperCase();
        shipment = {
          ...NO_SHIPMENT_FIELDS,
          trackingNumber: order,
          packageRow: true,
          packageCount: val(BEX_COL.volume),
          service: name,
          serviceRank: 1,
          shipDate: val(BEX_COL.salesOrderDate),
          billedWeight: weight,
          weightUnit: weight === '' ? '' : (BEX_WEIGHT_UNITS[unit] ?? unit.toLowerCase()),
          senderPostcode: '',
          senderCountry: '',
          receiverPostcode: '',
          receiverCountry: val(BEX_COL.countryCode),
        };
        previousOrder = order;
      } else {
        previousOrder = '';
      }
      const charge: RawCharge = { description: name, code, classification: '', amount: val(BEX_COL.netValue), incentive: '', currency: '', column: BEX_NET_VALUE };
      lines.push({ row: rec.row, invoice, shipment, charges: [charge], columns: BEX_LABELS });
    }
    if (batch.end !== undefined && stage !== 'data' && stage !== 'after-total') {
      issues.push(wrongFormat(file, 1, 'the SAP BEx export ends before its second header row'));
    }
    if (batch.end?.unterminatedQuoteRow != null) issues.push(unterminated(file, batch.end.unterminatedQuoteRow));
    yield controlTotal === undefined ? { lines, issues } : { lines, issues, controlTotal };
  }
}

/** A charge on a sales order whose postage row came before: adds to it, describes nothing. */
function chargeOnly(order: string): RawShipment {
  return {
    ...NO_SHIPMENT_FIELDS,
    trackingNumber: order,
    packageRow: false,
    packageCount: '',
    service: '',
    serviceRank: 0,
    shipDate: '',
    billedWeight: '',
    weightUnit: '',
    senderPostcode: '',
    senderCountry: '',
    receiverPostcode: '',
    receiverCountry: '',
  };
}
