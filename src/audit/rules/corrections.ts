/**
 * The carrier's own corrections, as signals for the shipper (the amounts are what they cost, not
 * necessarily money to recover):
 * - weight corrections: shipments re-billed after the carrier's audit (code weight_correction),
 *   with the declared and billed weights when the shipment has them;
 * - audit fees: the fees charged for such an audit (UPS's shipping charge correction audit fee,
 *   missing package data fee), told by their description (`feePatterns`, case-insensitive);
 * - address corrections: every address-correction charge, with the receiver's postcode.
 */
import { lineRef, type AuditFacts, type ChargeFact, type Finding, type ShipmentFact } from '../model.js';

export interface CorrectionParams {
  /** Description fragments (case-insensitive) that make a charge an audit fee. */
  readonly feePatterns: readonly string[];
}

export const CORRECTION_DEFAULTS: CorrectionParams = {
  feePatterns: ['audit fee', 'missing package data', 'missing pkg data'],
};

function shipmentsById(facts: AuditFacts): Map<number, ShipmentFact> {
  return new Map(facts.shipments.map((s) => [s.id, s]));
}

function weights(s: ShipmentFact | undefined): string {
  if (s === undefined || s.billedWeight === null) return '';
  const unit = s.weightUnit ?? '';
  return s.declaredWeight === null ? `; billed ${s.billedWeight} ${unit}` : `; declared ${s.declaredWeight} ${unit}, billed ${s.billedWeight} ${unit}`;
}

function isFee(c: ChargeFact, patterns: readonly string[]): boolean {
  const d = c.description.toLowerCase();
  return patterns.some((p) => d.includes(p.toLowerCase()));
}

export function weightCorrections(facts: AuditFacts, params: CorrectionParams): Finding[] {
  const ships = shipmentsById(facts);
  const findings: Finding[] = [];
  for (const c of facts.charges) {
    if (c.amountMinor <= 0) continue;
    const fee = isFee(c, params.feePatterns);
    if (!fee && c.code !== 'weight_correction') continue;
    const s = c.shipmentId === null ? undefined : ships.get(c.shipmentId);
    findings.push({
      rule: fee ? 'audit_fee' : 'weight_correction',
      severity: fee ? 'medium' : 'info',
      heuristic: false,
      subject: c,
      amountMinor: c.amountMinor,
      explanation: `${fee ? 'audit fee' : 'weight correction'} "${c.description}" on ${c.trackingNumber ?? 'the invoice'} (invoice ${c.invoiceNumber}, ${lineRef(c)})${weights(s)}`,
      evidence: [c],
    });
  }
  return findings;
}

export function addressCorrections(facts: AuditFacts): Finding[] {
  const ships = shipmentsById(facts);
  return facts.charges
    .filter((c) => c.code === 'address_correction' && c.amountMinor > 0)
    .map((c) => {
      const s = c.shipmentId === null ? undefined : ships.get(c.shipmentId);
      const to = s?.receiverPostcode ? ` to ${s.receiverPostcode}${s.receiverCountry ? ` ${s.receiverCountry}` : ''}` : '';
      return {
        rule: 'address_correction',
        severity: 'info' as const,
        heuristic: false,
        subject: c,
        amountMinor: c.amountMinor,
        explanation: `address correction on ${c.trackingNumber ?? 'the invoice'}${to} (invoice ${c.invoiceNumber}, ${lineRef(c)})`,
        evidence: [c],
      };
    });
}

/** Heuristic: a residential surcharge on a shipment whose receiver has a company name. */
export function residentialBusiness(facts: AuditFacts): Finding[] {
  const ships = shipmentsById(facts);
  const findings: Finding[] = [];
  for (const c of facts.charges) {
    if (c.code !== 'residential' || c.amountMinor <= 0 || c.shipmentId === null) continue;
    const company = ships.get(c.shipmentId)?.receiverCompany?.trim();
    if (!company) continue;
    findings.push({
      rule: 'residential_business',
      severity: 'medium',
      heuristic: true,
      subject: c,
      amountMinor: c.amountMinor,
      explanation: `residential surcharge on ${c.trackingNumber ?? ''} whose receiver is a company ("${company}"): a heuristic, check the address (invoice ${c.invoiceNumber}, ${lineRef(c)})`,
      evidence: [c],
    });
  }
  return findings;
}
