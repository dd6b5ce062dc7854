/**
 * Every audit rule, by the name it has in the config (`audit:`) and in `audit_findings.rule`.
 * Each rule is a pure function of the facts and its parameters.
 */
import type { AuditConfig } from '../config.js';
import type { AuditFacts, Finding } from '../model.js';
import { chargesAfterCredit } from './charges-after-credit.js';
import { addressCorrections, residentialBusiness, weightCorrections } from './corrections.js';
import { dimWeightOverbilling, type DimWeightParams, type Divisor } from './dim-weight.js';
import { duplicateBilling } from './duplicate-billing.js';
import { rateDrift, type FuelRate } from './rate-drift.js';

/** What rules read besides the facts: tables users edit. */
export interface AuditTables {
  readonly divisors: readonly Divisor[];
  readonly rates: readonly FuelRate[];
}

/** The volumetric_divisors rows, with the config's per-carrier divisors in place of the table's. */
export function effectiveDivisors(table: readonly Divisor[], config: AuditConfig): Divisor[] {
  const out = table.map((d) => {
    const custom = config.dim_weight_overbilling.divisors[d.carrier]?.[d.dimensionUnit as 'cm' | 'in'];
    return custom === undefined ? d : { ...d, divisor: custom };
  });
  for (const [carrier, units] of Object.entries(config.dim_weight_overbilling.divisors)) {
    for (const [unit, divisor] of Object.entries(units)) {
      if (divisor !== undefined && !out.some((d) => d.carrier === carrier && d.dimensionUnit === unit)) out.push({ carrier, dimensionUnit: unit, weightUnit: unit === 'in' ? 'lb' : 'kg', divisor });
    }
  }
  return out;
}

/** The dimensional-weight rule's parameters: the divisors in effect and the config's steps. */
export function dimWeightParams(config: AuditConfig, tables: AuditTables): DimWeightParams {
  return { divisors: effectiveDivisors(tables.divisors, config), steps: config.dim_weight_overbilling.steps };
}

/** The rules' names, in the order they run (and the summary lists them). */
export const RULES = [
  'duplicate_billing',
  'dim_weight_overbilling',
  'weight_correction',
  'audit_fee',
  'address_correction',
  'residential_business',
  'rate_drift',
  'charges_after_credit',
] as const;

export type RuleName = (typeof RULES)[number];

/** Every enabled rule's findings on `facts`. Pure. */
export function runRules(facts: AuditFacts, config: AuditConfig, tables: AuditTables): Finding[] {
  const out: Finding[] = [];
  if (config.duplicate_billing.enabled) out.push(...duplicateBilling(facts, config.duplicate_billing));
  if (config.dim_weight_overbilling.enabled) out.push(...dimWeightOverbilling(facts, dimWeightParams(config, tables)));
  if (config.weight_corrections.enabled) out.push(...weightCorrections(facts, config.weight_corrections));
  if (config.address_corrections.enabled) out.push(...addressCorrections(facts));
  if (config.residential_business.enabled) out.push(...residentialBusiness(facts));
  if (config.rate_drift.enabled) out.push(...rateDrift(facts, { rates: tables.rates, toleranceMinor: config.rate_drift.toleranceMinor, tolerancePercent: config.rate_drift.tolerancePercent }));
  if (config.charges_after_credit.enabled) out.push(...chargesAfterCredit(facts, config.charges_after_credit));
  return out;
}
