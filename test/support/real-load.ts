/**
 * What a real invoice file loads to, summarised the way `../shared/real-invoices/README.md`
 * states its figures (invoices with stated and summed totals, charge lines per code, shipments,
 * reported issues), so golden tests over the real files compare with the README, not with the
 * ETL's own output.
 */
import type { Db } from '../../src/db/connect.js';
import { ingest } from './ingest.js';

export interface RealLoad {
  readonly status: string;
  /** The run's count of amounts that do not reconcile (invoices, control figures, row totals). */
  readonly unreconciled: number;
  readonly invoices: ReadonlyArray<{
    invoice_number: string;
    account_number: string;
    invoice_date: string;
    currency: string;
    stated_total_minor: number | null;
    net_total_minor: number;
    reconciled: boolean | null;
    shipment_count: number;
    charge_count: number;
  }>;
  /** Charge code → [lines, sum in minor units]. */
  readonly codes: Record<string, readonly [number, number]>;
  readonly shipments: ReadonlyArray<{ tracking_number: string; package_count: number; billed_weight: number | null; weight_unit: string | null; net_total_minor: number }>;
  /** Warnings and errors: [severity, code, row, column]. */
  readonly issues: ReadonlyArray<readonly [string, string, number | null, string | null]>;
}

/** Loads `file` as `carrier`'s through the real pipeline and summarises what was written. */
export async function loadReal(db: Db, dataDir: string, file: string, carrier: string): Promise<RealLoad & { messages: string[] }> {
  const [r] = await ingest(db, dataDir, [file], carrier);
  if (r === undefined || r.sourceFileId === null) throw new Error(`${file}: nothing loaded (${r?.message ?? 'no result'})`);
  const k = db.db;
  const id = r.sourceFileId;
  const invoices = await k.selectFrom('invoices').selectAll().where('source_file_id', '=', id).orderBy('invoice_number').execute();
  const charges = await k.selectFrom('charges').select(['charge_code', 'amount_minor']).where('source_file_id', '=', id).execute();
  const codes: Record<string, [number, number]> = {};
  for (const c of charges) {
    const [n, sum] = codes[c.charge_code] ?? [0, 0];
    codes[c.charge_code] = [n + 1, sum + Number(c.amount_minor)];
  }
  const ids = invoices.map((i) => i.id);
  const shipments = ids.length === 0 ? [] : await k.selectFrom('shipments').selectAll().where('invoice_id', 'in', ids).orderBy('tracking_number').execute();
  const issues = await k.selectFrom('data_issues').selectAll().where('source_file_id', '=', id).where('severity', '!=', 'info').orderBy('id').execute();
  return {
    status: r.status,
    unreconciled: r.unreconciled,
    invoices: invoices.map((i) => ({
      invoice_number: i.invoice_number,
      account_number: i.account_number,
      invoice_date: String(i.invoice_date).slice(0, 10),
      currency: i.currency,
      stated_total_minor: i.stated_total_minor === null ? null : Number(i.stated_total_minor),
      net_total_minor: Number(i.net_total_minor),
      reconciled: i.reconciled === null ? null : Boolean(i.reconciled),
      shipment_count: Number(i.shipment_count),
      charge_count: Number(i.charge_count),
    })),
    codes,
    shipments: shipments.map((s) => ({
      tracking_number: s.tracking_number,
      package_count: Number(s.package_count),
      billed_weight: s.billed_weight === null ? null : Number(s.billed_weight),
      weight_unit: s.weight_unit,
      net_total_minor: Number(s.net_total_minor),
    })),
    issues: issues.map((i) => [i.severity, i.code, i.source_row, i.source_column] as const),
    messages: issues.map((i) => i.message),
  };
}
