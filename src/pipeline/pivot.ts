/**
 * pivot: clean lines → invoices with their shipments, and the charge lines to load. Pure and
 * streaming, with no database ids: charges pass straight through to the loader. Shipment
 * aggregates stay open while their rows arrive; when too many are open the oldest are handed on
 * ("spilled") and forgotten, so memory does not grow with the file. A shipment whose rows come
 * back after it was spilled opens a new aggregate; the loader, which knows what it wrote, adds
 * it to the written row (a continuation).
 */
import { issue, type IssueSink } from '../model/issue.js';
import { MinorTotal } from '../model/money.js';
import type { ChargeRecord, InvoiceHeader, ShipmentFacts } from '../model/records.js';
import { detach } from '../parsing/text.js';
import type { CleanLine, RowShipment } from '../model/lines.js';

export { invoiceKey } from '../model/lines.js';

export interface InvoiceAggregate {
  readonly key: string;
  readonly header: InvoiceHeader;
  readonly firstRow: number;
  /** The exact sum of the invoice's charges (validate checks it can be stored). */
  readonly netTotal: MinorTotal;
  chargeCount: number;
  /** Shipments whose rows may still come. */
  readonly open: Map<string, ShipmentAggregate>;
}

export interface ShipmentAggregate {
  readonly invoiceKey: string;
  /** The invoice's currency (for messages about the total). */
  readonly currency: string;
  /**
   * facts.netTotalMinor is set from this exact sum when the shipment is validated (a sum of
   * floats loses cents once a partial sum passes 2^53).
   */
  readonly netTotal: MinorTotal;
  /** The last row that added to this shipment, for messages about its total. */
  lastRow: number;
  facts: ShipmentFacts;
  /** Facts were taken from a package row (later package rows do not override them). */
  fromPackageRow: boolean;
  /** An audited package row gave the billed weight / the dimensions (a declaring row keeps them). */
  auditedWeight: boolean;
  auditedDimensions: boolean;
  serviceRank: number;
}

export class Pivot {
  readonly invoices = new Map<string, InvoiceAggregate>();
  /** Invoices first seen since the last `takeNewInvoices()`: the loader inserts them first. */
  private fresh: InvoiceAggregate[] = [];
  /** Open shipment aggregates over all invoices. */
  openCount = 0;
  /** Shipments opened since the last `takeOpened()`. */
  private opened: ShipmentAggregate[] = [];

  constructor(
    private readonly file: string,
    private readonly sink: IssueSink,
  ) {}

  /** Adds a clean line; appends its charges to `out`. */
  add(line: CleanLine, out: ChargeRecord[]): void {
    const h = line.invoice;
    const key = h.key;
    let inv = this.invoices.get(key);
    if (inv === undefined) {
      const header = { ...h, key: detach(key), invoiceNumber: detach(h.invoiceNumber), accountNumber: detach(h.accountNumber) };
      inv = { key: header.key, header, firstRow: line.row, netTotal: new MinorTotal(), chargeCount: 0, open: new Map() };
      this.invoices.set(key, inv);
      this.fresh.push(inv);
    } else if (inv.header !== h) {
      this.checkSame(inv, line);
    }
    let ship: ShipmentAggregate | undefined;
    if (line.shipment !== null) ship = this.addShipment(inv, line.shipment);
    for (const c of line.charges) {
      inv.netTotal.add(c.amountMinor, c.sourceRow, c.amountColumn);
      inv.chargeCount++;
      if (ship !== undefined) {
        ship.netTotal.add(c.amountMinor, c.sourceRow, c.amountColumn);
        ship.lastRow = c.sourceRow;
      }
      out.push(c);
    }
  }

  takeNewInvoices(): InvoiceAggregate[] {
    const f = this.fresh;
    this.fresh = [];
    return f;
  }

  /** Removes and returns the `n` longest-open shipments (first seen first). */
  takeOldest(n: number): ShipmentAggregate[] {
    const out: ShipmentAggregate[] = [];
    for (const inv of this.invoices.values()) {
      for (const [k, agg] of inv.open) {
        if (out.length >= n) return out;
        inv.open.delete(k);
        this.openCount--;
        out.push(agg);
      }
    }
    return out;
  }

  /** Removes and returns every open shipment. */
  takeAll(): ShipmentAggregate[] {
    return this.takeOldest(this.openCount);
  }

  /** Shipments opened since the last call (the loader looks them up before their charges). */
  takeOpened(): ShipmentAggregate[] {
    const o = this.opened;
    this.opened = [];
    return o;
  }

  /** Every row of an invoice must agree on its date, currency and stated total. */
  private checkSame(inv: InvoiceAggregate, line: CleanLine): void {
    const a = inv.header;
    const b = line.invoice;
    const differs =
      a.invoiceDate !== b.invoiceDate ? ['invoice date', a.invoiceDate, b.invoiceDate] :
      a.currency !== b.currency ? ['currency', a.currency, b.currency] :
      a.statedTotalMinor !== b.statedTotalMinor ? ['stated total', String(a.statedTotalMinor), String(b.statedTotalMinor)] :
      null;
    if (differs !== null) {
      const [what, first, now] = differs;
      this.sink.push(
        issue('error', 'inconsistent_value', { file: this.file, row: line.row }, `invoice ${b.invoiceNumber}: ${what} is ${now} here but ${first} on row ${inv.firstRow}`),
      );
    }
  }

  private addShipment(inv: InvoiceAggregate, s: RowShipment): ShipmentAggregate {
    let agg = inv.open.get(s.trackingNumber);
    if (agg === undefined) {
      agg = {
        invoiceKey: inv.key,
        currency: inv.header.currency,
        netTotal: new MinorTotal(),
        lastRow: 0,
        facts: {
          trackingNumber: detach(s.trackingNumber),
          leadTrackingNumber: maybeDetach(s.leadTrackingNumber),
          service: null,
          shipDate: s.shipDate,
          zone: maybeDetach(s.zone),
          packageCount: 0,
          enteredWeight: null,
          billedWeight: null,
          weightUnit: null,
          length: null,
          width: null,
          height: null,
          dimensionUnit: null,
          volumetricWeight: null,
          senderPostcode: maybeDetach(s.senderPostcode),
          senderCountry: maybeDetach(s.senderCountry),
          receiverPostcode: maybeDetach(s.receiverPostcode),
          receiverCountry: maybeDetach(s.receiverCountry),
          netTotalMinor: 0,
          declaredWeight: null,
          declaredLength: null,
          declaredWidth: null,
          declaredHeight: null,
          weightSource: null,
          receiverCompany: maybeDetach(s.receiverCompany),
        },
        fromPackageRow: false,
        auditedWeight: false,
        auditedDimensions: false,
        serviceRank: 0,
      };
      inv.open.set(agg.facts.trackingNumber, agg);
      this.openCount++;
      this.opened.push(agg);
    }
    const f = agg.facts;
    f.packageCount += s.packageCount;
    if (s.service !== null && s.serviceRank > agg.serviceRank) {
      f.service = detach(s.service);
      agg.serviceRank = s.serviceRank;
    }
    if (s.packageRow && s.audited) {
      this.audit(agg, s);
    } else if (s.packageRow && !agg.fromPackageRow) {
      agg.fromPackageRow = true;
      f.enteredWeight = s.enteredWeight;
      f.declaredWeight = s.billedWeight;
      f.declaredLength = s.length;
      f.declaredWidth = s.width;
      f.declaredHeight = s.height;
      if (!agg.auditedWeight) {
        f.billedWeight = s.billedWeight;
        f.weightUnit = s.weightUnit;
        f.weightSource = s.billedWeight === null ? null : 'declared';
      }
      if (!agg.auditedDimensions) {
        f.length = s.length;
        f.width = s.width;
        f.height = s.height;
        f.dimensionUnit = s.dimensionUnit;
      }
      f.volumetricWeight = s.volumetricWeight;
      if (s.zone !== null) f.zone = detach(s.zone);
      if (s.shipDate !== null) f.shipDate = s.shipDate;
    }
    f.leadTrackingNumber ??= maybeDetach(s.leadTrackingNumber);
    f.zone ??= maybeDetach(s.zone);
    f.senderPostcode ??= maybeDetach(s.senderPostcode);
    f.senderCountry ??= maybeDetach(s.senderCountry);
    f.receiverPostcode ??= maybeDetach(s.receiverPostcode);
    f.receiverCountry ??= maybeDetach(s.receiverCountry);
    f.receiverCompany ??= maybeDetach(s.receiverCompany);
    f.shipDate ??= s.shipDate;
    return agg;
  }

  /**
   * A package row restating what the carrier measured: a billed weight above zero replaces the
   * declared one, stated dimensions replace the declared ones (the declared stay in declared_*).
   * The last audit wins. Before any declaring row, its entered weight is what was billed before
   * (UPS: col 27 of a correction holds the weight billed originally), unless it is zero (none).
   */
  private audit(agg: ShipmentAggregate, s: RowShipment): void {
    const f = agg.facts;
    if (s.billedWeight !== null && s.billedWeight > 0) {
      agg.auditedWeight = true;
      f.billedWeight = s.billedWeight;
      f.weightUnit = s.weightUnit ?? f.weightUnit;
      f.weightSource = 'audited';
    }
    if (s.length !== null) {
      agg.auditedDimensions = true;
      f.length = s.length;
      f.width = s.width;
      f.height = s.height;
      f.dimensionUnit = s.dimensionUnit;
    }
    if (!agg.fromPackageRow && s.enteredWeight !== null && s.enteredWeight > 0) {
      f.enteredWeight ??= s.enteredWeight;
      f.declaredWeight ??= s.enteredWeight;
    }
  }
}

function maybeDetach(s: string | null): string | null {
  return s === null ? null : detach(s);
}
