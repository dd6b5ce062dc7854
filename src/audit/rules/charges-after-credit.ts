/**
 * Charges after a credit: a shipment whose freight was credited (a negative freight line) and
 * then billed again on a later invoice. A credit and a new charge on the same invoice are a
 * correction, not a re-bill, and are left alone.
 */
import { byBilling, groupBy, lineRef, type AuditFacts, type Finding } from '../model.js';

export interface ChargesAfterCreditParams {
  /** The codes whose credit and re-bill are compared (default: freight). */
  readonly codes: readonly string[];
}

export const CHARGES_AFTER_CREDIT_DEFAULTS: ChargesAfterCreditParams = { codes: ['freight'] };

export function chargesAfterCredit(facts: AuditFacts, params: ChargesAfterCreditParams): Finding[] {
  const codes = new Set(params.codes);
  const groups = groupBy(facts.charges, (c) => (c.trackingNumber && codes.has(c.code) ? JSON.stringify([c.carrier, c.trackingNumber, c.code, c.currency]) : null));
  const findings: Finding[] = [];
  for (const lines of groups.values()) {
    const sorted = [...lines].sort(byBilling);
    const credit = sorted.find((c) => c.amountMinor < 0);
    if (credit === undefined) continue;
    const before = sorted.filter((c) => c.amountMinor > 0 && byBilling(c, credit) < 0);
    const rebills = groupBy(
      sorted.filter((c) => c.amountMinor > 0 && c.invoiceId !== credit.invoiceId && byBilling(c, credit) > 0),
      (c) => String(c.invoiceId),
    );
    for (const rebill of rebills.values()) {
      const subject = rebill[0];
      if (subject === undefined) continue;
      findings.push({
        rule: 'charges_after_credit',
        severity: 'high',
        heuristic: false,
        subject,
        amountMinor: rebill.reduce((s, c) => s + c.amountMinor, 0),
        explanation: `${subject.trackingNumber ?? ''} ${subject.code} credited on invoice ${credit.invoiceNumber} (${credit.invoiceDate}, ${lineRef(credit)}) and billed again on invoice ${subject.invoiceNumber} (${subject.invoiceDate}, ${lineRef(subject)})`,
        evidence: [...before, credit, ...rebill],
      });
    }
  }
  return findings;
}
