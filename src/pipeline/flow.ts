/**
 * The pure steps of one file, between parse and load: clean → aggregate (pivot) → validate.
 * Each parse batch goes in; what the loader must write comes out (`LoadBatch`), or null once the
 * file has an error (nothing more is written and the transaction will roll back, but the rest of
 * the file is still read and cleaned, so the user sees every problem at once). No database, no
 * file system: the golden tests run these steps alone (test/carriers/golden.test.ts).
 */
import type { CarrierAdapter, CarrierLocale, ControlTotal, ParseBatch } from '../carrier-kit/contract.js';
import { issue, type IssueCode, type IssueSink } from '../model/issue.js';
import type { CleanCharge } from '../model/lines.js';
import { cleanControlTotal, createCleaner, type Cleaner } from './clean.js';
import type { ChargeOverride } from './overrides.js';
import { Pivot, type InvoiceAggregate, type ShipmentAggregate } from './pivot.js';
import { validateCharge, validateControlTotal, validateInvoice, validateShipment, type Reconciliation } from './validate.js';

/** Errors that still load: the invoice is kept, flagged unreconciled. */
const LOADING_ERRORS: readonly IssueCode[] = ['total_mismatch'];

/** What the loader writes of a charge (the column of its amount only serves the pivot's messages). */
export type LoadCharge = Omit<CleanCharge, 'amountColumn'>;

/** What the loader needs of a newly opened shipment: which one it is. */
export interface OpenedShipment {
  readonly invoiceKey: string;
  readonly facts: { readonly trackingNumber: string };
}

/** What one parse batch gives the loader, in the order it must be written. */
export interface LoadBatch {
  /** Invoices first seen in the batch (their charges need their ids). */
  readonly newInvoices: readonly InvoiceAggregate[];
  /** Shipments first seen in the batch (the loader looks up whether they continue a written one). */
  readonly opened: readonly OpenedShipment[];
  /** The batch's charges, validated. */
  readonly charges: readonly LoadCharge[];
  /** Shipments spilled to bound memory (validated): written now, their rows may still come. */
  readonly spilled: readonly ShipmentAggregate[];
}

/** How the file ends: invoices reconciled, the control total checked, whether it may load. */
export interface FileVerdict {
  /** By invoice key. */
  readonly reconciliations: ReadonlyMap<string, Reconciliation>;
  /** false when a file-level control total does not match (or could not be checked). */
  readonly controlOk: boolean;
  /**
   * Totals a row or the file states for part of it (a DHL row's total, Royal Mail's surcharge
   * figure) that did not add up, found while parsing: each counts as one unreconciled amount.
   */
  readonly partialMismatches: number;
  /** An error other than a total mismatch was found: the file is quarantined. */
  readonly quarantine: boolean;
}

export interface FileFlowOptions {
  readonly account?: string | undefined;
  /** The operator's charge-map overrides for this carrier. */
  readonly overrides?: readonly ChargeOverride[];
  /** Open shipments before the oldest are spilled (Infinity: never). */
  readonly spillAt: number;
}

export class FileFlow {
  private readonly pivot: Pivot;
  private clean: Cleaner;
  private locale: CarrierLocale;
  private controlTotal: ControlTotal | undefined;
  private failed = false;

  constructor(
    private readonly adapter: CarrierAdapter,
    private readonly file: string,
    private readonly sink: IssueSink,
    private readonly options: FileFlowOptions,
  ) {
    this.pivot = new Pivot(file, sink);
    this.locale = adapter.locale;
    this.clean = createCleaner(adapter, file, sink, options.account, options.overrides);
  }

  /** Every invoice of the file, by key. */
  get invoices(): ReadonlyMap<string, InvoiceAggregate> {
    return this.pivot.invoices;
  }

  /** Parse issues kept; lines cleaned, aggregated and validated: what to load, or null once failed. */
  take(batch: ParseBatch): LoadBatch | null {
    for (const i of batch.issues) this.sink.push(i);
    if (batch.locale !== undefined) {
      this.locale = { ...this.adapter.locale, ...batch.locale };
      this.clean = createCleaner({ ...this.adapter, locale: this.locale }, this.file, this.sink, this.options.account, this.options.overrides);
    }
    if (batch.controlTotal !== undefined) this.controlTotal = batch.controlTotal;
    const charges: CleanCharge[] = [];
    for (const raw of batch.lines) {
      const line = this.clean(raw);
      if (line !== null && !this.failed) this.pivot.add(line, charges);
    }
    if (!this.failed) for (const c of charges) validateCharge(this.file, c, this.sink);
    // a total that does not add up (a row's own total) is reported, and the file still loads
    if (this.sink.errors > 0 && this.sink.errorsExcept(LOADING_ERRORS).length > 0) this.failed = true;
    if (this.failed) return null;
    const newInvoices = this.pivot.takeNewInvoices();
    const opened = this.pivot.takeOpened();
    const open = this.pivot.openCount;
    const spilled = open > this.options.spillAt ? this.validated(this.pivot.takeOldest(open - Math.floor(this.options.spillAt / 2))) : [];
    // a shipment that fails validation stops the writing: its batch is not loaded either
    if (this.failed) return null;
    return { newInvoices, opened, charges, spilled };
  }

  /** After the last batch: the shipments still open, validated (null once failed). */
  rest(): ShipmentAggregate[] | null {
    if (this.failed) return null;
    const rest = this.validated(this.pivot.takeAll());
    return this.failed ? null : rest;
  }

  /** Reconciles every invoice and the control total; says whether the file may load. */
  verdict(): FileVerdict {
    const partialMismatches = this.sink.list().filter((i) => i.severity === 'error' && i.code === 'total_mismatch').length;
    const reconciliations = new Map<string, Reconciliation>();
    for (const inv of this.pivot.invoices.values()) reconciliations.set(inv.key, validateInvoice(this.file, inv, this.sink));
    let controlOk = true;
    if (this.controlTotal !== undefined) {
      const currency = this.pivot.invoices.values().next().value?.header.currency ?? this.locale.defaultCurrency;
      const total = cleanControlTotal(this.file, this.controlTotal, currency, this.locale, this.sink);
      controlOk = total !== null && validateControlTotal(this.file, total, this.pivot.invoices.values(), this.sink);
    }
    if (this.pivot.invoices.size === 0 && this.sink.errors === 0) {
      this.sink.push(issue('error', 'wrong_format', { file: this.file }, `no invoice rows found in this ${this.adapter.name} file`));
    }
    return { reconciliations, controlOk, partialMismatches, quarantine: this.failed || this.sink.errorsExcept(LOADING_ERRORS).length > 0 };
  }

  private validated(aggs: ShipmentAggregate[]): ShipmentAggregate[] {
    for (const a of aggs) if (!validateShipment(this.file, a, this.sink)) this.failed = true;
    return aggs;
  }
}
