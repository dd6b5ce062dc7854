/**
 * Surcharge rate drift: a percentage surcharge (fuel) whose amount differs from its base times
 * the rate in effect for that carrier and date in `fuel_rates` (a table the user keeps from the
 * carriers' published rates). Only overbilling is a finding; the tolerance absorbs the carrier's
 * rounding. A shipment's date is its ship date, else its invoice date.
 */
import { formatMinor } from '../../model/money.js';
import { groupBy, lineRef, type AuditFacts, type ChargeFact, type Finding } from '../model.js';

export interface FuelRate {
  readonly carrier: string;
  readonly chargeCode: string;
  readonly validFrom: string;
  readonly validTo: string | null;
  /** Percent as decimal text: "18.25". */
  readonly ratePercent: string;
  readonly base: 'freight' | 'freight_and_surcharges';
  readonly source: string;
}

export interface RateDriftParams {
  readonly rates: readonly FuelRate[];
  /** Allowed overbilling in minor units, on top of `tolerancePercent` of the expected amount. */
  readonly toleranceMinor: number;
  /** Allowed overbilling as a percentage of the expected amount (decimal text). */
  readonly tolerancePercent: string;
}

/** Codes never in a surcharge's base. */
export const NOT_IN_BASE: ReadonlySet<string> = new Set(['vat', 'duties_taxes', 'discount']);

/** A decimal text as a fraction: "18.25" → 1825n / 100n. */
export function parseDecimal(text: string): { num: bigint; den: bigint } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal: "${text}"`);
  const frac = m[2] ?? '';
  return { num: BigInt(`${m[1] ?? '0'}${frac}`), den: 10n ** BigInt(frac.length) };
}

/** `amount × percent / 100`, rounded half up, exactly (bigint). */
export function percentOf(amountMinor: number, percent: string): number {
  const { num, den } = parseDecimal(percent);
  const n = BigInt(amountMinor) * num;
  const d = den * 100n;
  const q = n / d;
  const r = n % d;
  return Number(2n * (r < 0n ? -r : r) >= d ? q + (n < 0n ? -1n : 1n) : q);
}

export function rateInEffect(rates: readonly FuelRate[], carrier: string, code: string, date: string): FuelRate | undefined {
  return rates.find((r) => r.carrier === carrier && r.chargeCode === code && r.validFrom <= date && (r.validTo === null || date <= r.validTo));
}

export function rateDrift(facts: AuditFacts, params: RateDriftParams): Finding[] {
  if (params.rates.length === 0) return [];
  const codes = new Set(params.rates.map((r) => r.chargeCode));
  const shipDate = new Map(facts.shipments.map((s) => [s.id, s.shipDate]));
  const perShipment = groupBy(facts.charges, (c) => (c.shipmentId === null ? null : String(c.shipmentId)));
  const findings: Finding[] = [];
  for (const lines of perShipment.values()) {
    for (const [code, surcharge] of groupBy(lines, (c) => (codes.has(c.code) ? c.code : null))) {
      const first = surcharge[0];
      if (first === undefined) continue;
      const date = (first.shipmentId === null ? null : shipDate.get(first.shipmentId)) ?? first.invoiceDate;
      const rate = rateInEffect(params.rates, first.carrier, code, date);
      if (rate === undefined) continue;
      const baseLines = lines.filter((c: ChargeFact) => (rate.base === 'freight' ? c.code === 'freight' : !codes.has(c.code) && !NOT_IN_BASE.has(c.code)));
      const base = baseLines.reduce((s, c) => s + c.amountMinor, 0);
      const billed = surcharge.reduce((s, c) => s + c.amountMinor, 0);
      if (base <= 0 || billed <= 0) continue;
      const expected = percentOf(base, rate.ratePercent);
      const tolerance = params.toleranceMinor + percentOf(expected, params.tolerancePercent);
      if (billed - expected <= tolerance) continue;
      const actual = (Number((BigInt(billed) * 10000n) / BigInt(base)) / 100).toFixed(2);
      findings.push({
        rule: 'rate_drift',
        severity: 'medium',
        heuristic: false,
        subject: first,
        amountMinor: billed - expected,
        explanation: `${first.trackingNumber ?? ''} ${code} ${formatMinor(billed, first.currency)} on a ${rate.base.replace(/_/g, ' ')} base of ${formatMinor(base, first.currency)} ${first.currency} is ${actual} %; the rate in effect on ${date} is ${rate.ratePercent} % (${rate.source}): expected ${formatMinor(expected, first.currency)} (${lineRef(first)})`,
        evidence: [...surcharge, ...baseLines],
      });
    }
  }
  return findings;
}
