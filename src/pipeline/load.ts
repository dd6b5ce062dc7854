/**
 * load: writes one file inside one transaction (the caller owns it). Charges stream in batches;
 * shipments (whose ids were handed out as their first charge was written) and invoice totals are
 * written when the file is complete. Re-loading an invoice that an earlier file loaded replaces it.
 * The aggregates it gets are pure (pipeline/pivot.ts): database ids, and whether a shipment
 * continues one written earlier in the file, are the loader's own state.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { bulkInserter, type BulkInserter, type Row } from '../db/bulk-insert.js';
import type { Db } from '../db/connect.js';
import type { IdAllocator } from '../db/dialect/index.js';
import { lockInvoice } from '../db/lock.js';
import type { Database } from '../db/schema.js';
import { issue, type Issue } from '../model/issue.js';
import { MAX_SAFE_MINOR } from '../model/money.js';
import { printable } from '../parsing/text.js';
import type { LoadBatch, LoadCharge as PendingCharge, OpenedShipment } from './flow.js';
import type { InvoiceAggregate, ShipmentAggregate } from './pivot.js';
import { KeyFilter } from './key-filter.js';
import type { Reconciliation } from './validate.js';

/** Rows per multi-row INSERT of issues. */
const ISSUE_BATCH = 500;

const CHARGE_COLUMNS = [
  'invoice_id', 'shipment_id', 'tracking_number', 'charge_code', 'charge_description', 'amount_minor', 'incentive_minor',
  'currency', 'source_file_id', 'source_row', 'carrier_charge_code', 'carrier_charge_class', 'adjustment_kind',
] as const;

const SHIPMENT_COLUMNS = [
  'id', 'invoice_id', 'tracking_number', 'lead_tracking_number', 'service', 'ship_date', 'zone', 'package_count',
  'entered_weight', 'billed_weight', 'weight_unit', 'length', 'width', 'height', 'dimension_unit', 'volumetric_weight',
  'sender_postcode', 'sender_country', 'receiver_postcode', 'receiver_country', 'net_total_minor',
  'declared_weight', 'declared_length', 'declared_width', 'declared_height', 'weight_source', 'receiver_company',
] as const;

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
  /** What decided this attempt's fate (pipeline/fate.ts). */
  readonly fateKey?: string | null;
  /**
   * The quarantined row this attempt retries. Its row is reused (sha256 is unique, and one row
   * per content keeps the status counts true): updated, its old issues replaced, attempts + 1.
   */
  readonly replaces?: number | null;
}

export async function insertSourceFile(db: Kysely<Database>, f: SourceFileRow): Promise<number> {
  const values = {
    carrier: f.carrier,
    account_number: f.accountNumber,
    original_name: printable(f.originalName),
    sha256: f.sha256,
    bytes: f.bytes,
    kind: f.kind,
    encoding: f.encoding,
    stored_path: f.storedPath,
    status: f.status,
    message: f.message === null ? null : printable(f.message),
    landed_at: new Date().toISOString(),
    run_id: f.runId,
    fate_key: f.fateKey ?? null,
  };
  if (f.replaces != null) {
    await db.deleteFrom('data_issues').where('source_file_id', '=', f.replaces).execute();
    await db
      .updateTable('source_files')
      .set({ ...values, attempts: sql<number>`attempts + 1` })
      .where('id', '=', f.replaces)
      .execute();
    return f.replaces;
  }
  const row = await db.insertInto('source_files').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function insertIssues(db: Kysely<Database>, sourceFileId: number | null, runId: number | null, issues: readonly Issue[]): Promise<void> {
  for (let i = 0; i < issues.length; i += ISSUE_BATCH) {
    await db
      .insertInto('data_issues')
      .values(
        issues.slice(i, i + ISSUE_BATCH).map((x) => ({
          source_file_id: sourceFileId,
          // messages quote file values and names: shown escaped, so a NUL cannot fail the insert
          file_name: printable(x.at.file),
          source_row: x.at.row ?? null,
          source_column: x.at.column === undefined ? null : printable(x.at.column),
          severity: x.severity,
          code: x.code,
          message: printable(x.message),
          run_id: runId,
        })),
      )
      .execute();
  }
}

/** The loader's view of an open shipment: its row id once numbered, and whether that row exists. */
interface ShipmentSlot {
  /** null until its first charge is written (or it is written itself). */
  id: number | null;
  /** The shipment was written earlier in this file (spilled): its row is added to, not inserted. */
  readonly continuation: boolean;
}

/** Writes one file's invoices, shipments and charges. Lives for one transaction. */
export class FileLoader {
  private readonly invoiceIds = new Map<string, number>();
  /** Open shipments by invoice key, then tracking number (what charges point at). */
  private readonly open = new Map<string, Map<string, ShipmentSlot>>();
  /** Distinct shipments written per invoice key (a continuation does not count again). */
  private readonly shipmentCounts = new Map<string, number>();
  private readonly replacedFiles = new Set<number>();
  readonly notes: Issue[] = [];

  private readonly charges: BulkInserter;
  private readonly shipments: BulkInserter;
  /** Shipment ids handed out but not used yet (ids are ours, so charges can point at shipments
   * that are written when the file is complete; the foreign key is checked at commit). */
  private freeIds: number[] = [];

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly db: Pick<Db, 'adapter' | 'sqlite' | 'pgClientOf'>,
    private readonly carrier: string,
    private readonly file: string,
    private readonly sourceFileId: number,
    /** The run loading this file (versions of an invoice from the same run cannot be ordered by landing). */
    private readonly runId: number | null = null,
  ) {
    // charges are read back by nothing in this transaction before finish() flushes them;
    // shipments are flushed before they are looked up or updated (see shipmentsWritten)
    this.charges = bulkInserter(db, trx, 'charges', CHARGE_COLUMNS, { deferred: true });
    this.shipments = bulkInserter(db, trx, 'shipments', SHIPMENT_COLUMNS, { deferred: true });
    this.ids = db.adapter.idAllocator(trx, 'shipments');
  }

  /**
   * Writes what one parse batch produced, in the order the rows need: new invoices (their
   * charges need the ids), shipments opened in the batch looked up, the charges, then the
   * shipments spilled. Returns the number of charges written.
   */
  async loadBatch(b: LoadBatch): Promise<number> {
    for (const inv of b.newInvoices) await this.addInvoice(inv);
    await this.resolveShipments(b.opened);
    const n = await this.addCharges(b.charges);
    if (b.spilled.length > 0) await this.writeShipments(b.spilled);
    return n;
  }

  /**
   * Inserts an invoice as soon as it is first seen (its charges need the id). When another file
   * already loaded the same carrier, account and number, the newer version wins, decided by what
   * the files say and never by file names or command-line order (docs/schema.md, "Versions of
   * an invoice"): the later issue date; on the same date, the file landed in a later run. Two
   * versions with the same date from the same run cannot be ordered: the loaded one stays and
   * this one is reported (invoice_conflict). A version that loses is not loaded (see skipped).
   */
  async addInvoice(inv: InvoiceAggregate): Promise<void> {
    const h = inv.header;
    await lockInvoice(this.trx, this.db.adapter.dialect, this.carrier, h.accountNumber, h.invoiceNumber);
    const existing = await this.trx
      .selectFrom('invoices')
      .innerJoin('source_files', 'source_files.id', 'invoices.source_file_id')
      .select(['invoices.id', 'invoices.source_file_id', 'invoices.invoice_date', 'source_files.original_name', 'source_files.run_id'])
      .where('invoices.carrier', '=', this.carrier)
      .where('invoices.account_number', '=', h.accountNumber)
      .where('invoices.invoice_number', '=', h.invoiceNumber)
      .executeTakeFirst();
    if (existing !== undefined && h.invoiceDate < existing.invoice_date) {
      this.skip(inv, 'invoice_outdated', `invoice ${h.invoiceNumber} dated ${h.invoiceDate} is older than the version dated ${existing.invoice_date} already loaded from ${existing.original_name}; this version was not loaded (the later issue date wins)`);
      return;
    }
    if (existing !== undefined && h.invoiceDate === existing.invoice_date && this.runId !== null && existing.run_id === this.runId) {
      this.skip(inv, 'invoice_conflict', `invoice ${h.invoiceNumber} is also in ${existing.original_name}, loaded earlier in this run with the same issue date ${h.invoiceDate}; nothing in the files says which version is newer, so the loaded one was kept and this one was not loaded`);
      return;
    }
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

  /** Invoices of this file that were not loaded because another version wins. */
  private readonly skippedKeys = new Set<string>();
  /** Skipped because a version with the same date from the same run was already loaded. */
  conflicts = 0;

  private skip(inv: InvoiceAggregate, code: 'invoice_outdated' | 'invoice_conflict', message: string): void {
    this.skippedKeys.add(inv.key);
    if (code === 'invoice_conflict') this.conflicts++;
    this.notes.push(issue('warning', code, { file: this.file, row: inv.firstRow }, message));
  }

  /** The invoice `key` of this file is not loaded (an other version wins). */
  skipped(key: string): boolean {
    return this.skippedKeys.has(key);
  }

  /**
   * Looks newly opened shipments up in the database: one that was written earlier in this file
   * (spilled, then its rows came back) continues that row. Nothing else in this transaction can
   * have written shipments of this file's invoices, so only spilled ones are found; and only
   * those the filter of written shipments may know are looked up (most batches: none, so the
   * loader does not wait for the COPY in flight).
   */
  async resolveShipments(all: readonly OpenedShipment[]): Promise<void> {
    const aggs = this.skippedKeys.size === 0 ? all : all.filter((a) => !this.skippedKeys.has(a.invoiceKey));
    const byInvoice = new Map<number, OpenedShipment[]>();
    for (const a of aggs) {
      if (!this.writtenKeys.mightHave(writtenKey(a))) {
        this.opened(a, null);
        continue;
      }
      const id = this.invoiceId(a.invoiceKey);
      const list = byInvoice.get(id);
      if (list === undefined) byInvoice.set(id, [a]);
      else list.push(a);
    }
    if (byInvoice.size > 0) await this.shipmentsWritten();
    for (const [invoiceId, list] of byInvoice) {
      for (let i = 0; i < list.length; i += 500) {
        const part = list.slice(i, i + 500);
        const found = await this.trx
          .selectFrom('shipments')
          .select(['id', 'tracking_number'])
          .where('invoice_id', '=', invoiceId)
          .where('tracking_number', 'in', part.map((a) => a.facts.trackingNumber))
          .execute();
        const ids = new Map(found.map((f) => [f.tracking_number, f.id]));
        for (const a of part) this.opened(a, ids.get(a.facts.trackingNumber) ?? null);
      }
    }
  }

  /** Records an opened shipment: `writtenId` is its row when it continues one written earlier. */
  private opened(a: OpenedShipment, writtenId: number | null): void {
    let byTracking = this.open.get(a.invoiceKey);
    if (byTracking === undefined) this.open.set(a.invoiceKey, (byTracking = new Map()));
    byTracking.set(a.facts.trackingNumber, { id: writtenId, continuation: writtenId !== null });
    if (writtenId === null) this.shipmentCounts.set(a.invoiceKey, (this.shipmentCounts.get(a.invoiceKey) ?? 0) + 1);
  }

  /** Writes charges; the open shipments they belong to get their ids now (see freeIds). */
  async addCharges(all: readonly PendingCharge[]): Promise<number> {
    const charges = this.skippedKeys.size === 0 ? all : all.filter((c) => !this.skippedKeys.has(c.invoiceKey));
    if (charges.length === 0) return 0;
    let needed = 0;
    for (const c of charges) {
      if (c.trackingNumber === null) continue;
      const ship = this.open.get(c.invoiceKey)?.get(c.trackingNumber);
      if (ship !== undefined && ship.id === null) {
        ship.id = -1; // claimed; numbered below
        needed++;
      }
    }
    if (needed > 0) await this.reserveShipmentIds(needed);
    const rows: Row[] = new Array(charges.length);
    for (let j = 0; j < charges.length; j++) {
      const c = charges[j] as PendingCharge;
      let shipmentId: number | null = null;
      if (c.trackingNumber !== null) {
        const ship = this.open.get(c.invoiceKey)?.get(c.trackingNumber);
        if (ship === undefined) throw new Error(`internal: charge on row ${c.sourceRow} has no open shipment ${c.trackingNumber}`);
        if (ship.id === -1) ship.id = this.freeIds.pop() as number;
        shipmentId = ship.id;
      }
      rows[j] = [this.invoiceId(c.invoiceKey), shipmentId, c.trackingNumber, c.chargeCode, c.chargeDescription, c.amountMinor, c.incentiveMinor, c.currency, this.sourceFileId, c.sourceRow, c.carrierCode, c.carrierClass, c.adjustmentKind];
    }
    await this.charges.insert(rows);
    return charges.length;
  }

  /**
   * Writes shipments taken from the pivot: new ones are inserted; continuations of a shipment
   * written earlier add their counts and fill facts the first part did not have.
   */
  async writeShipments(all: readonly ShipmentAggregate[]): Promise<void> {
    const aggs = this.skippedKeys.size === 0 ? all : all.filter((a) => !this.skippedKeys.has(a.invoiceKey));
    const slots = aggs.map((a) => this.close(a));
    const unnumbered = slots.filter((slot) => slot.id === null).length;
    if (unnumbered > 0) await this.reserveShipmentIds(unnumbered);
    const rows: Row[] = [];
    for (let j = 0; j < aggs.length; j++) {
      const agg = aggs[j] as ShipmentAggregate;
      const slot = slots[j] as ShipmentSlot;
      const id = (slot.id ??= this.freeIds.pop() as number);
      const s = agg.facts;
      if (slot.continuation) {
        await this.shipmentsWritten();
        this.continuations++;
        this.continued.set(id, { trackingNumber: s.trackingNumber, currency: agg.currency, row: agg.lastRow });
        await this.trx
          .updateTable('shipments')
          .set((eb) => ({
            package_count: eb('package_count', '+', s.packageCount),
            // better-sqlite3 binds every JS number as a REAL, and INTEGER + REAL is a float add in
            // SQLite (2^53 - 1 + 2 stores 2^53 + 0): a BigInt binds as an INTEGER, so the add is exact
            net_total_minor: sql<number>`net_total_minor + ${this.db.adapter.exactInt(s.netTotalMinor)}`,
            service: eb.fn.coalesce('service', eb.val(s.service)),
            zone: eb.fn.coalesce('zone', eb.val(s.zone)),
            entered_weight: eb.fn.coalesce('entered_weight', eb.val(s.enteredWeight)),
            // an audit in this part replaces what the first part stated (pivot.audit)
            billed_weight: agg.auditedWeight ? eb.val(s.billedWeight) : eb.fn.coalesce('billed_weight', eb.val(s.billedWeight)),
            weight_unit: agg.auditedWeight ? eb.val(s.weightUnit) : eb.fn.coalesce('weight_unit', eb.val(s.weightUnit)),
            weight_source: agg.auditedWeight ? eb.val(s.weightSource) : eb.fn.coalesce('weight_source', eb.val(s.weightSource)),
            length: agg.auditedDimensions ? eb.val(s.length) : eb.fn.coalesce('length', eb.val(s.length)),
            width: agg.auditedDimensions ? eb.val(s.width) : eb.fn.coalesce('width', eb.val(s.width)),
            height: agg.auditedDimensions ? eb.val(s.height) : eb.fn.coalesce('height', eb.val(s.height)),
            dimension_unit: agg.auditedDimensions ? eb.val(s.dimensionUnit) : eb.fn.coalesce('dimension_unit', eb.val(s.dimensionUnit)),
            volumetric_weight: eb.fn.coalesce('volumetric_weight', eb.val(s.volumetricWeight)),
            declared_weight: eb.fn.coalesce('declared_weight', eb.val(s.declaredWeight)),
            declared_length: eb.fn.coalesce('declared_length', eb.val(s.declaredLength)),
            declared_width: eb.fn.coalesce('declared_width', eb.val(s.declaredWidth)),
            declared_height: eb.fn.coalesce('declared_height', eb.val(s.declaredHeight)),
            receiver_company: eb.fn.coalesce('receiver_company', eb.val(s.receiverCompany)),
          }))
          .where('id', '=', id)
          .execute();
        continue;
      }
      this.writtenKeys.add(writtenKey(agg));
      rows.push([
        id, this.invoiceId(agg.invoiceKey), s.trackingNumber, s.leadTrackingNumber, s.service, s.shipDate, s.zone, s.packageCount,
        s.enteredWeight, s.billedWeight, s.weightUnit, s.length, s.width, s.height, s.dimensionUnit, s.volumetricWeight,
        s.senderPostcode, s.senderCountry, s.receiverPostcode, s.receiverCountry, s.netTotalMinor,
        s.declaredWeight, s.declaredLength, s.declaredWidth, s.declaredHeight, s.weightSource, s.receiverCompany,
      ]);
    }
    await this.shipments.insert(rows);
  }

  /** Every shipment handed to the inserter is in the table (before reading or updating one). */
  private async shipmentsWritten(): Promise<void> {
    await this.shipments.flush();
  }

  /** Forgets an open shipment as it is written: its slot (one was opened for every shipment loaded). */
  private close(a: ShipmentAggregate): ShipmentSlot {
    const byTracking = this.open.get(a.invoiceKey);
    const slot = byTracking?.get(a.facts.trackingNumber);
    if (slot === undefined) throw new Error(`internal: shipment ${a.facts.trackingNumber} was written before it was looked up`);
    byTracking?.delete(a.facts.trackingNumber);
    return slot;
  }

  /** Makes `n` shipment ids available (the dialect adapter's id allocation). */
  private async reserveShipmentIds(n: number): Promise<void> {
    if (this.freeIds.length >= n) return;
    // a take waits for the COPY in flight (PostgreSQL): ever larger ones, as many as were taken so far
    const want = Math.max(n - this.freeIds.length, Math.min(Math.max(this.taken, 1000), 65536));
    this.taken += want;
    for (const id of await this.ids.take(want)) this.freeIds.push(id);
    this.freeIds.reverse(); // pop() hands them out in ascending order
  }

  private readonly ids: IdAllocator;
  private taken = 0;
  /** The shipments written by this loader (invoice key and tracking number), as a filter. */
  private readonly writtenKeys = new KeyFilter();
  /** Shipments that came back after being written (for tests and logs). */
  continuations = 0;
  /** Shipments continued by an UPDATE (their total was added in SQL), by id. */
  private readonly continued = new Map<number, { trackingNumber: string; currency: string; row: number }>();

  /**
   * Continued shipments whose total, added up in the database (exact: 64-bit integers), ended
   * beyond ±MAX_SAFE_MINOR. Each part was checked in memory; only their sum is checked here.
   * Call once every shipment is written.
   */
  async unsafeShipmentTotals(): Promise<{ trackingNumber: string; currency: string; row: number; total: bigint }[]> {
    await this.shipmentsWritten();
    const out: { trackingNumber: string; currency: string; row: number; total: bigint }[] = [];
    const ids = [...this.continued.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const found = await this.trx
        .selectFrom('shipments')
        .select(['id', sql<string>`CAST(net_total_minor AS TEXT)`.as('total')])
        .where('id', 'in', ids.slice(i, i + 500))
        .where((eb) => eb.or([eb('net_total_minor', '>', MAX_SAFE_MINOR), eb('net_total_minor', '<', -MAX_SAFE_MINOR)]))
        .execute();
      for (const f of found) {
        const c = this.continued.get(f.id);
        // SQLite turns a sum past 2^63 into a REAL ("9.2e+18"): not exact, but far out of range anyway
        if (c !== undefined) out.push({ ...c, total: /^-?\d+$/.test(f.total) ? BigInt(f.total) : BigInt(Math.trunc(Number(f.total))) });
      }
    }
    return out;
  }

  /** Invoice totals and superseded files, once every shipment and charge is written. */
  async finish(invoices: Iterable<InvoiceAggregate>, reconciliations: ReadonlyMap<string, Reconciliation>): Promise<void> {
    await this.shipmentsWritten();
    await this.charges.flush();
    if (this.db.adapter.loaderChecksShipmentIds) await this.checkShipmentIds();
    for (const inv of invoices) {
      if (this.skippedKeys.has(inv.key)) continue;
      const net = inv.netTotal.safe();
      // validateInvoice quarantines the file before this when the total is out of range
      if (net === null) throw new Error(`internal: invoice ${inv.header.invoiceNumber}'s total ${inv.netTotal.toString()} is out of range`);
      await this.trx
        .updateTable('invoices')
        .set({
          net_total_minor: net,
          reconciled: this.db.adapter.bool(reconciliations.get(inv.key)?.reconciled ?? null),
          shipment_count: this.shipmentCounts.get(inv.key) ?? 0,
          charge_count: inv.chargeCount,
        })
        .where('id', '=', this.invoiceId(inv.key))
        .execute();
    }
    for (const fileId of this.replacedFiles) {
      const left = await this.trx.selectFrom('invoices').select(sql<number>`count(*)`.as('n')).where('source_file_id', '=', fileId).executeTakeFirstOrThrow();
      if (Number(left.n) === 0) await this.trx.updateTable('source_files').set({ status: 'superseded' }).where('id', '=', fileId).execute();
    }
  }

  /**
   * Every charge of this file that points at a shipment points at one that exists, on its own
   * invoice, where `charges.shipment_id` is not a foreign key (PostgreSQL, migration 0012). One
   * set difference per 1,000 invoices (hashed: 0.3-0.9 s for the 500k-charge bench file, against
   * 1.7 s for the anti-join the planner picks on a table not yet analyzed). Throws the error a
   * foreign key would: the file is refused.
   */
  private async checkShipmentIds(): Promise<void> {
    const invoiceIds = [...this.invoiceIds.values()];
    for (let i = 0; i < invoiceIds.length; i += 1000) {
      const part = invoiceIds.slice(i, i + 1000);
      const orphan = await this.trx
        .selectFrom('charges')
        .select('shipment_id')
        .where('invoice_id', 'in', part)
        .where('shipment_id', 'is not', null)
        .except((eb) => eb.selectFrom('shipments').select('id as shipment_id').where('invoice_id', 'in', part))
        .limit(1)
        .executeTakeFirst();
      if (orphan !== undefined) {
        throw new Error(`insert or update on table "charges" violates foreign key constraint "charges_shipment_id_fkey": key (shipment_id)=(${orphan.shipment_id}) is not present in table "shipments" for the charge's invoice`);
      }
    }
  }

  private invoiceId(key: string): number {
    const id = this.invoiceIds.get(key);
    if (id === undefined) throw new Error(`internal: invoice ${key} was not inserted before its charges`);
    return id;
  }
}

/** A shipment's key in the filter of written shipments. */
function writtenKey(a: OpenedShipment): string {
  return `${a.invoiceKey}\u0000${a.facts.trackingNumber}`;
}
