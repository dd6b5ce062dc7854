/**
 * validate: zod on every record the loader will write, and reconciliation of each invoice to the
 * total it states. Pure. A record that fails its schema is an error (the file is quarantined);
 * a total that does not reconcile is an error issue too, but the invoice still loads, flagged
 * `reconciled = false`, so analysts can see it.
 */
import type { z } from 'zod';
import { issue, type Issue, type IssueSink } from '../model/issue.js';
import { formatMinor, MAX_SAFE_MINOR, type MinorTotal } from '../model/money.js';
import type { CleanCharge as PendingCharge, CleanControlTotal } from '../model/lines.js';
import { chargeSchema, invoiceHeaderSchema, shipmentFactsSchema } from '../model/records.js';
import type { InvoiceAggregate, ShipmentAggregate } from './pivot.js';

export interface Reconciliation {
  /** null when the file states no total for the invoice. */
  readonly reconciled: boolean | null;
  /** Exact; null when there is no stated total or the charges' sum is out of range. */
  readonly differenceMinor: bigint | null;
}

function schemaIssue(file: string, row: number | undefined, what: string, error: z.ZodError): Issue {
  const first = error.issues[0];
  const path = first?.path.join('.') ?? '';
  return issue('error', 'wrong_format', row === undefined ? { file } : { file, row }, `${what} ${path}: ${first?.message ?? 'invalid'}`);
}

/** Checks one charge record; pushes an issue and returns false when it is invalid. */
export function validateCharge(file: string, c: PendingCharge, sink: IssueSink): boolean {
  const r = chargeSchema.safeParse(c);
  if (r.success) return true;
  sink.push(schemaIssue(file, c.sourceRow, 'charge', r.error));
  return false;
}

/**
 * A total beyond ±MAX_SAFE_MINOR: an error (the file is quarantined) naming the row whose amount
 * took the sum out of range (else `fallbackRow`). Such a total is exact here (BigInt) but cannot
 * be stored so that every reader gets it exactly (see MAX_SAFE_MINOR).
 */
export function totalOutOfRange(file: string, what: string, total: MinorTotal | bigint, currency: string, fallbackRow: number | undefined): Issue {
  const leftAt = typeof total === 'bigint' ? null : total.leftAt;
  const exact = typeof total === 'bigint' ? total : total.exact();
  const at = leftAt ?? (fallbackRow === undefined ? {} : { row: fallbackRow });
  const limit = formatMinor(MAX_SAFE_MINOR, currency);
  return issue(
    'error',
    'bad_amount',
    { file, ...at },
    `${what}: its charges sum to ${formatMinor(exact, currency)} ${currency}, beyond ±${limit}, the largest total that is stored and read back exactly${leftAt === null ? '' : '; this amount took the sum out of that range'}`,
  );
}

/**
 * Checks a shipment before it is written (its exact total included); pushes an issue and
 * returns false when invalid.
 */
export function validateShipment(file: string, s: ShipmentAggregate, sink: IssueSink): boolean {
  const net = s.netTotal.safe();
  if (net === null) {
    sink.push(totalOutOfRange(file, `shipment ${s.facts.trackingNumber}`, s.netTotal, s.currency, s.lastRow));
    return false;
  }
  s.facts.netTotalMinor = net;
  const r = shipmentFactsSchema.safeParse(s.facts);
  if (r.success) return true;
  sink.push(schemaIssue(file, undefined, `shipment ${s.facts.trackingNumber}`, r.error));
  return false;
}

/** Validates an invoice header and reconciles it to its stated total. */
export function validateInvoice(file: string, inv: InvoiceAggregate, sink: IssueSink): Reconciliation {
  const h = invoiceHeaderSchema.safeParse(inv.header);
  if (!h.success) sink.push(schemaIssue(file, inv.firstRow, `invoice ${inv.header.invoiceNumber}`, h.error));
  const cur = inv.header.currency;
  const stated = inv.header.statedTotalMinor;
  if (inv.netTotal.safe() === null) {
    sink.push(totalOutOfRange(file, `invoice ${inv.header.invoiceNumber}`, inv.netTotal, cur, inv.firstRow));
    return { reconciled: stated === null ? null : false, differenceMinor: null };
  }
  if (stated === null) return { reconciled: null, differenceMinor: null };
  // compared exactly (both sides are safe integers here, but the difference need not be)
  const net = inv.netTotal.exact();
  const diff = net - BigInt(stated);
  if (diff !== 0n) {
    sink.push(
      issue(
        'error',
        'total_mismatch',
        { file, row: inv.firstRow },
        `invoice ${inv.header.invoiceNumber} does not reconcile: its charges sum to ${formatMinor(net, cur)} ${cur} but the invoice states ${formatMinor(stated, cur)} ${cur} (difference ${formatMinor(diff, cur)})`,
      ),
    );
  }
  return { reconciled: diff === 0n, differenceMinor: diff };
}

/**
 * Checks a file-level control total (e.g. SAP BEx's `Overall Result`, made exact by clean's
 * cleanControlTotal) against the sum of every charge in the file. A mismatch is a
 * `total_mismatch` error: the file still loads (its invoices state no total of their own) and
 * the run exits 1. Returns whether it matched.
 */
export function validateControlTotal(file: string, total: CleanControlTotal, invoices: Iterable<InvoiceAggregate>, sink: IssueSink): boolean {
  // exact: a file's charges may sum beyond 2^53 even when every invoice total is safe
  let sum = 0n;
  const currencies = new Set<string>();
  for (const inv of invoices) {
    sum += inv.netTotal.exact();
    currencies.add(inv.header.currency);
  }
  const currency = total.currency;
  const at = { file, row: total.row, column: total.column };
  if (currencies.size > 1 || (currencies.size === 1 && !currencies.has(currency))) {
    sink.push(issue('error', 'currency_mismatch', at, `${total.label} is in ${currency} but the invoices are in ${[...currencies].join(', ')}`));
    return false;
  }
  const stated = total.amountMinor;
  if (BigInt(stated) !== sum) {
    sink.push(
      issue('error', 'total_mismatch', at, `the charges of the file sum to ${formatMinor(sum, currency)} ${currency} but its ${total.label} states ${formatMinor(stated, currency)} ${currency} (difference ${formatMinor(sum - BigInt(stated), currency)})`),
    );
    return false;
  }
  return true;
}
