/**
 * The carrier's own corrections, as signals for the shipper (the amounts are what they cost, not
 * necessarily money to recover):
 * - weight corrections: shipments re-billed after the carrier's audit (code weight_correction),
 *   with the declared and billed weights when the shipment has them;
 * - audit fees: the fees charged for such an audit (UPS's shipping charge correction audit fee,
 *   missing package data fee), told by their description (`feePatterns`, case-insensitive);
 * - address corrections: every address-correction charge, with the receiver's postcode.
 */
import { formatMinor } from '../../model/money.js';
import { groupBy, lineRef, type AuditFacts, type ChargeFact, type Finding, type ShipmentFact } from '../model.js';

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

/** Lines of one shipment on one invoice (the lines a carrier bills for one correction). */
function perShipment(lines: readonly ChargeFact[]): ChargeFact[][] {
  return [...groupBy(lines, (c) => JSON.stringify([c.invoiceId, c.shipmentId ?? c.trackingNumber ?? `line ${c.id}`])).values()];
}

const net = (lines: readonly ChargeFact[]): number => lines.reduce((s, c) => s + c.amountMinor, 0);

/**
 * One finding per shipment and invoice re-billed by a weight correction (its correction lines
 * together: UPS bills the freight, fuel and handling parts separately), when the net is a charge;
 * one per audit-fee line.
 */
export function weightCorrections(facts: AuditFacts, params: CorrectionParams): Finding[] {
  const ships = shipmentsById(facts);
  const findings: Finding[] = [];
  const fees = facts.charges.filter((c) => c.amountMinor > 0 && isFee(c, params.feePatterns));
  const corrections = facts.charges.filter((c) => c.code === 'weight_correction' && !isFee(c, params.feePatterns));
  for (const lines of perShipment(corrections)) {
    const amount = net(lines);
    const c = lines.find((l) => l.amountMinor > 0);
    if (amount <= 0 || c === undefined) continue;
    const s = c.shipmentId === null ? undefined : ships.get(c.shipmentId);
    findings.push({
      rule: 'weight_correction',
      severity: 'info',
      heuristic: false,
      subject: c,
      amountMinor: amount,
      explanation: `${c.trackingNumber ?? 'the invoice'} re-billed ${formatMinor(amount, c.currency)} ${c.currency} by the carrier's correction (${lines.map((l) => `"${l.description}"`).join(', ')}; invoice ${c.invoiceNumber}, ${lineRef(c)})${weights(s)}`,
      evidence: lines,
    });
  }
  for (const c of fees) {
    findings.push({
      rule: 'audit_fee',
      severity: 'medium',
      heuristic: false,
      subject: c,
      amountMinor: c.amountMinor,
      explanation: `audit fee "${c.description}" on ${c.trackingNumber ?? 'the invoice'} (invoice ${c.invoiceNumber}, ${lineRef(c)})`,
      evidence: [c],
    });
  }
  return findings;
}

/** One finding per shipment and invoice with address-correction charges (net), with the receiver's postcode. */
export function addressCorrections(facts: AuditFacts): Finding[] {
  const ships = shipmentsById(facts);
  const findings: Finding[] = [];
  for (const lines of perShipment(facts.charges.filter((c) => c.code === 'address_correction'))) {
    const amount = net(lines);
    const c = lines.find((l) => l.amountMinor > 0);
    if (amount <= 0 || c === undefined) continue;
    const s = c.shipmentId === null ? undefined : ships.get(c.shipmentId);
    const to = s?.receiverPostcode ? ` to ${s.receiverPostcode}${s.receiverCountry ? ` ${s.receiverCountry}` : ''}` : '';
    findings.push({
      rule: 'address_correction',
      severity: 'info',
      heuristic: false,
      subject: c,
      amountMinor: amount,
      explanation: `address correction of ${formatMinor(amount, c.currency)} ${c.currency} on ${c.trackingNumber ?? 'the invoice'}${to} (invoice ${c.invoiceNumber}, ${lineRef(c)})`,
      evidence: lines,
    });
  }
  return findings;
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
