/**
 * What `etl report` embeds in the page: aggregates small enough to ship as JSON, at the grain the
 * page's filters need (carrier, account, month, currency), so the browser can re-aggregate any
 * filter combination itself. Money stays integer minor units end to end: sums are done by the
 * database (integers) and by the page (integers well inside 2^53); only labels are decimals.
 *
 * Every query here is plain SQL that runs unchanged on SQLite and PostgreSQL (see the
 * portability notes in docs/schema.md), except what the dialect adapter (src/db/dialect) words:
 * months (`monthSql`, the same definition the views use) and boolean literals. Sums are
 * converted from PostgreSQL's numeric text.
 */
import { sql, type RawBuilder } from 'kysely';
import { CARRIERS } from '../../carriers/index.js';
import type { Db } from '../db/connect.js';
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

/** Reads everything the report shows from the database. */
export async function collectReportData(handle: Db, meta: { readonly generatedAt: Date; readonly chartLibrary: { name: string; version: string } }): Promise<ReportData> {
  const { db } = handle;
  // `YYYY-MM`, defined once for the report and the views (a constant column, not user input)
  const invMonth: RawBuilder<string> = sql<string>`${sql.raw(handle.adapter.monthSql('i.invoice_date'))}`;

  const spendRows = await db
    .selectFrom('invoices as i')
    .select([
      'i.carrier',
      'i.account_number',
      invMonth.as('month'),
      'i.currency',
      sql<number>`count(*)`.as('invoices'),
      sql<number>`sum(i.shipment_count)`.as('shipments'),
      sql<number>`sum(i.net_total_minor)`.as('spend_minor'),
    ])
    .groupBy(['i.carrier', 'i.account_number', invMonth, 'i.currency'])
    .execute();
  const spend: SpendRow[] = spendRows
    .map((r) => ({
      carrier: r.carrier,
      account: r.account_number,
      month: r.month,
      currency: r.currency,
      invoices: int(r.invoices),
      shipments: int(r.shipments),
      spend_minor: int(r.spend_minor),
    }))
    .sort(byKeys((r) => r.month, (r) => r.carrier, (r) => r.account, (r) => r.currency));

  const surchargeRows = await db
    .selectFrom('charges as c')
    .innerJoin('invoices as i', 'i.id', 'c.invoice_id')
    .select([
      'i.carrier',
      'i.account_number',
      invMonth.as('month'),
      'c.currency',
      'c.charge_code',
      sql<number>`count(*)`.as('lines'),
      sql<number>`sum(c.amount_minor)`.as('amount_minor'),
    ])
    .where('c.charge_code', 'not in', [...NOT_SURCHARGES])
    .groupBy(['i.carrier', 'i.account_number', invMonth, 'c.currency', 'c.charge_code'])
    .execute();
  const surcharges: SurchargeRow[] = surchargeRows
    .map((r) => ({
      carrier: r.carrier,
      account: r.account_number,
      month: r.month,
      currency: r.currency,
      code: r.charge_code,
      lines: int(r.lines),
      amount_minor: int(r.amount_minor),
    }))
    .sort(byKeys((r) => r.month, (r) => r.carrier, (r) => r.account, (r) => r.currency, (r) => r.code));

  // Shipment totals grouped by their exact value: the bins are chosen per currency from the
  // whole distribution, then each group's distinct totals are counted into them.
  const totals = await db
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
    .sort(byKeys((r) => r.month, (r) => r.carrier, (r) => r.account, (r) => r.currency, (r) => r.bin));

  const unmappedRows = await db
    .selectFrom('charges as c')
    .innerJoin('invoices as i', 'i.id', 'c.invoice_id')
    .select([
      'i.carrier',
      'i.account_number',
      invMonth.as('month'),
      'c.currency',
      'c.charge_description',
      sql<number>`count(*)`.as('lines'),
      sql<number>`sum(c.amount_minor)`.as('amount_minor'),
      sql<number>`min(c.id)`.as('example_id'),
    ])
    .where('c.charge_code', '=', 'unmapped')
    .groupBy(['i.carrier', 'i.account_number', invMonth, 'c.currency', 'c.charge_description'])
    .execute();
  const examples = new Map<number, { file: string; row: number }>();
  const exampleIds = unmappedRows.map((r) => int(r.example_id));
  for (let k = 0; k < exampleIds.length; k += 500) {
    const ex = await db
      .selectFrom('charges as c')
      .innerJoin('source_files as f', 'f.id', 'c.source_file_id')
      .select(['c.id', 'f.original_name', 'c.source_row'])
      .where('c.id', 'in', exampleIds.slice(k, k + 500))
      .execute();
    for (const e of ex) examples.set(int(e.id), { file: e.original_name, row: e.source_row });
  }
  const unmapped: UnmappedRow[] = unmappedRows
    .map((r) => {
      const ex = examples.get(int(r.example_id));
      return {
        carrier: r.carrier,
        account: r.account_number,
        month: r.month,
        currency: r.currency,
        description: r.charge_description,
        lines: int(r.lines),
        amount_minor: int(r.amount_minor),
        example_file: ex?.file ?? '',
        example_row: ex?.row ?? 0,
      };
    })
    .sort(byKeys((r) => r.carrier, (r) => r.description, (r) => r.month, (r) => r.account, (r) => r.currency));

  const unreconciledRows = await db
    .selectFrom('invoices as i')
    .innerJoin('source_files as f', 'f.id', 'i.source_file_id')
    .select([
      'i.carrier',
      'i.account_number',
      'i.invoice_number',
      sql<string>`cast(i.invoice_date as text)`.as('invoice_date'),
      invMonth.as('month'),
      'i.currency',
      'i.stated_total_minor',
      'i.net_total_minor',
      'f.original_name',
    ])
    .where(sql<boolean>`i.reconciled = ${sql.raw(handle.adapter.boolSql(false))}`)
    .execute();
  const unreconciled: UnreconciledRow[] = unreconciledRows
    .map((r) => {
      const stated = int(r.stated_total_minor);
      const net = int(r.net_total_minor);
      return {
        carrier: r.carrier,
        account: r.account_number,
        month: r.month,
        currency: r.currency,
        invoice: r.invoice_number,
        invoice_date: r.invoice_date,
        stated_minor: stated,
        net_minor: net,
        difference_minor: add(net, -stated, `invoice ${r.invoice_number}'s difference`),
        file: r.original_name,
      };
    })
    .sort(byKeys((r) => r.invoice_date, (r) => r.carrier, (r) => r.account, (r) => r.invoice));

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

  const currencies: Record<string, number> = {};
  for (const cur of [...new Set([...spend.map((r) => r.currency), ...surcharges.map((r) => r.currency), ...unmapped.map((r) => r.currency)])].sort()) {
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
  };
}
