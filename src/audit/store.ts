/**
 * Findings in the database: recomputed per carrier account (delete, then insert what the rules
 * find now, in one transaction per account), so running again changes nothing and a finding is
 * never stored twice (`finding_key` is unique). An account is read and judged in parts of
 * tracking numbers, only those that could hold a finding (candidates.ts), so memory is bounded
 * by a part. Loads recompute only the tracking numbers they loaded (recomputeLoaded);
 * `etl audit --all` recomputes every account (after a config change or a new fuel_rates CSV).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect.js';
import { exactMinorFrom } from '../model/money.js';
import { candidatesOf } from './candidates.js';
import { FactReader, readDivisors, readFuelRates, shipmentFact, shipmentQuery, type AccountScope } from './columns.js';
import type { AuditConfig } from './config.js';
import { chargeIds, findingKey, groupBy, type AuditFacts, type Finding } from './model.js';
import { runRules, type AuditTables } from './rules/index.js';

export interface RecomputeResult {
  readonly accounts: number;
  readonly findings: number;
}

/** The carrier accounts of the invoices loaded from these files. */
export async function scopesOfFiles(handle: Db, sourceFileIds: readonly number[]): Promise<AccountScope[]> {
  const out = new Map<string, AccountScope>();
  for (let k = 0; k < sourceFileIds.length; k += 500) {
    const rows = await handle.db
      .selectFrom('invoices')
      .select(['carrier', 'account_number'])
      .distinct()
      .where('source_file_id', 'in', sourceFileIds.slice(k, k + 500))
      .execute();
    for (const r of rows) out.set(JSON.stringify([r.carrier, r.account_number]), { carrier: r.carrier, account: r.account_number });
  }
  return [...out.values()];
}

async function allScopes(handle: Db): Promise<AccountScope[]> {
  const rows = await handle.db.selectFrom('invoices').select(['carrier', 'account_number']).distinct().orderBy('carrier').orderBy('account_number').execute();
  return rows.map((r) => ({ carrier: r.carrier, account: r.account_number }));
}

function row(handle: Db, f: Finding, now: string) {
  const s = f.subject;
  return {
    finding_key: findingKey(f),
    rule: f.rule,
    severity: f.severity,
    heuristic: handle.dialect === 'postgres' ? f.heuristic : f.heuristic ? 1 : 0,
    carrier: s.carrier,
    account_number: s.account,
    invoice_id: s.invoiceId,
    invoice_number: s.invoiceNumber,
    invoice_date: s.invoiceDate,
    tracking_number: s.trackingNumber,
    currency: s.currency,
    amount_minor: f.amountMinor,
    explanation: f.explanation,
    charge_ids: chargeIds(f).join(','),
    evidence: JSON.stringify([...new Map(f.evidence.map((c) => [c.id, { charge_id: c.id, file: c.file, row: c.row }])).values()].sort((a, b) => a.charge_id - b.charge_id)),
    created_at: now,
  };
}

export interface RecomputeOptions {
  /** Tracking numbers read and judged together (memory is bounded by one part, not the account). */
  readonly partSize?: number;
}

const PART_SIZE = 2000;
const PAGE = 5000;

/** Recomputes the findings of `scopes` ('all': every account, and none left for accounts gone). */
export async function recomputeFindings(handle: Db, scopes: readonly AccountScope[] | 'all', config: AuditConfig, opts: RecomputeOptions = {}): Promise<RecomputeResult> {
  const tables: AuditTables = { divisors: await readDivisors(handle), rates: await readFuelRates(handle) };
  const list = scopes === 'all' ? await allScopes(handle) : scopes;
  if (scopes === 'all') await handle.db.deleteFrom('audit_findings').execute();
  const now = new Date().toISOString();
  let findings = 0;
  for (const scope of list) findings += await recomputeAccount(handle, scope, null, config, tables, now, opts);
  return { accounts: list.length, findings };
}

/**
 * After a load: recomputes, per account, only the tracking numbers on the loaded invoices (and
 * their lines without one): a finding's evidence lies within one tracking number, so the others'
 * findings cannot have changed. An account where the load replaced an invoice (whose lines are
 * gone, and with them perhaps a credit or a first billing) is recomputed whole.
 */
export async function recomputeLoaded(handle: Db, sourceFileIds: readonly number[], config: AuditConfig, opts: RecomputeOptions = {}): Promise<RecomputeResult> {
  const tables: AuditTables = { divisors: await readDivisors(handle), rates: await readFuelRates(handle) };
  const scopes = await scopesOfFiles(handle, sourceFileIds);
  const now = new Date().toISOString();
  const replaced = await replacedAccounts(handle, sourceFileIds);
  let findings = 0;
  for (const scope of scopes) {
    const whole = replaced.has(JSON.stringify([scope.carrier, scope.account])) || (await onlyThese(handle, scope, sourceFileIds));
    findings += await recomputeAccount(handle, scope, whole ? null : sourceFileIds, config, tables, now, opts);
  }
  return { accounts: scopes.length, findings };
}

/** The account has no invoice but these files' (its first load): recomputing it whole is the same, and cheaper. */
async function onlyThese(handle: Db, scope: AccountScope, sourceFileIds: readonly number[]): Promise<boolean> {
  if (sourceFileIds.length > 500) return false;
  const other = await handle.db
    .selectFrom('invoices')
    .select('id')
    .where('carrier', '=', scope.carrier)
    .where('account_number', '=', scope.account)
    .where('source_file_id', 'not in', sourceFileIds)
    .limit(1)
    .executeTakeFirst();
  return other === undefined;
}

/** Accounts where these files replaced an invoice (load.ts addInvoice notes it), or holding a finding on an invoice gone. */
async function replacedAccounts(handle: Db, sourceFileIds: readonly number[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let k = 0; k < sourceFileIds.length; k += 500) {
    const files = sourceFileIds.slice(k, k + 500);
    const rows = await handle.db
      .selectFrom('invoices')
      .select(['carrier', 'account_number'])
      .distinct()
      .where('source_file_id', 'in', files)
      .where((eb) => eb.exists(eb.selectFrom('data_issues').select('data_issues.id').where('data_issues.source_file_id', 'in', files).where('data_issues.code', '=', 'invoice_replaced')))
      .execute();
    for (const r of rows) out.add(JSON.stringify([r.carrier, r.account_number]));
  }
  const orphans = await handle.db
    .selectFrom('audit_findings as f')
    .select(['f.carrier', 'f.account_number'])
    .distinct()
    .where((eb) => eb.not(eb.exists(eb.selectFrom('invoices as i').select('i.id').whereRef('i.id', '=', 'f.invoice_id'))))
    .execute();
  for (const r of orphans) out.add(JSON.stringify([r.carrier, r.account_number]));
  return out;
}

/**
 * One account's findings, in one transaction: delete those of the parts recomputed, then read,
 * judge and write the parts that could hold a finding (candidates.ts), `partSize` tracking
 * numbers at a time. `files` null: the whole account; else the parts on those files' invoices.
 *
 * A part is a tracking number's lines and shipments, or a line with neither: the loader gives a
 * line a shipment exactly when it has a tracking number, the shipment's (same invoice, same
 * number), so a line with a shipment is read through its shipment's tracking number. A line
 * with a tracking number but no shipment (none today) joins its tracking number's part.
 */
async function recomputeAccount(handle: Db, scope: AccountScope, files: readonly number[] | null, config: AuditConfig, tables: AuditTables, now: string, opts: RecomputeOptions): Promise<number> {
  const partSize = Math.max(1, opts.partSize ?? PART_SIZE);
  const specs = candidatesOf({ config, tables, carrier: scope.carrier, dialect: handle.dialect });
  const everything = specs.some((c) => c.kind === 'all');
  const loaded = files === null ? null : sql`select i0.id from invoices i0 where i0.source_file_id in (${sql.join([...files])}) and i0.carrier = ${scope.carrier} and i0.account_number = ${scope.account}`;
  /** Tracking numbers in `col` that this recompute covers. */
  const touched = (col: RawBuilder<unknown>): RawBuilder<boolean> =>
    loaded === null
      ? sql<boolean>`1 = 1`
      : sql<boolean>`(${col} in (select s0.tracking_number from shipments s0 where s0.invoice_id in (${loaded})) or ${col} in (select c0.tracking_number from charges c0 where c0.invoice_id in (${loaded}) and c0.shipment_id is null and c0.tracking_number is not null))`;
  const lineWheres = specs.flatMap((c) => (c.kind === 'lines' ? [c.where] : []));
  const anyLine = everything ? sql<boolean>`1 = 1` : lineWheres.length > 0 ? sql<boolean>`(${sql.join(lineWheres, sql` or `)})` : null;
  let written = 0;
  await handle.db.transaction().execute(async (trx) => {
    const reader = await FactReader.open(trx, scope);
    // lines with a tracking number but no shipment: their tracking numbers are candidates
    const looseTracked = groupBy(await reader.loose(sql<boolean>`c.tracking_number is not null and ${touched(sql.ref('c.tracking_number'))}`), (c) => c.trackingNumber);
    const keys = new Set<string>(looseTracked.keys());
    const inAccount = sql<boolean>`i.carrier = ${scope.carrier} and i.account_number = ${scope.account}`;
    if (everything) {
      for (const r of (await sql<{ t: string }>`select distinct s.tracking_number as t from shipments s join invoices i on i.id = s.invoice_id where ${inAccount} and ${touched(sql.ref('s.tracking_number'))}`.execute(trx)).rows) keys.add(r.t);
    }
    if (!everything && specs.some((c) => c.kind === 'repeated')) {
      const q = sql<{ t: string }>`select s.tracking_number as t from shipments s join invoices i on i.id = s.invoice_id where ${inAccount} and ${touched(sql.ref('s.tracking_number'))} group by s.tracking_number having count(*) >= 2`;
      for (const r of (await q.execute(trx)).rows) keys.add(r.t);
    }
    if (!everything && lineWheres.length > 0 && anyLine !== null) {
      // cross joins: SQLite reads the account's lines in table order, and the few matching lines' shipments
      const q = sql<{ t: string }>`select distinct s.tracking_number as t from invoices i cross join charges c cross join shipments s where c.invoice_id = i.id and s.id = c.shipment_id and ${inAccount} and ${anyLine} and ${touched(sql.ref('s.tracking_number'))}`;
      for (const r of (await q.execute(trx)).rows) keys.add(r.t);
    }
    for (const c of everything ? [] : specs) {
      if (c.kind !== 'shipments') continue;
      for (let after = 0; ; ) {
        const page = await shipmentQuery(trx, scope).where('s.id', '>', after).where(touched(sql.ref('s.tracking_number'))).where(c.where).orderBy('s.id').limit(PAGE).execute();
        for (const s of page) if (c.keep(shipmentFact(s))) keys.add(s.tracking_number);
        const last = page.at(-1);
        if (last === undefined || page.length < PAGE) break;
        after = Number(last.id);
      }
    }
    // lines with neither shipment nor tracking number: each its own part
    const lineIds =
      anyLine === null
        ? []
        : (await sql<{ id: number }>`select c.id from charges c join invoices i on i.id = c.invoice_id where ${inAccount} and c.shipment_id is null and c.tracking_number is null and ${loaded === null ? sql`1 = 1` : sql`c.invoice_id in (${loaded})`} and ${anyLine} order by c.id`.execute(trx)).rows.map((r) => Number(r.id));

    let del = trx.deleteFrom('audit_findings').where('carrier', '=', scope.carrier).where('account_number', '=', scope.account);
    if (loaded !== null) del = del.where(sql<boolean>`((tracking_number is not null and ${touched(sql.ref('tracking_number'))}) or (tracking_number is null and invoice_id in (${loaded})))`);
    await del.execute();

    const write = async (facts: AuditFacts): Promise<void> => {
      const found = runRules(facts, config, tables);
      // one finding per key: two rules never share a name, and a rule's evidence ids define it
      const unique = [...new Map(found.map((f) => [findingKey(f), f])).values()];
      for (let k = 0; k < unique.length; k += 200) await trx.insertInto('audit_findings').values(unique.slice(k, k + 200).map((f) => row(handle, f, now))).execute();
      written += unique.length;
    };
    const sorted = [...keys].sort();
    for (let k = 0; k < sorted.length; k += partSize) {
      const part = sorted.slice(k, k + partSize);
      await write(await reader.part(part, part.flatMap((t) => looseTracked.get(t) ?? [])));
    }
    for (let k = 0; k < lineIds.length; k += partSize) await write(await reader.part([], await reader.loose(sql<boolean>`c.id in (${sql.join(lineIds.slice(k, k + partSize))})`)));
  });
  return written;
}

export interface SummaryRow {
  readonly rule: string;
  readonly carrier: string;
  readonly currency: string;
  readonly findings: number;
  readonly amount_minor: number;
}

/** Findings and money at stake per rule, carrier and currency (invoices dated on or after `since`). */
export async function summarizeFindings(handle: Db, since?: string): Promise<SummaryRow[]> {
  let q = handle.db
    .selectFrom('audit_findings')
    .select(['rule', 'carrier', 'currency', sql<number>`count(*)`.as('n'), sql<number>`sum(amount_minor)`.as('amount')])
    .groupBy(['rule', 'carrier', 'currency'])
    .orderBy('rule')
    .orderBy('carrier')
    .orderBy('currency');
  if (since !== undefined) q = q.where('invoice_date', '>=', since);
  const rows = await q.execute();
  return rows.map((r) => ({ rule: r.rule, carrier: r.carrier, currency: r.currency, findings: exactMinorFrom(r.n, 'audit: count'), amount_minor: exactMinorFrom(r.amount, 'audit: amount at stake') }));
}

export interface TrendRow {
  readonly rule: string;
  readonly carrier: string;
  readonly account: string;
  readonly month: string;
  readonly currency: string;
  readonly findings: number;
  readonly amount_minor: number;
}

/** The carriers' own corrections and their fees per account and invoice month: the trend the shipper can act on. */
export const TREND_RULES = ['weight_correction', 'audit_fee', 'address_correction'] as const;

export async function correctionTrend(handle: Db, since?: string): Promise<TrendRow[]> {
  const month = handle.dialect === 'postgres' ? sql<string>`to_char(invoice_date, 'YYYY-MM')` : sql<string>`substr(invoice_date, 1, 7)`;
  let q = handle.db
    .selectFrom('audit_findings')
    .select(['rule', 'carrier', 'account_number', month.as('month'), 'currency', sql<number>`count(*)`.as('n'), sql<number>`sum(amount_minor)`.as('amount')])
    .where('rule', 'in', [...TREND_RULES])
    .groupBy(['rule', 'carrier', 'account_number', month, 'currency'])
    .orderBy('rule')
    .orderBy('carrier')
    .orderBy('account_number')
    .orderBy(month)
    .orderBy('currency');
  if (since !== undefined) q = q.where('invoice_date', '>=', since);
  const rows = await q.execute();
  return rows.map((r) => ({ rule: r.rule, carrier: r.carrier, account: r.account_number, month: r.month, currency: r.currency, findings: exactMinorFrom(r.n, 'audit: count'), amount_minor: exactMinorFrom(r.amount, 'audit: amount') }));
}
