/**
 * The dashboard's operator parts (issue 11), added to what data.ts collects without changing it:
 * the charge-map overrides in use with the lines they decide, and for each unmapped description
 * the exact `etl charges map` command that fixes it (shell-quoted) and a suggested code.
 */
import { sql } from 'kysely';
import { CARRIERS } from '../../carriers/index.js';
import type { Db } from '../db/connect.js';
import { chargesMapCommand, type ChargeOverride } from '../pipeline/overrides.js';
import { suggestChargeCode, type Suggestion } from '../pipeline/suggest.js';
import type { ReportData, UnmappedRow } from './data.js';

export interface OverrideUsageRow {
  readonly carrier: string;
  readonly match: 'label' | 'code';
  readonly pattern: string;
  readonly charge_code: string;
  readonly source: 'config' | 'database';
  readonly created_by: string | null;
  readonly created_at: string | null;
  /** Loaded lines the override matches that carry its code. */
  readonly lines: number;
}

export interface OperatorReportData extends ReportData {
  readonly unmapped: ReadonlyArray<UnmappedRow & { readonly fix_command: string; readonly suggestion: Suggestion | null }>;
  readonly overrides: readonly OverrideUsageRow[];
}

/** A distinct way lines are stored, with their count. */
export interface StoredGroup {
  readonly carrier: string;
  readonly description: string;
  readonly carrierCode: string | null;
  readonly chargeCode: string;
  readonly lines: number;
}

/** Lines each override matches (label prefix, case-insensitive, or the carrier's code) and that carry its code. Pure. */
export function overrideUsage(overrides: readonly ChargeOverride[], groups: readonly StoredGroup[]): OverrideUsageRow[] {
  return overrides.map((o) => {
    const p = o.pattern.trim().toLowerCase();
    let lines = 0;
    for (const g of groups) {
      if (g.carrier !== o.carrier || g.chargeCode !== o.chargeCode) continue;
      const hit = o.match === 'label' ? g.description.trim().toLowerCase().startsWith(p) : g.carrierCode === o.pattern;
      if (hit) lines += g.lines;
    }
    return { carrier: o.carrier, match: o.match, pattern: o.pattern, charge_code: o.chargeCode, source: o.source, created_by: o.createdBy, created_at: o.createdAt, lines };
  });
}

export async function withOperatorData(db: Db, data: ReportData, overrides: readonly ChargeOverride[]): Promise<OperatorReportData> {
  let groups: StoredGroup[] = [];
  if (overrides.length > 0) {
    const rows = await db.db
      .selectFrom('charges as c')
      .innerJoin('invoices as i', 'i.id', 'c.invoice_id')
      .select(['i.carrier', 'c.charge_description', 'c.carrier_charge_code', 'c.charge_code', sql<number>`count(*)`.as('n')])
      .where('i.carrier', 'in', [...new Set(overrides.map((o) => o.carrier))])
      .groupBy(['i.carrier', 'c.charge_description', 'c.carrier_charge_code', 'c.charge_code'])
      .execute();
    groups = rows.map((r) => ({ carrier: r.carrier, description: r.charge_description, carrierCode: r.carrier_charge_code, chargeCode: r.charge_code, lines: Number(r.n) }));
  }
  const suggestions = new Map<string, Suggestion | null>();
  const unmapped = data.unmapped.map((u) => {
    const key = `${u.carrier}\u0000${u.description}`;
    if (!suggestions.has(key)) suggestions.set(key, suggestChargeCode({ carrier: u.carrier, description: u.description, carrierCode: null, carrierClass: null }, CARRIERS));
    const suggestion = suggestions.get(key) ?? null;
    return { ...u, suggestion, fix_command: chargesMapCommand(u.carrier, u.description, suggestion?.code) };
  });
  return { ...data, unmapped, overrides: overrideUsage(overrides, groups) };
}
