/**
 * What `etl report` embeds in the page: aggregates small enough to ship as JSON, at the grain the
 * page's filters need (carrier, account, month, currency), so the browser can re-aggregate any
 * filter combination itself. Money stays integer minor units end to end: sums are done by the
 * database (integers) and by the page (integers well inside 2^53); only labels are decimals.
 *
 * Every query here is plain SQL that runs unchanged on SQLite and PostgreSQL (see the
 * portability notes in docs/schema.md): months come from `SUBSTR(CAST(invoice_date AS TEXT), 1, 7)`,
 * booleans are compared with `FALSE`, and sums are converted from PostgreSQL's numeric text.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { CARRIERS } from '../../carriers/index.js';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import type { ViewTables } from '../db/views.js';
import { SystemError } from '../errors.js';
import { addMinor, exactMinorFrom, isSafeMinor, MAX_SAFE_MINOR, minorDigits, sumMinor } from '../model/money.js';

/** Charge codes the surcharge chart leaves out: the base price and pass-through taxes, not surcharges. */
export { NOT_SURCHARGES } from '../model/charge-codes.js';
import { NOT_SURCHARGES } from '../model/charge-codes.js';

/** Regular bins a currency's shipment-total histogram aims for (plus one overflow bin). */
export const TARGET_BINS = 20;

/**
 * The regular bins reach this percentile of the shipment totals; the rest share one overflow
 * bin. Shipment costs are long-tailed (a pallet among parcels), and scaling the bins to the
 * largest one puts every parcel in the first bar.
 */
export const BIN_PERCENTILE = 95;

/** The grain every money row is kept at: what the page's filters select on. */
export interface Grain {
  readonly carrier: string;
  readonly account: string;
  /** `YYYY-MM` of the invoice date. */
  readonly month: string;
  readonly currency: string;
}

export interface SpendRow extends Grain {
  readonly invoices: number;
  readonly shipments: number;
  /** Sum of the invoices' charges (`invoices.net_total_minor`), VAT lines included. */
  readonly spend_minor: number;
}

export interface SurchargeRow extends Grain {
  readonly code: string;
  readonly lines: number;
  readonly amount_minor: number;
}

export interface ShipmentBinRow extends Grain {
  /** Index into the currency's bins (`ShipmentBins`); `count` is the overflow bin. */
  readonly bin: number;
  readonly shipments: number;
  readonly total_minor: number;
}

/**
 * One currency's histogram bins: regular bin `i` holds totals in
 * `[start_minor + i * width_minor, start_minor + (i + 1) * width_minor)`; when `overflow`, bin
 * `count` holds everything from `start_minor + count * width_minor` up (the tail above BIN_PERCENTILE,
 * so one huge freight bill does not squash the rest into one bar).
 */
export interface ShipmentBins {
  readonly start_minor: number;
  readonly width_minor: number;
  readonly count: number;
  readonly overflow: boolean;
}

export interface UnmappedRow extends Grain {
  readonly description: string;
  readonly lines: number;
  readonly amount_minor: number;
  /** The group's first charge (lowest id): a file and line to open. */
  readonly example_file: string;
  readonly example_row: number;
}

export interface UnreconciledRow extends Grain {
  readonly invoice: string;
  readonly invoice_date: string;
  readonly stated_minor: number;
  readonly net_minor: number;
  /** `net_minor - stated_minor`, as `invoice_summary.difference`: negative when the charges come short. */
  readonly difference_minor: number;
  readonly file: string;
}

export interface FileIssuesRow {
  readonly file: string;
  readonly carrier: string;
  /** `source_files.account_number` (NULL for quarantined files). */
  readonly account: string | null;
  readonly status: string;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly first_severity: string;
  /** The file's first error, else its first warning, else its first note. */
  readonly first_message: string;
  /** Accounts and months of the file's current invoices (empty for quarantined or superseded files). */
  readonly invoices: ReadonlyArray<{ readonly account: string; readonly month: string }>;
}

/** Money at stake per rule at the filters' grain (month of the invoice the finding is on). */
export interface AuditRuleRow extends Grain {
  readonly rule: string;
  readonly findings: number;
  readonly amount_minor: number;
}

/** One finding, for the page's table of the largest ones. */
export interface AuditFindingRow extends Grain {
  readonly rule: string;
  readonly severity: string;
  readonly heuristic: boolean;
  readonly invoice: string;
  readonly tracking: string | null;
  readonly amount_minor: number;
  readonly explanation: string;
  /** The charge lines it rests on, as `file row N`. */
  readonly evidence: readonly string[];
}

/** The page ships at most this many findings (the largest amounts first); the rule rows count them all. */
export const AUDIT_FINDINGS_SHIPPED = 500;

export interface ReportData {
  readonly version: 1;
  readonly generated_at: string;
  readonly database: string;
  readonly chart_library: { readonly name: string; readonly version: string };
  /** Minor digits of every currency present (money.ts's rule), for the page's formatter. */
  readonly currencies: Readonly<Record<string, number>>;
  readonly carriers: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly accounts: ReadonlyArray<{ readonly carrier: string; readonly account: string }>;
  readonly months: readonly string[];
  readonly not_surcharges: readonly string[];
  readonly spend: readonly SpendRow[];
  readonly surcharges: readonly SurchargeRow[];
  readonly shipment_bins: Readonly<Record<string, ShipmentBins>>;
  readonly shipments: readonly ShipmentBinRow[];
  readonly unmapped: readonly UnmappedRow[];
  readonly unreconciled: readonly UnreconciledRow[];
  readonly files: readonly FileIssuesRow[];
  readonly audit_rules: readonly AuditRuleRow[];
  readonly audit_findings: readonly AuditFindingRow[];
}

/** An integer from the database, exactly (PostgreSQL returns SUM(bigint) as numeric text). */
function int(value: unknown): number {
  return exactMinorFrom(value, 'report: an integer from the database');
}

/** `a + b`, exactly, or a SystemError naming `what` when the sum would leave the safe range. */
function add(a: number, b: number, what: string): number {
  try {
    return addMinor(a, b);
  } catch (err) {
    throw new SystemError(`report: ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * The page re-adds these amounts in JavaScript numbers for any filter. That is exact when the
 * magnitudes of the whole list add up within 2^53, which bounds the sum of every subset.
 */
function assertSummable<T>(what: string, rows: readonly T[], minor: (row: T) => number): void {
  if (!isSafeMinor(sumMinor(rows.map((r) => Math.abs(minor(r)))))) {
    throw new SystemError(`report: the ${what} amounts add up beyond ±${MAX_SAFE_MINOR} minor units, where the page's sums would no longer be exact`);
  }
}

/** `a / b` rounded down, exactly, for integers (bins of negative totals go below zero). */
export function floorDiv(a: number, b: number): number {
  let q = Math.trunc(a / b);
  const r = a - q * b;
  if (r < 0) q -= 1;
  else if (r >= b) q += 1;
  return q;
}

/** The smallest 1, 2 or 5 × 10^k (k ≥ 0) that is at least `raw`. */
export function niceStep(raw: number): number {
  let step = 1;
  for (;;) {
    for (const m of [1, 2, 5]) if (step * m >= raw) return step * m;
    step *= 10;
  }
}

/**
 * Histogram bins for one currency's shipment totals, given as distinct totals with counts:
 * about TARGET_BINS bins of a round width from min(0, lowest) to the BIN_PERCENTILE-th percentile, and an
 * overflow bin above when anything is left.
 */
export function shipmentBins(values: ReadonlyArray<{ readonly total_minor: number; readonly count: number }>, currency: string): ShipmentBins {
  const sorted = [...values].sort((a, b) => a.total_minor - b.total_minor);
  const n = sorted.reduce((s, v) => s + v.count, 0);
  const lowest = sorted[0]?.total_minor ?? 0;
  const highest = sorted[sorted.length - 1]?.total_minor ?? 0;
  let top = highest;
  let seen = 0;
  for (const v of sorted) {
    seen += v.count;
    if (seen * 100 >= n * BIN_PERCENTILE) {
      top = v.total_minor;
      break;
    }
  }
  const base = Math.min(0, lowest);
  let span = top - base;
  if (span <= 0) span = Math.max(Math.abs(top), 10 ** minorDigits(currency));
  const width = niceStep(Math.ceil(span / TARGET_BINS));
  const start = floorDiv(base, width) * width;
  const count = floorDiv(top - start, width) + 1;
  return { start_minor: start, width_minor: width, count, overflow: highest >= start + count * width };
}

/** Index of `total` among `bins` (the overflow bin is `bins.count`). */
export function binOf(bins: ShipmentBins, total: number): number {
  return Math.min(floorDiv(total - bins.start_minor, bins.width_minor), bins.count);
}

const month = (col: string): RawBuilder<string> => sql<string>`substr(cast(${sql.ref(col)} as text), 1, 7)`;

function byKeys<T>(...keys: ReadonlyArray<(row: T) => string | number>): (a: T, b: T) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = k(a);
      const y = k(b);
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };
}

type ViewDb = Kysely<Database & ViewTables>;

/** The analyst views, readable with kysely: the dashboard reads the views, never its own copies of them. */
function views(handle: Db): ViewDb {
  return handle.db.withTables<ViewTables>();
}

const grainKeys = [(r: Grain) => r.month, (r: Grain) => r.carrier, (r: Grain) => r.account, (r: Grain) => r.currency] as const;
const byGrain = byKeys<Grain>(...grainKeys);

/** Spend cards and chart: the `invoice_spend_by_month` view. */
export async function spendSection(handle: Db): Promise<SpendRow[]> {
  const rows = await views(handle).selectFrom('invoice_spend_by_month').selectAll().execute();
  return rows
    .map((r) => ({ carrier: r.carrier, account: r.account_number, month: r.month, currency: r.currency, invoices: int(r.invoice_count), shipments: int(r.shipment_count), spend_minor: int(r.spend_minor) }))
    .sort(byGrain);
}

/** Surcharge chart: the `spend_by_month` view, less the codes that are not surcharges. */
export async function surchargeSection(handle: Db): Promise<SurchargeRow[]> {
  const rows = await views(handle).selectFrom('spend_by_month').selectAll().where('charge_code', 'not in', [...NOT_SURCHARGES]).execute();
  return rows
    .map((r) => ({ carrier: r.carrier, account: r.account_number, month: r.month, currency: r.currency, code: r.charge_code, lines: int(r.charge_count), amount_minor: int(r.amount_minor) }))
    .sort(byKeys<SurchargeRow>(...grainKeys, (r) => r.code));
}

/**
 * Shipment histogram: shipment totals grouped by their exact value; the bins are chosen per
 * currency from the whole distribution, then each group's distinct totals are counted into them.
 */
export async function shipmentSection(handle: Db): Promise<{ shipment_bins: Record<string, ShipmentBins>; shipments: ShipmentBinRow[] }> {
  const invMonth = month('i.invoice_date');
  const totals = await handle.db
    .selectFrom('shipments as s')
    .innerJoin('invoices as i', 'i.id', 's.invoice_id')
    .select(['i.carrier', 'i.account_number', invMonth.as('month'), 'i.currency', 's.net_total_minor', sql<number>`count(*)`.as('n')])
    .groupBy(['i.carrier', 'i.account_number', invMonth, 'i.currency', 's.net_total_minor'])
    .execute();
  const perCurrency = new Map<string, Map<number, number>>();
  for (const t of totals) {
    const m = perCurrency.get(t.currency) ?? new Map<number, number>();
    const v = int(t.net_total_minor);
    m.set(v, (m.get(v) ?? 0) + int(t.n));
    perCurrency.set(t.currency, m);
  }
  const shipment_bins: Record<string, ShipmentBins> = {};
  for (const [cur, m] of [...perCurrency.entries()].sort(byKeys(([c]) => c))) {
    shipment_bins[cur] = shipmentBins([...m.entries()].map(([total_minor, count]) => ({ total_minor, count })), cur);
  }
  const binned = new Map<string, { row: Omit<ShipmentBinRow, 'shipments' | 'total_minor'>; shipments: number; total_minor: number }>();
  for (const t of totals) {
    const bins = shipment_bins[t.currency];
    if (bins === undefined) continue;
    const v = int(t.net_total_minor);
    const n = int(t.n);
    const bin = binOf(bins, v);
    const key = JSON.stringify([t.carrier, t.account_number, t.month, t.currency, bin]);
    const acc = binned.get(key) ?? { row: { carrier: t.carrier, account: t.account_number, month: t.month, currency: t.currency, bin }, shipments: 0, total_minor: 0 };
    acc.shipments += n;
    acc.total_minor = add(acc.total_minor, v * n, 'shipment total'); // v * n is exact whenever it is safe
    binned.set(key, acc);
  }
  const shipments: ShipmentBinRow[] = [...binned.values()]
    .map((b) => ({ ...b.row, shipments: b.shipments, total_minor: b.total_minor }))
    .sort(byKeys<ShipmentBinRow>(...grainKeys, (r) => r.bin));
  return { shipment_bins, shipments };
}

/** Unmapped table: the `unmapped_charges` view (its example line is the group's first charge). */
export async function unmappedSection(handle: Db): Promise<UnmappedRow[]> {
  const rows = await views(handle).selectFrom('unmapped_charges').selectAll().execute();
  return rows
    .map((r) => ({
      carrier: r.carrier,
      account: r.account_number,
      month: r.month,
      currency: r.currency,
      description: r.charge_description,
      lines: int(r.charge_count),
      amount_minor: int(r.amount_minor),
      example_file: r.example_file,
      example_row: r.example_row,
    }))
    .sort(byKeys((r) => r.carrier, (r) => r.description, (r) => r.month, (r) => r.account, (r) => r.currency));
}

/** Unreconciled table: the `unreconciled_invoices` view. */
export async function unreconciledSection(handle: Db): Promise<UnreconciledRow[]> {
  const rows = await views(handle).selectFrom('unreconciled_invoices').selectAll().execute();
  return rows
    .map((r) => ({
      carrier: r.carrier,
      account: r.account_number,
      month: r.month,
      currency: r.currency,
      invoice: r.invoice_number,
      invoice_date: r.invoice_date,
      stated_minor: int(r.stated_total_minor),
      net_minor: int(r.net_total_minor),
      difference_minor: int(r.difference_minor),
      file: r.source_file,
    }))
    .sort(byKeys((r) => r.invoice_date, (r) => r.carrier, (r) => r.account, (r) => r.invoice));
}

/** Data-quality table: stored issues per file, with the file's first error (else warning, else note). */
export async function fileIssuesSection(handle: Db): Promise<FileIssuesRow[]> {
  const { db } = handle;
  const invMonth = month('i.invoice_date');
  const issueCounts = await db
    .selectFrom('data_issues as d')
    .select(['d.source_file_id', 'd.file_name', 'd.severity', sql<number>`count(*)`.as('n'), sql<number>`min(d.id)`.as('first_id')])
    .groupBy(['d.source_file_id', 'd.file_name', 'd.severity'])
    .execute();
  const firstIds = new Map<string, Map<string, number>>();
  const counts = new Map<string, { fileId: number | null; name: string; bySeverity: Map<string, number> }>();
  for (const r of issueCounts) {
    const fileId = r.source_file_id === null ? null : int(r.source_file_id);
    const key = fileId === null ? `name:${r.file_name}` : `id:${fileId}`;
    const c = counts.get(key) ?? { fileId, name: r.file_name, bySeverity: new Map<string, number>() };
    c.bySeverity.set(r.severity, (c.bySeverity.get(r.severity) ?? 0) + int(r.n));
    counts.set(key, c);
    const f = firstIds.get(key) ?? new Map<string, number>();
    const prev = f.get(r.severity);
    const id = int(r.first_id);
    f.set(r.severity, prev === undefined ? id : Math.min(prev, id));
    firstIds.set(key, f);
  }
  const firstOf = (key: string): number | undefined => {
    const f = firstIds.get(key);
    return f?.get('error') ?? f?.get('warning') ?? f?.get('info') ?? [...(f?.values() ?? [])][0];
  };
  const wantedIds = [...counts.keys()].map(firstOf).filter((x): x is number => x !== undefined);
  const messages = new Map<number, { severity: string; message: string }>();
  for (let k = 0; k < wantedIds.length; k += 500) {
    const rows = await db.selectFrom('data_issues').select(['id', 'severity', 'message']).where('id', 'in', wantedIds.slice(k, k + 500)).execute();
    for (const m of rows) messages.set(int(m.id), { severity: m.severity, message: m.message });
  }
  const fileIds = [...counts.values()].map((c) => c.fileId).filter((x): x is number => x !== null);
  const fileInfo = new Map<number, { name: string; carrier: string; account: string | null; status: string }>();
  const fileInvoices = new Map<number, Array<{ account: string; month: string }>>();
  for (let k = 0; k < fileIds.length; k += 500) {
    const ids = fileIds.slice(k, k + 500);
    const found = await db.selectFrom('source_files').select(['id', 'original_name', 'carrier', 'account_number', 'status']).where('id', 'in', ids).execute();
    for (const f of found) fileInfo.set(int(f.id), { name: f.original_name, carrier: f.carrier, account: f.account_number, status: f.status });
    const inv = await db
      .selectFrom('invoices as i')
      .select(['i.source_file_id', 'i.account_number', invMonth.as('month')])
      .where('i.source_file_id', 'in', ids)
      .groupBy(['i.source_file_id', 'i.account_number', invMonth])
      .execute();
    for (const r of inv) {
      const id = int(r.source_file_id);
      fileInvoices.set(id, [...(fileInvoices.get(id) ?? []), { account: r.account_number, month: r.month }]);
    }
  }
  const files: FileIssuesRow[] = [...counts.entries()]
    .map(([key, c]) => {
      const info = c.fileId === null ? undefined : fileInfo.get(c.fileId);
      const first = messages.get(firstOf(key) ?? -1);
      return {
        file: info?.name ?? c.name,
        carrier: info?.carrier ?? 'unknown',
        account: info?.account ?? null,
        status: info?.status ?? 'unknown',
        errors: c.bySeverity.get('error') ?? 0,
        warnings: c.bySeverity.get('warning') ?? 0,
        infos: c.bySeverity.get('info') ?? 0,
        first_severity: first?.severity ?? '',
        first_message: first?.message ?? '',
        invoices: (c.fileId === null ? [] : (fileInvoices.get(c.fileId) ?? [])).sort(byKeys((r) => r.account, (r) => r.month)),
      };
    })
    .sort(byKeys((r) => -r.errors, (r) => -r.warnings, (r) => -r.infos, (r) => r.file));
  return files;
}

/** Audit section: findings per rule at the filters' grain, and the largest findings with their evidence. */
export async function auditSection(handle: Db): Promise<{ audit_rules: AuditRuleRow[]; audit_findings: AuditFindingRow[] }> {
  const { db } = handle;
  const m = month('a.invoice_date');
  const grouped = await db
    .selectFrom('audit_findings as a')
    .select(['a.carrier', 'a.account_number', m.as('month'), 'a.currency', 'a.rule', sql<number>`count(*)`.as('n'), sql<number>`sum(a.amount_minor)`.as('amount')])
    .groupBy(['a.carrier', 'a.account_number', m, 'a.currency', 'a.rule'])
    .execute();
  const audit_rules = grouped
    .map((r) => ({ carrier: r.carrier, account: r.account_number, month: r.month, currency: r.currency, rule: r.rule, findings: int(r.n), amount_minor: int(r.amount) }))
    .sort(byKeys<AuditRuleRow>(...grainKeys, (r) => r.rule));
  const top = await db
    .selectFrom('audit_findings as a')
    .select(['a.id', 'a.carrier', 'a.account_number', m.as('month'), 'a.currency', 'a.rule', 'a.severity', 'a.heuristic', 'a.invoice_number', 'a.tracking_number', 'a.amount_minor', 'a.explanation', 'a.evidence'])
    .orderBy('a.amount_minor', 'desc')
    .orderBy('a.id')
    .limit(AUDIT_FINDINGS_SHIPPED)
    .execute();
  const audit_findings = top.map((r) => ({
    carrier: r.carrier,
    account: r.account_number,
    month: r.month,
    currency: r.currency,
    rule: r.rule,
    severity: r.severity,
    heuristic: r.heuristic === true || r.heuristic === 1,
    invoice: r.invoice_number,
    tracking: r.tracking_number,
    amount_minor: int(r.amount_minor),
    explanation: r.explanation,
    evidence: (JSON.parse(r.evidence) as Array<{ file: string; row: number }>).map((e) => `${e.file} row ${e.row}`),
  }));
  return { audit_rules, audit_findings };
}

/**
 * Reads everything the report shows from the database: one function per section (a new section
 * is one more function here and one more client module, src/report/client/), then the filter
 * dimensions (carriers, accounts, months, currencies) from what the sections hold.
 */
export async function collectReportData(handle: Db, meta: { readonly generatedAt: Date; readonly chartLibrary: { name: string; version: string } }): Promise<ReportData> {
  const spend = await spendSection(handle);
  const surcharges = await surchargeSection(handle);
  const { shipment_bins, shipments } = await shipmentSection(handle);
  const unmapped = await unmappedSection(handle);
  const unreconciled = await unreconciledSection(handle);
  const files = await fileIssuesSection(handle);
  const { audit_rules, audit_findings } = await auditSection(handle);

  const currencies: Record<string, number> = {};
  for (const cur of [...new Set([...spend.map((r) => r.currency), ...surcharges.map((r) => r.currency), ...unmapped.map((r) => r.currency), ...audit_rules.map((r) => r.currency)])].sort()) {
    currencies[cur] = minorDigits(cur);
  }
  const carrierIds = [...new Set([...spend.map((r) => r.carrier), ...files.map((f) => f.carrier)])];
  const order = (id: string) => {
    const i = CARRIERS.findIndex((c) => c.id === id);
    return i < 0 ? CARRIERS.length : i;
  };
  const carriers = carrierIds
    .sort(byKeys(order, (id) => id))
    .map((id) => ({ id, name: CARRIERS.find((c) => c.id === id)?.name ?? id }));
  const accountKeys = new Map<string, { carrier: string; account: string }>();
  for (const r of spend) accountKeys.set(JSON.stringify([r.carrier, r.account]), { carrier: r.carrier, account: r.account });
  for (const f of files) if (f.account !== null) accountKeys.set(JSON.stringify([f.carrier, f.account]), { carrier: f.carrier, account: f.account });
  const accounts = [...accountKeys.values()].sort(byKeys((a) => order(a.carrier), (a) => a.carrier, (a) => a.account));
  const months = [...new Set(spend.map((r) => r.month))].sort();

  assertSummable('spend', spend, (r) => r.spend_minor);
  assertSummable('surcharge', surcharges, (r) => r.amount_minor);
  assertSummable('shipment', shipments, (r) => r.total_minor);
  assertSummable('unmapped charge', unmapped, (r) => r.amount_minor);
  assertSummable('audit', audit_rules, (r) => r.amount_minor);
  return {
    version: 1,
    generated_at: meta.generatedAt.toISOString(),
    database: handle.safeUrl,
    chart_library: meta.chartLibrary,
    currencies,
    carriers,
    accounts,
    months,
    not_surcharges: [...NOT_SURCHARGES],
    spend,
    surcharges,
    shipment_bins,
    shipments,
    unmapped,
    unreconciled,
    files,
    audit_rules,
    audit_findings,
  };
}
