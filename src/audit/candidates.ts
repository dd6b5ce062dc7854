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
import { milli, overbilledWeight, type DimWeightParams } from './rules/dim-weight.js';
import { NOT_IN_BASE } from './rules/rate-drift.js';
import { dimWeightParams, RULES, type AuditTables, type RuleName } from './rules/index.js';

export type Candidates =
  /** The rule cannot find anything (rate drift without fuel rates for the carrier). */
  | { readonly kind: 'none' }
  /** Every part. */
  | { readonly kind: 'all' }
  /** Tracking numbers on two or more invoices of the account. */
  | { readonly kind: 'repeated' }
  /** Parts with a charge line meeting `where`: SQL over `charges as c` alone (SQLite then tests it before it looks anything else up). */
  | { readonly kind: 'lines'; readonly where: RawBuilder<boolean> }
  /** Tracking numbers with a shipment meeting `where` (SQL over `shipments as s`), then `keep` (the shipment as the rules read it). */
  | { readonly kind: 'shipments'; readonly where: RawBuilder<boolean>; readonly keep: (s: ShipmentFact) => boolean };

export interface CandidateContext {
  readonly config: AuditConfig;
  readonly tables: AuditTables;
  readonly carrier: string;
  readonly dialect: Dialect;
}

const codeIn = (list: readonly string[]): RawBuilder<boolean> => sql<boolean>`c.charge_code in (${sql.join([...list])})`;
const codes = (list: readonly string[]): Candidates => ({ kind: 'lines', where: codeIn(list) });

/**
 * Lines whose description contains one of `patterns` the way the audit-fee rule tells it
 * (`description.toLowerCase().includes(pattern.toLowerCase())`). SQL folds ASCII letters only
 * (SQLite's LIKE, lower() under the "C" collation on PostgreSQL: the same everywhere); that finds every JavaScript
 * match of an ASCII pattern except through the two characters whose lower case holds an ASCII
 * letter (U+0130 "İ" → "i̇", U+212A Kelvin → "k"), so lines holding them are kept too. A pattern
 * with other characters keeps every line.
 */
function descriptionContains(patterns: readonly string[], dialect: Dialect): Candidates {
  const lowered = patterns.map((p) => p.toLowerCase());
  if (lowered.some((p) => !/^[\x20-\x7e]*$/.test(p))) return { kind: 'lines', where: sql<boolean>`1 = 1` };
  const d = sql.ref('c.charge_description');
  const has =
    dialect === 'postgres'
      ? // lower() under the "C" collation folds ASCII letters only, whatever the database's
        // locale (as translate(d, 'A..Z', 'a..z') does, 5-20x slower on 500k lines)
        (part: string, fold: boolean) => sql`strpos(${fold ? sql`lower(${d} collate "C")` : d}, ${part}) > 0`
      : // SQLite's LIKE folds ASCII letters only (and is much faster than instr(lower(...)))
        (part: string) => sql`${d} like ${`%${part.replace(/[\\%_]/g, (m) => `\\${m}`)}%`} escape '\\'`;
  const tests = [...lowered.map((p) => has(p, true)), has('\u0130', false), has('\u212a', false)];
  return { kind: 'lines', where: sql<boolean>`(${sql.join(tests, sql` or `)})` };
}

/**
 * SQL over `shipments as s` that holds for every shipment the dimensional-weight rule can find
 * overbilled (overbilledWeight), and for few others. The rule counts thousandths of a weight
 * unit (milli: Math.round(w × 1000)); SQL rounds halves its own way, so each is bounded instead:
 * the billed weight from above, the chargeable one (max of declared and volumetric) from below
 * and above, with a slack far above a double's error. A finding needs billed > allowed ≥
 * roundUp(chargeable, step of its band); the SQL asks billed (upper bound) > the least
 * roundUp(chargeable lower bound, step) over the bands the chargeable weight can fall in.
 * The allowed weight is at least the declared one, so billed > declared is asked first.
 */
function overbilledWhere(params: DimWeightParams, carrier: string, dialect: Dialect): RawBuilder<boolean> {
  const cheap = sql<boolean>`s.billed_weight > s.entered_weight and s.dimension_unit is not null and s.weight_unit is not null and (s.weight_source is null or s.weight_source <> 'audited')`;
  const divisors = params.divisors.filter((d) => d.carrier === carrier && d.divisor > 0);
  const units = Object.entries(params.steps).filter(([, bands]) => bands.length > 0);
  if (divisors.length === 0 || units.length === 0) return sql<boolean>`1 = 0`;
  if (units.some(([, bands]) => bands.some((b) => milli(b.step) <= 0 || !Number.isFinite(milli(b.from))))) return cheap;
  const dbl = (n: number) => sql`cast(${n} as double precision)`;
  const [max, min] = dialect === 'postgres' ? ['greatest', 'least'] : ['max', 'min'];
  const fn = (name: string, args: RawBuilder<unknown>[]) => sql`${sql.raw(name)}(${sql.join(args)})`;
  const divisor = sql`case ${sql.join(
    divisors.map((d) => sql`when s.dimension_unit = ${d.dimensionUnit} and s.weight_unit = ${d.weightUnit} then ${dbl(d.divisor)}`),
    sql` `,
  )} end`;
  const slack = dbl(0.001);
  const declared = sql`(s.entered_weight * 1000)`;
  const volumetric = sql`((s.length * s.width * s.height / ${divisor}) * 1000)`;
  const low = (x: RawBuilder<unknown>) => sql`ceil(${x} - 0.5 - ${slack})`;
  const high = (x: RawBuilder<unknown>) => sql`floor(${x} + 0.5 + ${slack})`;
  const wLow = fn(max, [low(declared), low(volumetric)]);
  const wHigh = fn(max, [high(declared), high(volumetric)]);
  const none = dbl(1e18);
  const leastAllowed = units.map(([unit, bands]) => {
    const from = bands.map((b) => milli(b.from));
    const options = bands.map((b, i) => {
      const later = Math.min(...from.slice(i + 1));
      // band i is chosen for w when w > its from and no later band's from is below w; band 0 also when no band's is
      let possible = sql`(${wHigh} > ${dbl(from[i] ?? 0)}${Number.isFinite(later) ? sql` and ${wLow} <= ${dbl(later)}` : sql``})`;
      if (i === 0) possible = sql`(${possible} or ${wLow} <= ${dbl(Math.min(...from))})`;
      const step = dbl(milli(b.step));
      return sql`case when ${possible} then ceil(${wLow} / ${step}) * ${step} else ${none} end`;
    });
    return sql`when s.weight_unit = ${unit} then ${options.length === 1 ? options[0] ?? none : fn(min, options)}`;
  });
  return sql<boolean>`(${cheap} and ${high(sql`(s.billed_weight * 1000)`)} > case ${sql.join(leastAllowed, sql` `)} end)`;
}

/**
 * SQL over a surcharge line `c` that holds when its shipment's lines of that code could be a
 * rate-drift finding: for some rate in effect on the shipment's date (ship date, else invoice
 * date), billed - expected > tolerance, all integers, where expected = base × rate / 100 and the
 * tolerance = toleranceMinor + tolerancePercent of expected, each rounded (percentOf). Rounding
 * only moves a value by half a unit, so expected ≥ ceil(base × rate / 100 - ½) = e and the
 * tolerance ≥ toleranceMinor + ceil(e × percent / 100 - ½); the SQL asks billed ≥ e + that + 1,
 * with a thousandth of slack for the doubles.
 */
function aboveRate(x: CandidateContext): RawBuilder<boolean> {
  const p = x.config.rate_drift;
  const notBase = [...new Set([...x.tables.rates.map((r) => r.chargeCode), ...NOT_IN_BASE])];
  const dbl = (n: number) => sql`cast(${n} as double precision)`;
  const sum = (which: RawBuilder<unknown>) => sql`(select sum(x.amount_minor) from charges x where x.shipment_id = c.shipment_id and ${which})`;
  const billed = sum(sql`x.charge_code = c.charge_code`);
  const base = sum(sql`(case when r.base = 'freight' then x.charge_code = 'freight' else x.charge_code not in (${sql.join(notBase)}) end)`);
  const date = sql`coalesce(rs.ship_date, ri.invoice_date)`;
  const low = (v: RawBuilder<unknown>) => sql`ceil(${v} - 0.5 - ${dbl(0.001)})`;
  const expected = low(sql`${base} * cast(r.rate_percent as double precision) / 100`);
  const tolerance = sql`${dbl(p.toleranceMinor)} + ${low(sql`${expected} * ${dbl(Number(p.tolerancePercent))} / 100`)}`;
  return sql<boolean>`exists (select 1 from shipments rs cross join invoices ri cross join fuel_rates r where rs.id = c.shipment_id and ri.id = rs.invoice_id and r.carrier = ri.carrier and r.charge_code = c.charge_code and r.valid_from <= ${date} and (r.valid_to is null or ${date} <= r.valid_to) and ${billed} >= ${expected} + ${tolerance} + 1)`;
}

/** Per rule (RULES), what a part holding one of its findings must have. */
const CANDIDATES: { readonly [R in RuleName]: (x: CandidateContext) => Candidates } = {
  // a repeat, and a re-bill after a credit, are lines of one tracking number on two invoices
  duplicate_billing: () => ({ kind: 'repeated' }),
  charges_after_credit: () => ({ kind: 'repeated' }),
  dim_weight_overbilling: (x) => {
    const params = dimWeightParams(x.config, x.tables);
    return { kind: 'shipments', where: overbilledWhere(params, x.carrier, x.dialect), keep: (s) => overbilledWeight(s, params) !== null };
  },
  weight_correction: () => codes(['weight_correction']),
  audit_fee: (x) => descriptionContains(x.config.weight_corrections.feePatterns, x.dialect),
  address_correction: () => codes(['address_correction']),
  // a residential surcharge (a charge) on a shipment whose receiver has a company name
  residential_business: () => ({
    kind: 'lines',
    where: sql<boolean>`(c.charge_code = 'residential' and c.amount_minor > 0 and exists (select 1 from shipments rs where rs.id = c.shipment_id and rs.receiver_company is not null))`,
  }),
  rate_drift: (x) => {
    const surcharges = [...new Set(x.tables.rates.filter((r) => r.carrier === x.carrier).map((r) => r.chargeCode))];
    return surcharges.length === 0 ? { kind: 'none' } : { kind: 'lines', where: sql<boolean>`(${codeIn(surcharges)} and ${aboveRate(x)})` };
  },
};

/** What each of `rules` (default: RULES) needs read; `all` for a rule not declared above. */
export function candidatesOf(x: CandidateContext, rules: readonly string[] = RULES): Candidates[] {
  const declared: Readonly<Record<string, ((x: CandidateContext) => Candidates) | undefined>> = CANDIDATES;
  return rules.map((r) => declared[r]?.(x) ?? { kind: 'all' });
}

/** The rules the prefilter knows (for the test that fails when RULES grows without a declaration). */
export const DECLARED_RULES: readonly string[] = Object.keys(CANDIDATES);
