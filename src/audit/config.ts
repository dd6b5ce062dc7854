/**
 * The `audit:` section of etl.config.yaml: every rule can be switched off and takes its
 * parameters here; what is left out keeps its default (docs: README "Audit").
 */
import { z } from 'zod';
import { CHARGES_AFTER_CREDIT_DEFAULTS } from './rules/charges-after-credit.js';
import { CORRECTION_DEFAULTS } from './rules/corrections.js';
import { DIM_WEIGHT_STEPS } from './rules/dim-weight.js';
import { DUPLICATE_BILLING_DEFAULTS } from './rules/duplicate-billing.js';

const enabled = z.boolean().default(true);
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'a decimal such as "0.5"');
const codes = z.array(z.string().min(1));

export const auditConfigSchema = z
  .strictObject({
    duplicate_billing: z.strictObject({ enabled, ignoreCodes: codes.default([...DUPLICATE_BILLING_DEFAULTS.ignoreCodes]) }).prefault({}),
    dim_weight_overbilling: z
      .strictObject({
        enabled,
        /** Divisors that replace the volumetric_divisors table's, per carrier: `{ ups: { cm: 5000 } }`. */
        divisors: z.record(z.string(), z.strictObject({ cm: z.number().positive().optional(), in: z.number().positive().optional() })).default({}),
        /** Billing steps per weight unit: `{ kg: [{ from: 0, step: 0.5 }, { from: 10, step: 1 }] }`. */
        steps: z.record(z.string(), z.array(z.strictObject({ from: z.number().min(0), step: z.number().positive() })).min(1)).default(structuredClone(DIM_WEIGHT_STEPS) as Record<string, Array<{ from: number; step: number }>>),
      })
      .prefault({}),
    weight_corrections: z.strictObject({ enabled, feePatterns: z.array(z.string().min(1)).default([...CORRECTION_DEFAULTS.feePatterns]) }).prefault({}),
    address_corrections: z.strictObject({ enabled }).prefault({}),
    residential_business: z.strictObject({ enabled }).prefault({}),
    rate_drift: z
      .strictObject({
        enabled,
        /** A CSV of published rates that `etl audit --all` loads into fuel_rates (replacing its rows). */
        ratesFile: z.string().min(1).optional(),
        toleranceMinor: z.number().int().min(0).default(1),
        tolerancePercent: decimal.default('0.5'),
      })
      .prefault({}),
    charges_after_credit: z.strictObject({ enabled, codes: codes.default([...CHARGES_AFTER_CREDIT_DEFAULTS.codes]) }).prefault({}),
  })
  .prefault({});

export type AuditConfig = z.infer<typeof auditConfigSchema>;

/** Every rule with its defaults (no config file, or one without `audit:`). */
export function defaultAuditConfig(): AuditConfig {
  return auditConfigSchema.parse(undefined);
}
