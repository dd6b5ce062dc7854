/**
 * What the audit rules read and write. Rules are pure functions from facts (charge lines and
 * shipments as loaded, see columns.ts for the columns they come from) to findings; nothing here
 * touches the database.
 */

/** One loaded charge line, with its invoice and lineage. */
export interface ChargeFact {
  readonly id: number;
  readonly invoiceId: number;
  readonly invoiceNumber: string;
  /** `YYYY-MM-DD`. */
  readonly invoiceDate: string;
  readonly carrier: string;
  readonly account: string;
  readonly currency: string;
  readonly shipmentId: number | null;
  readonly trackingNumber: string | null;
  readonly code: string;
  readonly description: string;
  readonly amountMinor: number;
  readonly file: string;
  readonly sourceFileId: number;
  readonly row: number;
}

/** One loaded shipment (what the weight and address rules need). */
export interface ShipmentFact {
  readonly id: number;
  readonly invoiceId: number;
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly shipDate: string | null;
  /** The weight the shipper declared (today's `entered_weight`). */
  readonly declaredWeight: number | null;
  readonly billedWeight: number | null;
  /**
   * `audited` when the carrier re-weighed or re-measured the shipment (shipments.weight_source):
   * its billed weight is then the carrier's own measurement, not the shipper's declaration.
   */
  readonly weightSource: string | null;
  readonly weightUnit: string | null;
  readonly length: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly dimensionUnit: string | null;
  readonly receiverPostcode: string | null;
  readonly receiverCountry: string | null;
  /** The receiver's company name, when the carrier's file gives one (shipments.receiver_company: UPS col 76), else null. */
  readonly receiverCompany: string | null;
}

export interface AuditFacts {
  readonly charges: readonly ChargeFact[];
  readonly shipments: readonly ShipmentFact[];
}

export type Severity = 'high' | 'medium' | 'info';

/** A finding as a rule returns it; `evidence` is never empty. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly heuristic: boolean;
  /** The line the finding is about (its invoice, tracking number, currency). */
  readonly subject: ChargeFact;
  /** Money at stake in the subject's currency, minor units, ≥ 0. */
  readonly amountMinor: number;
  readonly explanation: string;
  readonly evidence: readonly ChargeFact[];
}

/** `rule` + the ascending charge ids of the evidence: what makes a finding unique. */
export function findingKey(f: Finding): string {
  return `${f.rule}:${chargeIds(f).join(',')}`;
}

export function chargeIds(f: Finding): number[] {
  return [...new Set(f.evidence.map((c) => c.id))].sort((a, b) => a - b);
}

/** Earlier first: invoice date, then invoice id, then line id. */
export function byBilling(a: ChargeFact, b: ChargeFact): number {
  return a.invoiceDate < b.invoiceDate ? -1 : a.invoiceDate > b.invoiceDate ? 1 : a.invoiceId - b.invoiceId || a.id - b.id;
}

/** Groups `items` by `key`, keeping first-seen order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** Where a line comes from, for explanations: `file row N`. */
export function lineRef(c: ChargeFact): string {
  return `${c.file} row ${c.row}`;
}
