/**
 * The audit's prefilter: which parts of an account's facts could hold a finding, asked of the
 * database before a line is read (store.ts then reads only those). A part is one tracking
 * number's lines and shipments, or one line without a tracking number: every rule's evidence
 * lies within one part (duplicates and re-bills group by tracking number, the dimensional-weight
 * and rate rules by shipment, the correction rules by invoice and shipment, the rest by line),
 * so the rules run over parts find what they find over the whole account.
 *
 * Each rule declares here a condition that every part holding one of its findings meets: a
 * superset (reading more changes nothing, reading less would lose findings). A rule without a
 * declaration gets `all`: everything is read.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { AuditConfig } from './config.js';
import type { ShipmentFact } from './model.js';
import { overbilledWeight } from './rules/dim-weight.js';
import { dimWeightParams, RULES, type AuditTables, type RuleName } from './rules/index.js';

export type Candidates =
  /** The rule cannot find anything (rate drift without fuel rates for the carrier). */
  | { readonly kind: 'none' }
  /** Every part. */
  | { readonly kind: 'all' }
  /** Tracking numbers on two or more invoices of the account. */
  | { readonly kind: 'repeated' }
  /** Parts with a charge line (SQL over `charges as c`) meeting `where`. */
  | { readonly kind: 'lines'; readonly where: RawBuilder<boolean> }
  /** Tracking numbers with a shipment meeting `where` (SQL over `shipments as s`), then `keep` (the shipment as the rules read it). */
  | { readonly kind: 'shipments'; readonly where: RawBuilder<boolean>; readonly keep: (s: ShipmentFact) => boolean };

export interface CandidateContext {
  readonly config: AuditConfig;
  readonly tables: AuditTables;
  readonly carrier: string;
  readonly dialect: Dialect;
}

const codes = (list: readonly string[]): Candidates => ({ kind: 'lines', where: sql<boolean>`c.charge_code in (${sql.join([...list])})` });

/**
 * Lines whose description contains one of `patterns` the way the audit-fee rule tells it
 * (`description.toLowerCase().includes(pattern.toLowerCase())`). SQL lowers ASCII only (SQLite's
 * lower, translate on PostgreSQL: the same everywhere); that finds every JavaScript match of an
 * ASCII pattern except through the two characters whose lower case holds an ASCII letter (U+0130
 * "İ" → "i̇", U+212A Kelvin → "k"), so lines holding them are kept too. A pattern with other
 * characters keeps every line.
 */
function descriptionContains(patterns: readonly string[], dialect: Dialect): Candidates {
  const lowered = patterns.map((p) => p.toLowerCase());
  if (lowered.some((p) => !/^[\x20-\x7e]*$/.test(p))) return { kind: 'lines', where: sql<boolean>`1 = 1` };
  const d = sql.ref('c.charge_description');
  const lower = dialect === 'postgres' ? sql`translate(${d}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')` : sql`lower(${d})`;
  const has = (text: RawBuilder<unknown>, part: string) => (dialect === 'postgres' ? sql`strpos(${text}, ${part}) > 0` : sql`instr(${text}, ${part}) > 0`);
  const tests = [...lowered.map((p) => has(lower, p)), has(sql`${d}`, '\u0130'), has(sql`${d}`, '\u212a')];
  return { kind: 'lines', where: sql<boolean>`(${sql.join(tests, sql` or `)})` };
}

/** Per rule (RULES), what a part holding one of its findings must have. */
const CANDIDATES: { readonly [R in RuleName]: (x: CandidateContext) => Candidates } = {
  // a repeat, and a re-bill after a credit, are lines of one tracking number on two invoices
  duplicate_billing: () => ({ kind: 'repeated' }),
  charges_after_credit: () => ({ kind: 'repeated' }),
  dim_weight_overbilling: (x) => {
    const params = dimWeightParams(x.config, x.tables);
    // the allowed weight is at least the declared one (allowedWeight), so a billed weight at or
    // under it is never a finding; the rest is the rule's own test, on the shipment alone
    return { kind: 'shipments', where: sql<boolean>`s.billed_weight > s.entered_weight and s.dimension_unit is not null`, keep: (s) => overbilledWeight(s, params) !== null };
  },
  weight_correction: () => codes(['weight_correction']),
  audit_fee: (x) => descriptionContains(x.config.weight_corrections.feePatterns, x.dialect),
  address_correction: () => codes(['address_correction']),
  residential_business: () => codes(['residential']),
  rate_drift: (x) => {
    const surcharges = [...new Set(x.tables.rates.filter((r) => r.carrier === x.carrier).map((r) => r.chargeCode))];
    return surcharges.length === 0 ? { kind: 'none' } : codes(surcharges);
  },
};

/** What each of `rules` (default: RULES) needs read; `all` for a rule not declared above. */
export function candidatesOf(x: CandidateContext, rules: readonly string[] = RULES): Candidates[] {
  const declared: Readonly<Record<string, ((x: CandidateContext) => Candidates) | undefined>> = CANDIDATES;
  return rules.map((r) => declared[r]?.(x) ?? { kind: 'all' });
}

/** The rules the prefilter knows (for the test that fails when RULES grows without a declaration). */
export const DECLARED_RULES: readonly string[] = Object.keys(CANDIDATES);
