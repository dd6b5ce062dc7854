/**
 * `defineCarrier`: a carrier's declared layouts → the engine's adapter (detect + parse). The read
 * loop, layout recognition, header matching, integrity issues and control totals live here once,
 * for every carrier.
 */
import { issue, type Issue } from '../model/issue.js';
import { headRecords, sniffDelimiter, type CsvEnd, type CsvRecord } from '../parsing/csv.js';
import type { CarrierAdapter, ColumnLabels, ControlTotal, FileSample, ParseBatch, ParseInput, RawCharge, RawLine, RawShipment } from './contract.js';
import { readCsv } from './csv-input.js';
import { indexHeader, missingFields } from './header.js';
import type { CarrierDefinition, ChargeDraft, LabelKey, Layout, LineDraft, Row, RowKind } from './layout.js';
import { readWorkbook } from './workbook-input.js';

type AnyLayout = Layout<string, unknown>;

const LABEL_KEYS: readonly LabelKey[] = [
  'invoiceNumber', 'invoiceDate', 'accountNumber', 'currency', 'statedTotal', 'trackingNumber', 'shipDate', 'packageCount',
  'enteredWeight', 'billedWeight', 'dimensions', 'volumetricWeight', 'incentive', 'description',
];
/** Delimiters told apart when a layout accepts several. */
const COMMON_DELIMITERS = [',', ';', '|', '\t'];
/** Rows of the sample that recognition reads. */
const SAMPLE_ROWS = 10;
/** Score of a header naming several but not all required fields: below the engine's 0.5 on purpose. */
const DOUBTFUL = 0.3;

/** Lower case, NFC, letters and digits only: `Vægt (kg)` → `vægtkg`, `Sales Order No.` → `salesorderno`. */
export function normalizeName(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

function deepFreeze<T>(o: T): T {
  if (o !== null && (typeof o === 'object' || typeof o === 'function') && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

/** A record from a CSV or a sheet. */
interface Rec {
  readonly row: number;
  readonly fields: readonly string[];
  readonly width: number;
}

/** Where each field is in a record: a 0-based column (or a pick slot), and its label. */
interface Columns {
  readonly at: ReadonlyMap<string, number>;
  readonly labels: ReadonlyMap<string, string>;
  /** Fields per data row the header promises (header layouts). */
  readonly headerWidth: number | null;
}

/** How one layout matched a file's first records. */
interface Recognition {
  readonly layout: AnyLayout;
  readonly score: number;
  /** Parse may use this layout (detection may still be unsure). */
  readonly usable: boolean;
  readonly problem: string;
  readonly problemRow: number;
  readonly delimiter: string;
  /** Header layouts: records to skip (rows above and the header) and the columns found. */
  readonly skip: number;
  readonly columns: Columns | null;
  /** A recognised header's missing required fields (layouts reporting them `each`). */
  readonly missing?: { readonly fields: readonly string[]; readonly row: number };
}

function positionColumns(layout: AnyLayout, picked: boolean): Columns {
  const spec = layout.positions;
  const at = new Map<string, number>();
  const labels = new Map<string, string>();
  if (spec !== undefined) {
    Object.entries(spec.columns).forEach(([f, [pos, name]], j) => {
      at.set(f, picked ? j : pos - 1);
      labels.set(f, `${pos} ${name}`);
    });
  }
  return { at, labels, headerWidth: null };
}

function pickOf(layout: AnyLayout): readonly number[] | undefined {
  const spec = layout.positions;
  return spec?.pick === true ? Object.values(spec.columns).map(([pos]) => pos - 1) : undefined;
}

function isEmpty(layout: AnyLayout, text: string): boolean {
  return text === '' || (layout.empty?.includes(text) ?? false);
}

/** The row handle layouts read; one object per file, re-pointed at each record. */
class RowView implements Row<string> {
  rec: Rec = { row: 0, fields: [], width: 0 };
  sheet: string | undefined;
  constructor(
    private readonly layout: AnyLayout,
    private readonly columns: Columns,
    private readonly file: string,
    /** Where issues go: the current batch's list. */
    readonly sink: { issues: Issue[] },
  ) {}
  get row(): number {
    return this.rec.row;
  }
  get width(): number {
    return this.rec.width;
  }
  get(field: string): string {
    const i = this.columns.at.get(field);
    if (i === undefined) return '';
    const v = (this.rec.fields[i] ?? '').trim();
    return isEmpty(this.layout, v) ? '' : v;
  }
  cell(index: number): string {
    return (this.rec.fields[index] ?? '').trim();
  }
  has(field: string): boolean {
    return this.columns.at.has(field);
  }
  label(field: string): string {
    return this.columns.labels.get(field) ?? field;
  }
  issue(severity: Issue['severity'], code: Issue['code'], field: string | null, detail: string, row?: number): void {
    const at = { file: this.file, ...(this.sheet === undefined ? {} : { sheet: this.sheet }), row: row ?? this.rec.row };
    this.sink.issues.push(issue(severity, code, field === null ? at : { ...at, column: this.label(field) }, detail));
  }
}

function headerColumns(layout: AnyLayout, names: readonly string[]): Columns {
  const spec = layout.header;
  if (spec === undefined) throw new Error(`layout ${layout.id} has no header`);
  const index = indexHeader(names, spec.columns, spec.normalize ?? normalizeName);
  const at = new Map<string, number>();
  const labels = new Map<string, string>();
  for (const [f, i] of Object.entries(index) as [string, number][]) {
    at.set(f, i);
    const name = (names[i] ?? '').replace(/^\uFEFF/, '').trim();
    labels.set(f, spec.labels === 'position' ? `${i + 1} ${name}` : name);
  }
  return { at, labels, headerWidth: names.length };
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/** Recognises one layout in the first records of a file; a lookalike's refusal says what it is. */
function recognise(layout: AnyLayout, records: readonly Rec[], delimiter: string): Recognition {
  const r = recogniseLayout(layout, records, delimiter);
  if (r.usable || r.score > 0) return r;
  const first = (records[0]?.fields[0] ?? '').trim().toUpperCase();
  const like = layout.detect.lookalikes?.find((l) => l.firstCell.some((c) => c.toUpperCase() === first));
  return like === undefined ? r : { ...r, problem: `this is ${like.is}, not a ${layout.name}` };
}

function recogniseLayout(layout: AnyLayout, records: readonly Rec[], delimiter: string): Recognition {
  const base = { layout, delimiter, problemRow: records[0]?.row ?? 1 };
  const spec = layout.header;
  if (spec !== undefined) {
    const normalize = spec.normalize ?? normalizeName;
    const signature = layout.detect.signature;
    let best: { found: number; grade: number; missing: string[]; row: number } | null = null;
    const above = spec.maxRowsAbove ?? 0;
    for (let i = 0; i <= above && i < records.length; i++) {
      const rec = records[i] as Rec;
      const index = indexHeader(rec.fields, spec.columns, normalize);
      const missing = missingFields(index, spec.required);
      // a graded layout asks its signature about the header row (which fields it names)
      let grade = 1;
      if (signature !== undefined) {
        const view = new RowView(layout, headerColumns(layout, rec.fields), '', { issues: [] });
        view.rec = rec;
        grade = signature(view, layout.state?.());
      }
      if (missing.length === 0) {
        return { ...base, score: layout.detect.confidence * grade, usable: true, problem: '', problemRow: rec.row, skip: i + 1, columns: headerColumns(layout, rec.fields) };
      }
      const found = Object.keys(index).length;
      if (best === null || (signature !== undefined ? grade > best.grade : found > best.found)) best = { found, grade, missing, row: rec.row };
    }
    const recognised = best !== null && (signature !== undefined ? best.grade > 0 : best.found >= 3);
    if (best !== null && recognised) {
      const tried = best.missing.map((f) => `${f} (tried ${quoteList(spec.columns[f] ?? [])})`).join('; ');
      return {
        ...base,
        score: signature !== undefined ? layout.detect.confidence * best.grade : DOUBTFUL,
        usable: false,
        problem: `the ${layout.name} header on row ${best.row} has no column for ${tried}`,
        problemRow: best.row,
        skip: 0,
        columns: null,
        ...(spec.missing === 'each' ? { missing: { fields: best.missing, row: best.row } } : {}),
      };
    }
    const names = spec.required.map((f) => (spec.columns[f] ?? [])[0] ?? f);
    return { ...base, score: 0, usable: false, problem: `no ${layout.name} header (naming ${names.join(', ')}) in the first ${above + 1} row(s)`, skip: 0, columns: null };
  }
  // positional: the first data row's (or every sampled row's) signature
  const columns = positionColumns(layout, false);
  const view = new RowView(layout, columns, '', { issues: [] });
  const state = layout.state?.();
  const signature = layout.detect.signature ?? (() => 1);
  let score: number | null = null;
  let first: Rec | null = null;
  for (const rec of records) {
    view.rec = rec;
    if (rec.fields.every((v) => isEmpty(layout, v.trim())) || (layout.rowKind?.(view, state) ?? 'data') !== 'data') continue;
    const s = signature(view, state);
    first ??= rec;
    score = score === null ? s : Math.min(score, s);
    if (layout.detect.rows !== 'all') break;
  }
  if (score === null || first === null) return { ...base, score: 0, usable: false, problem: `no ${layout.name} rows`, skip: 0, columns: null };
  const accept = layout.detect.accept ?? 1;
  const firstScore = layout.detect.rows === 'all' ? (view.rec = first, signature(view, state)) : score;
  return {
    ...base,
    score: layout.detect.confidence * score,
    usable: firstScore >= accept,
    problem: `row ${first.row} does not look like a ${layout.name} row (${first.width} fields, starting "${(first.fields[0] ?? '').slice(0, 40)}")`,
    problemRow: first.row,
    skip: 0,
    columns: null,
  };
}

/** Which delimiter a text layout's file uses, or why it is not one of its files. */
function delimiterOf(layout: AnyLayout, head: string): { delimiter: string } | { problem: string } {
  const own = layout.delimiters ?? [','];
  if (own.length === 1) return { delimiter: own[0] as string };
  const found = sniffDelimiter(head, [...own, ...COMMON_DELIMITERS.filter((d) => !own.includes(d))]);
  if (found !== null && own.includes(found)) return { delimiter: found };
  const names = own.map((d) => JSON.stringify(d)).join(' or ');
  return { problem: `${layout.name} files are separated by ${names}; ${found === null ? 'no delimiter was found' : `this one by ${JSON.stringify(found)}`}` };
}

function sampleRecords(kind: 'text' | 'workbook', head: string, delimiter: string): Rec[] {
  if (kind === 'text') return headRecords(head, delimiter, SAMPLE_ROWS);
  return head
    .split('\n')
    .slice(0, SAMPLE_ROWS + 10)
    .map((l, i) => {
      const fields = l.split('\t');
      return { row: i + 1, fields, width: fields.length };
    })
    .filter((r) => r.fields.some((f) => f.trim() !== ''))
    .slice(0, SAMPLE_ROWS);
}

function recogniseAll(layouts: readonly AnyLayout[], kind: 'text' | 'workbook', head: string): Recognition[] {
  const out: Recognition[] = [];
  for (const layout of layouts) {
    if ((layout.kind ?? 'text') !== kind) continue;
    let delimiter = '\t';
    if (kind === 'text') {
      const d = delimiterOf(layout, head);
      if ('problem' in d) {
        out.push({ layout, score: 0, usable: false, problem: d.problem, problemRow: 1, delimiter: '', skip: 0, columns: null });
        continue;
      }
      delimiter = d.delimiter;
    }
    out.push(recognise(layout, sampleRecords(kind, head, delimiter), delimiter));
  }
  return out;
}

/** The engine-facing labels of one file's layout. */
function columnLabels(layout: AnyLayout, columns: Columns): ColumnLabels {
  const labels = {} as Record<LabelKey, string>;
  for (const key of LABEL_KEYS) {
    const field = layout.labels?.[key] ?? key;
    labels[key] = columns.labels.get(field) ?? '';
  }
  return labels;
}

const NO_CHARGES: readonly RawCharge[] = Object.freeze([]);

function toShipment(d: LineDraft['shipment']): RawShipment | null {
  if (d === undefined || d === null) return null;
  const service = d.service ?? '';
  return {
    trackingNumber: d.trackingNumber,
    leadTrackingNumber: d.leadTrackingNumber ?? '',
    packageRow: d.packageRow ?? true,
    ...(d.audited === true ? { audited: true } : {}),
    packageCount: d.packageCount ?? '',
    service,
    serviceRank: d.serviceRank ?? (service === '' ? 0 : 1),
    shipDate: d.shipDate ?? '',
    zone: d.zone ?? '',
    enteredWeight: d.enteredWeight ?? '',
    billedWeight: d.billedWeight ?? '',
    weightUnit: d.weightUnit ?? '',
    dimensions: d.dimensions ?? '',
    dimensionUnit: d.dimensionUnit ?? '',
    volumetricWeight: d.volumetricWeight ?? '',
    senderPostcode: d.senderPostcode ?? '',
    senderCountry: d.senderCountry ?? '',
    receiverPostcode: d.receiverPostcode ?? '',
    receiverCountry: d.receiverCountry ?? '',
    ...(d.receiverCompany === undefined || d.receiverCompany === '' ? {} : { receiverCompany: d.receiverCompany }),
  };
}

/** Turns each data record of one file into raw lines, with the kit's integrity checks. */
class FileReader {
  readonly view: RowView;
  private readonly labels: ColumnLabels;
  private readonly state: unknown;
  private previousWidth = 0;
  private afterTotal = false;
  private controlTotal: ControlTotal | undefined;
  private readonly sink: { issues: Issue[] } = { issues: [] };
  private readonly mergedLabels = new WeakMap<object, ColumnLabels>();

  constructor(
    private readonly layout: AnyLayout,
    private readonly columns: Columns,
    private readonly file: string,
  ) {
    this.view = new RowView(layout, columns, file, this.sink);
    this.labels = columnLabels(layout, columns);
    this.state = layout.state?.();
    this.previousWidth = columns.headerWidth ?? layout.positions?.width.min ?? 0;
  }

  /** Issues found from now on go to `issues` (one list per batch). */
  reportTo(issues: Issue[]): void {
    this.sink.issues = issues;
  }

  /** The control total found since the last call. */
  takeControlTotal(): ControlTotal | undefined {
    const t = this.controlTotal;
    this.controlTotal = undefined;
    return t;
  }

  private get issues(): Issue[] {
    return this.sink.issues;
  }

  private at(row: number): { file: string; sheet?: string; row: number } {
    return this.view.sheet === undefined ? { file: this.file, row } : { file: this.file, sheet: this.view.sheet, row };
  }

  /** `end`: how the text ended, when `rec` is its last record. */
  read(rec: Rec, lines: RawLine[], end?: CsvEnd): void {
    const layout = this.layout;
    const view = this.view;
    view.rec = rec;
    if (rec.fields.every((v) => isEmpty(layout, v.trim()))) return;
    const expected = this.columns.headerWidth ?? this.previousWidth;
    if (end?.endedWithoutNewline === true && rec.width < expected) {
      this.issues.push(issue('error', 'truncated', this.at(rec.row), `the file ends in the middle of this row (${rec.width} of ${expected} fields); it was cut off during download or copy`));
      return;
    }
    if (this.afterTotal) {
      this.issues.push(issue('error', 'wrong_format', this.at(rec.row), `a row after the ${layout.total?.label ?? 'total'} row, which ends the file; two files joined into one?`));
      return;
    }
    const kind: RowKind = layout.rowKind?.(view, this.state) ?? 'data';
    if (kind === 'skip') return;
    if (kind === 'total' && layout.total !== undefined) {
      const field = layout.total.field;
      const col = this.columns.at.get(field);
      if (col === undefined || col >= rec.width) {
        this.issues.push(issue('error', 'column_count', this.at(rec.row), `the ${layout.total.label} row has ${rec.width} fields; its total is in column ${view.label(field)}`));
      } else {
        this.controlTotal = { amount: view.get(field), currency: '', row: rec.row, column: view.label(field), label: layout.total.label };
      }
      this.afterTotal = true;
      return;
    }
    const problem = this.widthProblem(rec.width);
    if (problem !== null) {
      this.issues.push(issue('error', 'column_count', this.at(rec.row), `has ${rec.width} fields; ${problem}`));
      return;
    }
    this.previousWidth = rec.width;
    this.push(layout.toLines(view, this.state), lines);
  }

  /** After the last record: the layout's `end` (held-back lines, whole-file problems). */
  end(lines: RawLine[]): void {
    const end = this.layout.end;
    if (end === undefined) return;
    const at = this.view.sheet === undefined ? { file: this.file } : { file: this.file, sheet: this.view.sheet };
    const report = (severity: Issue['severity'], code: Issue['code'], column: string | null, detail: string, row?: number): void => {
      const where = row === undefined ? at : { ...at, row };
      this.issues.push(issue(severity, code, column === null ? where : { ...where, column }, detail));
    };
    this.push(end(this.state, { issue: report }), lines);
  }

  private push(drafts: LineDraft | readonly LineDraft[] | null, lines: RawLine[]): void {
    if (drafts === null) return;
    if (Array.isArray(drafts)) for (const d of drafts as readonly LineDraft[]) lines.push(this.raw(d));
    else lines.push(this.raw(drafts as LineDraft));
  }

  private widthProblem(width: number): string | null {
    const header = this.columns.headerWidth;
    if (header !== null) return width === header ? null : `the header row has ${header}`;
    const w = this.layout.positions?.width;
    if (w === undefined || (width >= w.min && width <= w.max)) return null;
    return w.min === w.max ? `every row of the ${this.layout.name} has ${w.min}` : `a ${this.layout.name} row has ${w.min} to ${w.max}`;
  }

  /** The layout's labels with a line's own (`LineDraft.labels`), merged once per object. */
  private labelsWith(own: NonNullable<LineDraft['labels']>): ColumnLabels {
    let merged = this.mergedLabels.get(own);
    if (merged === undefined) {
      merged = { ...this.labels, ...own };
      this.mergedLabels.set(own, merged);
    }
    return merged;
  }

  private charge(c: ChargeDraft): RawCharge {
    const column = c.column ?? (c.field === undefined ? '' : this.view.label(c.field));
    const out: RawCharge = {
      description: c.description,
      code: c.code ?? '',
      classification: c.classification ?? '',
      amount: c.amount,
      incentive: c.incentive ?? '',
      currency: c.currency ?? '',
      column,
    };
    const described = c.descriptionColumn === undefined ? out : { ...out, descriptionColumn: c.descriptionColumn };
    return c.adjustmentKind === undefined ? described : { ...described, adjustmentKind: c.adjustmentKind };
  }

  private raw(d: LineDraft): RawLine {
    const inv = d.invoice;
    const line: RawLine = {
      row: d.row ?? this.view.rec.row,
      invoice: {
        number: inv.number,
        date: inv.date,
        accountNumber: inv.accountNumber ?? '',
        currency: inv.currency ?? this.layout.currency ?? '',
        statedTotal: inv.statedTotal ?? '',
        ...(inv.row === undefined ? {} : { row: inv.row }),
      },
      shipment: toShipment(d.shipment),
      charges: d.charges.length === 0 ? NO_CHARGES : d.charges.map((c) => this.charge(c)),
      columns: d.labels === undefined ? this.labels : this.labelsWith(d.labels),
      ...(d.total === undefined ? {} : { total: d.total }),
    };
    return this.view.sheet === undefined ? line : { ...line, sheet: this.view.sheet };
  }
}

function unusable(def: CarrierDefinition, recognitions: readonly Recognition[], file: string, kind: 'text' | 'workbook'): Issue[] {
  if (recognitions.length === 0) {
    const kinds = [...new Set(def.layouts.map((l) => l.kind ?? 'text'))].join(' or ');
    return [issue('error', 'wrong_format', { file, row: 1 }, `not a ${def.name} file: a ${kind === 'text' ? 'text file' : 'spreadsheet'}; ${def.name} files are ${kinds === 'text' ? 'text (CSV)' : kinds === 'workbook' ? 'spreadsheets' : 'CSV or spreadsheets'}`)];
  }
  const best = [...recognitions].sort((a, b) => b.score - a.score)[0] as Recognition;
  if (best.missing !== undefined && best.score > 0) return missingColumns(best.layout, best.missing, file);
  const others = recognitions.filter((r) => r !== best).map((r) => r.problem);
  const detail = [best.problem, ...others].join('; nor: ');
  return [issue('error', 'wrong_format', { file, row: best.score > 0 ? best.problemRow : 1 }, `not a ${def.name} file: ${detail}`)];
}

/** One error per missing required field, located at the column it names (`missing: 'each'`). */
function missingColumns(layout: AnyLayout, missing: NonNullable<Recognition['missing']>, file: string): Issue[] {
  const columns = layout.header?.columns ?? {};
  return missing.fields.map((f) => {
    const aliases = columns[f] ?? [];
    const name = aliases[0] ?? f;
    return issue('error', 'wrong_format', { file, row: missing.row, column: name }, `the ${layout.name} header has no "${name}" column (tried ${quoteList(aliases)}, compared by normalised name); its rows cannot be read without it`);
  });
}

async function* parseText(def: CarrierDefinition, input: ParseInput, layouts: readonly AnyLayout[]): AsyncIterable<ParseBatch> {
  const file = input.file;
  const recognitions = recogniseAll(layouts, 'text', input.head);
  const chosen = recognitions.filter((r) => r.usable).sort((a, b) => b.score - a.score)[0];
  if (chosen === undefined) {
    yield { lines: [], issues: unusable(def, recognitions, file, 'text') };
    return;
  }
  const layout = chosen.layout;
  const pick = pickOf(layout);
  let reader: FileReader | null = null;
  let skip = chosen.skip;
  let firstBatch = true;
  for await (const batch of readCsv(input, chosen.delimiter, pick === undefined ? {} : { pick })) {
    const lines: RawLine[] = [];
    const issues: Issue[] = [];
    const records = batch.records;
    for (let r = 0; r < records.length; r++) {
      const rec = records[r] as CsvRecord;
      if (reader === null) {
        if (skip > 1) {
          skip--;
          continue;
        }
        const columns = skip === 1 ? headerColumns(layout, rec.fields) : positionColumns(layout, pick !== undefined);
        reader = new FileReader(layout, columns, file);
        if (skip === 1) {
          skip = 0;
          continue;
        }
      }
      reader.reportTo(issues);
      reader.read(rec, lines, r === records.length - 1 ? batch.end : undefined);
    }
    if (batch.end?.unterminatedQuoteRow != null) {
      issues.push(issue('error', 'unterminated_quote', { file, row: batch.end.unterminatedQuoteRow }, 'a quoted field is never closed; the file is cut off or malformed'));
    }
    if (batch.end !== undefined && reader !== null) {
      reader.reportTo(issues);
      reader.end(lines);
    }
    yield finish(lines, issues, firstBatch ? layout : undefined, reader?.takeControlTotal());
    firstBatch = false;
  }
}

function finish(lines: RawLine[], issues: Issue[], layout: AnyLayout | undefined, controlTotal: ControlTotal | undefined): ParseBatch {
  let batch: ParseBatch = { lines, issues };
  if (layout?.locale !== undefined) batch = { ...batch, locale: layout.locale };
  if (controlTotal !== undefined) batch = { ...batch, controlTotal };
  return batch;
}

async function* parseWorkbook(def: CarrierDefinition, input: ParseInput, layouts: readonly AnyLayout[]): AsyncIterable<ParseBatch> {
  const file = input.file;
  let sheets;
  try {
    sheets = await readWorkbook(input);
  } catch (err) {
    yield { lines: [], issues: [issue('error', 'wrong_format', { file }, `not a readable workbook: ${err instanceof Error ? err.message : String(err)}`)] };
    return;
  }
  // Every sheet a layout recognizes is read, each on its own (a workbook may hold several
  // invoices, one per sheet); a sheet none recognizes (a cover page, terms) is skipped with a
  // note, so nothing is dropped unsaid. No sheet recognized: the file is not this carrier's.
  let read = 0;
  let firstRefusal: Issue[] | null = null;
  const skipped: string[] = [];
  for (const sheet of sheets) {
    const records = sheet.rows.map((fields, i) => ({ row: i + 1, fields, width: lastFilled(fields) }));
    const sample = records.filter((r) => r.fields.some((f) => f.trim() !== '')).slice(0, SAMPLE_ROWS + 10);
    if (sample.length === 0) continue;
    const recognitions = layouts.filter((l) => l.kind === 'workbook').map((l) => recognise(l, sample, '\t'));
    const chosen = recognitions.filter((r) => r.usable).sort((a, b) => b.score - a.score)[0];
    if (chosen === undefined) {
      firstRefusal ??= unusable(def, recognitions, file, 'workbook');
      skipped.push(sheet.name);
      continue;
    }
    read++;
    const layout = chosen.layout;
    const issues: Issue[] = [];
    const lines: RawLine[] = [];
    const headerRec = chosen.skip > 0 ? sample[chosen.skip - 1] : undefined;
    const columns = headerRec === undefined ? positionColumns(layout, false) : headerColumns(layout, headerRec.fields);
    const reader = new FileReader(layout, columns, file);
    reader.reportTo(issues);
    reader.view.sheet = sheet.name;
    const start = headerRec === undefined ? 0 : headerRec.row;
    for (const rec of records.slice(start)) {
      // a sheet's rows are as wide as its widest row: data rows are checked against the header's
      // filled width, so trailing empty cells never count
      reader.read({ ...rec, width: Math.max(rec.width, Math.min(rec.fields.length, columns.headerWidth ?? 0)) }, lines);
    }
    reader.end(lines);
    yield finish(lines, issues, layout, reader.takeControlTotal());
  }
  if (read === 0) {
    yield { lines: [], issues: firstRefusal ?? [issue('error', 'wrong_format', { file }, `not a ${def.name} file: the workbook has no filled cells`)] };
  } else if (skipped.length > 0) {
    const names = skipped.map((n) => `"${n}"`).join(', ');
    yield { lines: [], issues: [issue('info', 'wrong_format', { file }, `sheet(s) ${names} hold no ${def.name} invoice table; not read`)] };
  }
}

function lastFilled(fields: readonly string[]): number {
  let n = fields.length;
  while (n > 0 && (fields[n - 1] ?? '').trim() === '') n--;
  return n;
}

/**
 * Freezes `def` deeply and builds the engine's adapter: `detect` scores every layout on the
 * file's first rows (read by the same CSV reader as the whole file), `parse` streams the best
 * usable layout's rows.
 */
export function defineCarrier(def: CarrierDefinition): CarrierAdapter & { readonly definition: CarrierDefinition } {
  deepFreeze(def);
  const layouts = def.layouts as readonly AnyLayout[];
  const kinds = new Set(layouts.map((l) => l.kind ?? 'text'));
  const accepts = [...(kinds.has('text') ? ['csv', 'txt'] : []), ...(kinds.has('workbook') ? ['xlsx', 'xls', 'ods'] : [])];
  const adapter = {
    id: def.id,
    name: def.name,
    accepts,
    ...(def.legacyEncoding === undefined ? {} : { legacyEncoding: def.legacyEncoding }),
    locale: def.locale,
    charges: def.charges,
    volumetricDivisors: def.volumetricDivisors,
    definition: def,
    detect(sample: FileSample): number {
      const rs = recogniseAll(layouts, sample.kind, sample.head);
      return rs.reduce((m, r) => Math.max(m, r.score), 0);
    },
    parse(input: ParseInput): AsyncIterable<ParseBatch> {
      return input.kind === 'workbook' ? parseWorkbook(def, input, layouts) : parseText(def, input, layouts);
    },
    ...(def.download === undefined ? {} : { download: def.download }),
  };
  return deepFreeze(adapter);
}
