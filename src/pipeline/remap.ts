/**
 * `etl remap`: re-classifies loaded charge lines from what was stored at load (the description
 * as billed, the carrier's own code and class) with the current charge maps and overrides, by the
 * same classifier ingest uses. Only `charges.charge_code` changes: amounts, lineage
 * (source_file_id, source_row), shipment and invoice totals stay as they are (no stored total
 * depends on the code; the views group by it live). One transaction per invoice; idempotent.
 */
import { sql } from 'kysely';
import type { CarrierAdapter } from '../carrier-kit/contract.js';
import type { Db } from '../db/connect.js';
import type { ChargeCode } from '../model/charge-codes.js';
import { createChargeClassifier } from './clean.js';
import { overridesFor, type ChargeOverride } from './overrides.js';

export interface RemapChange {
  readonly carrier: string;
  readonly oldCode: string;
  readonly newCode: string;
  readonly lines: number;
  readonly invoices: number;
}

export interface RemapResult {
  readonly invoices: number;
  readonly lines: number;
  /** Per carrier and old → new code, sorted. */
  readonly changes: readonly RemapChange[];
}

/** One distinct way a charge line was stored. */
export interface StoredCharge {
  readonly chargeCode: string;
  readonly description: string;
  /** NULL = loaded before the carrier's code and class were stored (migration 0004). */
  readonly carrierCode: string | null;
  readonly carrierClass: string | null;
  /** The line is on no shipment (its class alone never makes it freight). Default false. */
  readonly invoiceLevel?: boolean;
}

/**
 * The code a stored line gets now. Lines loaded before migration 0004 have no stored carrier code
 * or class, so only their description can be re-read: when it matches nothing, the code they got
 * at load (possibly from the code or class) is kept rather than wrongly turned `unmapped`.
 */
export function recode(classify: (description: string, code: string, cls: string, invoiceLevel?: boolean) => ChargeCode | null, c: StoredCharge): string {
  const invoiceLevel = c.invoiceLevel ?? false;
  if (c.carrierCode === null && c.carrierClass === null) return classify(c.description, '', '', invoiceLevel) ?? c.chargeCode;
  return classify(c.description, c.carrierCode ?? '', c.carrierClass ?? '', invoiceLevel) ?? 'unmapped';
}

const ID_CHUNK = 500;

export async function remapCharges(
  db: Db,
  adapters: readonly CarrierAdapter[],
  overrides: readonly ChargeOverride[],
  opts: { readonly dryRun: boolean; readonly runId: number | null },
): Promise<RemapResult> {
  const k = db.db;
  const counts = new Map<string, { change: Omit<RemapChange, 'lines' | 'invoices'>; lines: number; invoices: Set<number> }>();
  const touched = new Set<number>();
  for (const adapter of adapters) {
    const classify = createChargeClassifier(adapter.charges, overridesFor(overrides, adapter.id));
    const combos = await k
      .selectFrom('charges as c')
      .innerJoin('invoices as i', 'i.id', 'c.invoice_id')
      .select(['c.charge_code', 'c.charge_description', 'c.carrier_charge_code', 'c.carrier_charge_class'])
      .select(sql<number>`CASE WHEN c.tracking_number IS NULL THEN 1 ELSE 0 END`.as('invoice_level'))
      .where('i.carrier', '=', adapter.id)
      .groupBy(['c.charge_code', 'c.charge_description', 'c.carrier_charge_code', 'c.carrier_charge_class', sql`CASE WHEN c.tracking_number IS NULL THEN 1 ELSE 0 END`])
      .execute();
    // invoice id → new code → old code → charge ids
    const plan = new Map<number, Map<string, { old: string; ids: number[] }>>();
    for (const combo of combos) {
      const invoiceLevel = Number(combo.invoice_level) === 1;
      const stored: StoredCharge = { chargeCode: combo.charge_code, description: combo.charge_description, carrierCode: combo.carrier_charge_code, carrierClass: combo.carrier_charge_class, invoiceLevel };
      const next = recode(classify, stored);
      if (next === stored.chargeCode) continue;
      const rows = await k
        .selectFrom('charges as c')
        .innerJoin('invoices as i', 'i.id', 'c.invoice_id')
        .select(['c.id', 'c.invoice_id'])
        .where('i.carrier', '=', adapter.id)
        .where('c.charge_code', '=', stored.chargeCode)
        .where('c.charge_description', '=', stored.description)
        .where('c.carrier_charge_code', stored.carrierCode === null ? 'is' : '=', stored.carrierCode)
        .where('c.carrier_charge_class', stored.carrierClass === null ? 'is' : '=', stored.carrierClass)
        .where('c.tracking_number', invoiceLevel ? 'is' : 'is not', null)
        .orderBy('c.id')
        .execute();
      const key = `${adapter.id}\u0000${stored.chargeCode}\u0000${next}`;
      const acc = counts.get(key) ?? { change: { carrier: adapter.id, oldCode: stored.chargeCode, newCode: next }, lines: 0, invoices: new Set<number>() };
      counts.set(key, acc);
      for (const r of rows) {
        const invoiceId = Number(r.invoice_id);
        let byCode = plan.get(invoiceId);
        if (byCode === undefined) plan.set(invoiceId, (byCode = new Map()));
        const slot = `${next}\u0000${stored.chargeCode}`;
        let entry = byCode.get(slot);
        if (entry === undefined) byCode.set(slot, (entry = { old: stored.chargeCode, ids: [] }));
        entry.ids.push(Number(r.id));
        acc.lines++;
        acc.invoices.add(invoiceId);
        touched.add(invoiceId);
      }
    }
    if (opts.dryRun) continue;
    for (const [invoiceId, byCode] of [...plan].sort((a, b) => a[0] - b[0])) {
      await k.transaction().execute(async (trx) => {
        for (const [slot, { old, ids }] of byCode) {
          const next = slot.slice(0, slot.indexOf('\u0000'));
          for (let i = 0; i < ids.length; i += ID_CHUNK) {
            // `charge_code = old` guards against a concurrent change: then the line is left alone
            await trx
              .updateTable('charges')
              .set({ charge_code: next })
              .where('invoice_id', '=', invoiceId)
              .where('charge_code', '=', old)
              .where('id', 'in', ids.slice(i, i + ID_CHUNK))
              .execute();
          }
        }
      });
    }
  }
  const changes = [...counts.values()]
    .map((c) => ({ ...c.change, lines: c.lines, invoices: c.invoices.size }))
    .sort((a, b) => (a.carrier < b.carrier ? -1 : a.carrier > b.carrier ? 1 : b.lines - a.lines || (a.oldCode < b.oldCode ? -1 : a.oldCode > b.oldCode ? 1 : a.newCode < b.newCode ? -1 : 1)));
  if (!opts.dryRun && opts.runId !== null && changes.length > 0) {
    const runId = opts.runId;
    await k
      .insertInto('charge_remaps')
      .values(changes.map((c) => ({ run_id: runId, carrier: c.carrier, old_code: c.oldCode, new_code: c.newCode, charge_lines: c.lines, invoices: c.invoices })))
      .execute();
  }
  return { invoices: touched.size, lines: changes.reduce((s, c) => s + c.lines, 0), changes };
}
