/**
 * Duplicate billing: the same tracking number charged the same charge code again on another
 * invoice (so another file or another invoice of the same file). A group with a credit of that
 * code (a negative line) is a correction or a re-bill after a credit, which charges-after-credit
 * judges, not a duplicate. Codes that legitimately recur per shipment (corrections, storage,
 * taxes) are ignored (`ignoreCodes`).
 */
import { byBilling, groupBy, lineRef, type AuditFacts, type Finding } from '../model.js';

export interface DuplicateBillingParams {
  readonly ignoreCodes: readonly string[];
}

export const DUPLICATE_BILLING_DEFAULTS: DuplicateBillingParams = {
  ignoreCodes: ['vat', 'duties_taxes', 'discount', 'adjustment', 'weight_correction', 'address_correction', 'storage', 'late_payment', 'return', 'unmapped'],
};

export function duplicateBilling(facts: AuditFacts, params: DuplicateBillingParams): Finding[] {
  const ignore = new Set(params.ignoreCodes);
  const groups = groupBy(facts.charges, (c) => (c.trackingNumber && !ignore.has(c.code) ? JSON.stringify([c.carrier, c.trackingNumber, c.code, c.currency]) : null));
  const findings: Finding[] = [];
  for (const lines of groups.values()) {
    if (lines.some((c) => c.amountMinor < 0)) continue;
    const byInvoice = groupBy([...lines].filter((c) => c.amountMinor > 0).sort(byBilling), (c) => String(c.invoiceId));
    if (byInvoice.size < 2) continue;
    const [first, ...again] = [...byInvoice.values()];
    if (first === undefined) continue;
    const original = first[0];
    if (original === undefined) continue;
    for (const repeat of again) {
      const subject = repeat[0];
      if (subject === undefined) continue;
      const amount = repeat.reduce((s, c) => s + c.amountMinor, 0);
      findings.push({
        rule: 'duplicate_billing',
        severity: 'high',
        heuristic: false,
        subject,
        amountMinor: amount,
        explanation: `${subject.trackingNumber ?? ''} charged ${subject.code} again on invoice ${subject.invoiceNumber} (${subject.invoiceDate}, ${lineRef(subject)}) after invoice ${original.invoiceNumber} (${original.invoiceDate}, ${lineRef(original)})`,
        evidence: [...first, ...repeat],
      });
    }
  }
  return findings;
}
