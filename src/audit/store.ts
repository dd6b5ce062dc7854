/**
 * Findings in the database: recomputed per carrier account (delete, then insert what the rules
 * find now, in one transaction), so running again changes nothing and a finding is never stored
 * twice (`finding_key` is unique). Loads recompute the accounts whose invoices they loaded;
 * `etl audit --all` recomputes every account (after a config change or a new fuel_rates CSV).
 */
import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import { exactMinorFrom } from '../model/money.js';
import { readDivisors, readFacts, readFuelRates, type AccountScope } from './columns.js';
import type { AuditConfig } from './config.js';
import { chargeIds, findingKey, type Finding } from './model.js';
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

/** Recomputes the findings of `scopes` ('all': every account, and none left for accounts gone). */
export async function recomputeFindings(handle: Db, scopes: readonly AccountScope[] | 'all', config: AuditConfig): Promise<RecomputeResult> {
  const tables: AuditTables = { divisors: await readDivisors(handle), rates: await readFuelRates(handle) };
  const list = scopes === 'all' ? await allScopes(handle) : scopes;
  if (scopes === 'all') await handle.db.deleteFrom('audit_findings').execute();
  const now = new Date().toISOString();
  let findings = 0;
  for (const scope of list) {
    const found = runRules(await readFacts(handle, scope), config, tables);
    // one finding per key: two rules never share a name, and a rule's evidence ids define it
    const unique = [...new Map(found.map((f) => [findingKey(f), f])).values()];
    await handle.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('audit_findings').where('carrier', '=', scope.carrier).where('account_number', '=', scope.account).execute();
      for (let k = 0; k < unique.length; k += 200) await trx.insertInto('audit_findings').values(unique.slice(k, k + 200).map((f) => row(handle, f, now))).execute();
    });
    findings += unique.length;
  }
  return { accounts: list.length, findings };
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
