/**
 * In-process ingest helpers for tests (the CLI has its own tests). Legacy spreadsheets come from
 * the suite's one-batch LibreOffice cache (converted.ts), not one soffice start per file.
 */
import { findCarrier } from '../../carriers/index.js';
import type { Db } from '../../src/db/connect.js';
import { ingestFile, type FileResult } from '../../src/pipeline/ingest.js';
import { cachedConverter } from './converted.js';

export async function ingest(db: Db, dataDir: string, files: readonly string[], carrier = 'ups', spillAt?: number): Promise<FileResult[]> {
  const adapter = findCarrier(carrier);
  if (adapter === undefined) throw new Error(`no carrier ${carrier}`);
  const out: FileResult[] = [];
  const converter = cachedConverter();
  for (const f of files) out.push(await ingestFile({ db, dataDir, runId: null, ...(spillAt === undefined ? {} : { spillAt, readChunk: 700 }) }, adapter, f, { converter }));
  return out;
}

/** Every row of every data table, ordered, with ids and timestamps removed: for "nothing changed" checks. */
export async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const k = db.db;
  return {
    source_files: await k.selectFrom('source_files').select(['carrier', 'account_number', 'original_name', 'sha256', 'bytes', 'status']).orderBy('sha256').execute(),
    invoices: await k.selectFrom('invoices').select(['carrier', 'account_number', 'invoice_number', 'invoice_date', 'currency', 'stated_total_minor', 'net_total_minor', 'reconciled', 'shipment_count', 'charge_count']).orderBy('invoice_number').execute(),
    shipments: await k.selectFrom('shipments').selectAll().orderBy('id').execute(),
    charges: await k.selectFrom('charges').selectAll().orderBy('id').execute(),
    data_issues: await k.selectFrom('data_issues').select(['file_name', 'source_row', 'source_column', 'severity', 'code', 'message']).orderBy('id').execute(),
  };
}
