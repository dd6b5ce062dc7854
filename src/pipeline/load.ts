/**
 * load: writes one file inside one transaction (the caller owns it). Charges stream in batches;
 * shipments and invoice totals are written when the file is complete; then every charge is linked
 * to its shipment with one UPDATE. Re-loading an invoice that an earlier file loaded replaces it.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import { issue, type Issue } from '../model/issue.js';
import type { InvoiceAggregate, PendingCharge } from './pivot.js';
import type { Reconciliation } from './validate.js';

/** Rows per multi-row INSERT: 500 × 10 columns stays far below SQLite's and pg's parameter limits. */
export const CHARGE_BATCH = 500;

export interface SourceFileRow {
  readonly carrier: string;
  readonly accountNumber: string | null;
  readonly originalName: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly kind: string;
  readonly encoding: string | null;
  readonly storedPath: string;
  readonly status: 'loaded' | 'quarantined';
  readonly message: string | null;
  readonly runId: number | null;
}

export function boolFor(dialect: Dialect, v: boolean | null): boolean | number | null {
  if (v === null) return null;
  return dialect === 'postgres' ? v : v ? 1 : 0;
}

export async function insertSourceFile(db: Kysely<Database>, f: SourceFileRow): Promise<number> {
  const row = await db
    .insertInto('source_files')
    .values({
      carrier: f.carrier,
      account_number: f.accountNumber,
      original_name: f.originalName,
      sha256: f.sha256,
      bytes: f.bytes,
      kind: f.kind,
      encoding: f.encoding,
      stored_path: f.storedPath,
      status: f.status,
      message: f.message,
      landed_at: new Date().toISOString(),
      run_id: f.runId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertIssues(db: Kysely<Database>, sourceFileId: number | null, runId: number | null, issues: readonly Issue[]): Promise<void> {
  for (let i = 0; i < issues.length; i += CHARGE_BATCH) {
    await db
      .insertInto('data_issues')
      .values(
        issues.slice(i, i + CHARGE_BATCH).map((x) => ({
          source_file_id: sourceFileId,
          file_name: x.at.file,
          source_row: x.at.row ?? null,
          source_column: x.at.column ?? null,
          severity: x.severity,
          code: x.code,
          message: x.message,
          run_id: runId,
        })),
      )
      .execute();
  }
}

/** Writes one file's invoices, shipments and charges. Lives for one transaction. */
export class FileLoader {
  private readonly invoiceIds = new Map<string, number>();
  private readonly replacedFiles = new Set<number>();
  readonly notes: Issue[] = [];

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: Dialect,
    private readonly carrier: string,
    private readonly file: string,
    private readonly sourceFileId: number,
  ) {}

  /**
   * Inserts an invoice as soon as it is first seen (its charges need the id). An invoice with the
   * same carrier, account and number from another file is replaced: a corrected file wins.
   */
  async addInvoice(inv: InvoiceAggregate): Promise<void> {
    const h = inv.header;
    const existing = await this.trx
      .selectFrom('invoices')
      .innerJoin('source_files', 'source_files.id', 'invoices.source_file_id')
      .select(['invoices.id', 'invoices.source_file_id', 'source_files.original_name'])
      .where('invoices.carrier', '=', this.carrier)
      .where('invoices.account_number', '=', h.accountNumber)
      .where('invoices.invoice_number', '=', h.invoiceNumber)
      .executeTakeFirst();
    if (existing !== undefined) {
      await this.trx.deleteFrom('charges').where('invoice_id', '=', existing.id).execute();
      await this.trx.deleteFrom('shipments').where('invoice_id', '=', existing.id).execute();
      await this.trx.deleteFrom('invoices').where('id', '=', existing.id).execute();
      this.replacedFiles.add(existing.source_file_id);
      this.notes.push(
        issue('warning', 'invoice_replaced', { file: this.file, row: inv.firstRow }, `invoice ${h.invoiceNumber} replaces the version loaded from ${existing.original_name}`),
      );
    }
    const row = await this.trx
      .insertInto('invoices')
      .values({
        carrier: this.carrier,
        account_number: h.accountNumber,
        invoice_number: h.invoiceNumber,
        invoice_date: h.invoiceDate,
        currency: h.currency,
        stated_total_minor: h.statedTotalMinor,
        net_total_minor: 0,
        reconciled: null,
        shipment_count: 0,
        charge_count: 0,
        source_file_id: this.sourceFileId,
        source_row: inv.firstRow,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    this.invoiceIds.set(inv.key, row.id);
  }

  async addCharges(charges: readonly PendingCharge[]): Promise<void> {
    for (let i = 0; i < charges.length; i += CHARGE_BATCH) {
      const values = [];
      const end = Math.min(charges.length, i + CHARGE_BATCH);
      for (let j = i; j < end; j++) {
        const c = charges[j] as PendingCharge;
        values.push({
          invoice_id: this.invoiceId(c.invoiceKey),
          tracking_number: c.trackingNumber,
          charge_code: c.chargeCode,
          charge_description: c.chargeDescription,
          amount_minor: c.amountMinor,
          incentive_minor: c.incentiveMinor,
          currency: c.currency,
          source_file_id: this.sourceFileId,
          source_row: c.sourceRow,
        });
      }
      await this.trx.insertInto('charges').values(values).execute();
    }
  }

  /** Shipments, invoice totals, the charge → shipment links, and superseded files. */
  async finish(invoices: Iterable<InvoiceAggregate>, reconciliations: ReadonlyMap<string, Reconciliation>): Promise<void> {
    for (const inv of invoices) {
      const invoiceId = this.invoiceId(inv.key);
      const ships = [...inv.shipments.values()];
      for (let i = 0; i < ships.length; i += CHARGE_BATCH) {
        await this.trx
          .insertInto('shipments')
          .values(
            ships.slice(i, i + CHARGE_BATCH).map(({ facts: s }) => ({
              invoice_id: invoiceId,
              tracking_number: s.trackingNumber,
              lead_tracking_number: s.leadTrackingNumber,
              service: s.service,
              ship_date: s.shipDate,
              zone: s.zone,
              package_count: s.packageCount,
              entered_weight: s.enteredWeight,
              billed_weight: s.billedWeight,
              weight_unit: s.weightUnit,
              length: s.length,
              width: s.width,
              height: s.height,
              dimension_unit: s.dimensionUnit,
              volumetric_weight: s.volumetricWeight,
              sender_postcode: s.senderPostcode,
              sender_country: s.senderCountry,
              receiver_postcode: s.receiverPostcode,
              receiver_country: s.receiverCountry,
              net_total_minor: s.netTotalMinor,
            })),
          )
          .execute();
      }
      await this.trx
        .updateTable('invoices')
        .set({
          net_total_minor: inv.netTotalMinor,
          reconciled: boolFor(this.dialect, reconciliations.get(inv.key)?.reconciled ?? null),
          shipment_count: inv.shipments.size,
          charge_count: inv.chargeCount,
        })
        .where('id', '=', invoiceId)
        .execute();
    }
    // One statement links every charge of this file to its shipment (same invoice, same number).
    await sql`
      UPDATE charges SET shipment_id = (
        SELECT s.id FROM shipments s
        WHERE s.invoice_id = charges.invoice_id AND s.tracking_number = charges.tracking_number
      )
      WHERE source_file_id = ${this.sourceFileId} AND tracking_number IS NOT NULL`.execute(this.trx);
    for (const fileId of this.replacedFiles) {
      const left = await this.trx.selectFrom('invoices').select(sql<number>`count(*)`.as('n')).where('source_file_id', '=', fileId).executeTakeFirstOrThrow();
      if (Number(left.n) === 0) await this.trx.updateTable('source_files').set({ status: 'superseded' }).where('id', '=', fileId).execute();
    }
  }

  private invoiceId(key: string): number {
    const id = this.invoiceIds.get(key);
    if (id === undefined) throw new Error(`internal: invoice ${key} was not inserted before its charges`);
    return id;
  }
}
