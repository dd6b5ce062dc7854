/**
 * Dimensional-weight overbilling: a billed weight above both the declared weight and the
 * volumetric weight from the billed dimensions (L × W × H / the carrier's divisor), each rounded
 * up to the carrier's billing step (0.5 kg, a whole lb). The money at stake is the shipment's
 * freight per billed weight unit times the excess weight. Shipments without dimensions are not
 * judged: their volume could explain any weight.
 */
import { divideRounded } from '../../model/minor-units.js';
import { lineRef, type AuditFacts, type Finding, type ShipmentFact } from '../model.js';

export interface Divisor {
  readonly carrier: string;
  readonly dimensionUnit: string;
  readonly weightUnit: string;
  readonly divisor: number;
}

export interface DimWeightParams {
  /** Divisors by carrier and dimension unit (the volumetric_divisors table, overridable in the config). */
  readonly divisors: readonly Divisor[];
  /**
   * The billing steps per weight unit: a weight is rounded up to the step of the last band whose
   * `from` it exceeds (DHL Express and UPS bill 0.5 kg steps up to 10 kg, whole kg above).
   */
  readonly steps: Readonly<Record<string, ReadonlyArray<StepBand>>>;
}

export interface StepBand {
  readonly from: number;
  readonly step: number;
}

export const DIM_WEIGHT_STEPS: Readonly<Record<string, ReadonlyArray<StepBand>>> = {
  kg: [{ from: 0, step: 0.5 }, { from: 10, step: 1 }],
  lb: [{ from: 0, step: 1 }],
  oz: [{ from: 0, step: 1 }],
};

/** The step for weight `w` (in thousandths) among `bands`. */
function stepFor(bands: ReadonlyArray<StepBand>, w: number): number | undefined {
  let step: number | undefined;
  for (const b of bands) if (w > milli(b.from)) step = b.step;
  return step ?? bands[0]?.step;
}

/** Thousandths of a weight unit, an integer (weights are floats in the database). */
export const milli = (w: number): number => Math.round(w * 1000);

function roundUp(wMilli: number, stepMilli: number): number {
  return Math.ceil(wMilli / stepMilli) * stepMilli;
}

/** The weight a shipment should have been billed at, in thousandths, or null when it cannot be told. */
export function allowedWeight(s: ShipmentFact, divisor: number, bands: ReadonlyArray<StepBand>): { allowed: number; volumetric: number; step: number } | null {
  if (s.declaredWeight === null || s.length === null || s.width === null || s.height === null || divisor <= 0) return null;
  const volumetric = milli((s.length * s.width * s.height) / divisor);
  const chargeable = Math.max(milli(s.declaredWeight), volumetric);
  const step = stepFor(bands, chargeable);
  if (step === undefined) return null;
  return { allowed: roundUp(chargeable, milli(step)), volumetric, step };
}

/**
 * The weights of a shipment billed above what it should have been (billed > allowed, in
 * thousandths), whatever its freight: null when it is not, or cannot be told. The audit's
 * prefilter asks this of shipments before reading their lines (candidates.ts).
 */
export function overbilledWeight(s: ShipmentFact, params: DimWeightParams): { divisor: number; allowed: number; volumetric: number; step: number; billed: number } | null {
  if (s.billedWeight === null || s.weightUnit === null || s.dimensionUnit === null) return null;
  // a weight the carrier measured itself is its actual weight: the declared one proves nothing
  // against it (such shipments are the weight-correction rule's findings)
  if (s.weightSource === 'audited') return null;
  const d = params.divisors.find((x) => x.carrier === s.carrier && x.dimensionUnit === s.dimensionUnit && x.weightUnit === s.weightUnit);
  const bands = params.steps[s.weightUnit];
  if (d === undefined || bands === undefined) return null;
  const w = allowedWeight(s, d.divisor, bands);
  if (w === null) return null;
  const billed = milli(s.billedWeight);
  return billed > w.allowed ? { ...w, divisor: d.divisor, billed } : null;
}

export function dimWeightOverbilling(facts: AuditFacts, params: DimWeightParams): Finding[] {
  const freight = new Map<number, AuditFacts['charges'][number][]>();
  for (const c of facts.charges) {
    if (c.shipmentId === null || c.code !== 'freight') continue;
    freight.set(c.shipmentId, [...(freight.get(c.shipmentId) ?? []), c]);
  }
  const findings: Finding[] = [];
  for (const s of facts.shipments) {
    const w = overbilledWeight(s, params);
    if (w === null) continue;
    const billed = w.billed;
    const lines = freight.get(s.id) ?? [];
    const subject = lines[0];
    if (subject === undefined) continue;
    const freightMinor = lines.reduce((sum, c) => sum + c.amountMinor, 0);
    if (freightMinor <= 0) continue;
    const excess = billed - w.allowed;
    const atStake = divideRounded(freightMinor * excess, billed);
    const u = s.weightUnit ?? '';
    findings.push({
      rule: 'dim_weight_overbilling',
      severity: 'high',
      heuristic: false,
      subject,
      amountMinor: atStake,
      explanation: `${s.trackingNumber} billed ${s.billedWeight} ${u}; declared ${s.declaredWeight ?? '?'} ${u}, volumetric ${w.volumetric / 1000} ${u} (${s.length}×${s.width}×${s.height} ${s.dimensionUnit} / ${w.divisor}), so at most ${w.allowed / 1000} ${u} in steps of ${w.step}: ${excess / 1000} ${u} too much at the shipment's freight per ${u} (${lineRef(subject)})`,
      evidence: lines,
    });
  }
  return findings;
}
