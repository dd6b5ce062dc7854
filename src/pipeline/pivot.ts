/**
 * pivot: clean lines → invoices with their shipments, and the charge lines to load. Pure and
 * streaming: charges pass straight through to the loader; only invoice and shipment aggregates
 * (one small object per shipment) are kept until the end of the file.
 */
import { issue, type IssueSink } from '../model/issue.js';
import type { ChargeRecord, InvoiceHeader, ShipmentFacts } from '../model/records.js';
import { detach } from '../parsing/text.js';
import type { CleanLine, RowShipment } from './clean.js';

export interface InvoiceAggregate {
  readonly key: string;
  readonly header: InvoiceHeader;
  readonly firstRow: number;
  netTotalMinor: number;
  chargeCount: number;
  readonly shipments: Map<string, ShipmentAggregate>;
}

export interface ShipmentAggregate {
  /** Database id, assigned by the loader when the first charge of the shipment is written. */
  id: number | null;
  facts: ShipmentFacts;
  /** Facts were taken from a package row (later package rows do not override them). */
  fromPackageRow: boolean;
  serviceRank: number;
}

export interface PendingCharge extends ChargeRecord {
  readonly invoiceKey: string;
}

/** Invoice identity within a file: account + invoice number. */
export function invoiceKey(h: InvoiceHeader): string {
  return `${h.accountNumber}\u0000${h.invoiceNumber}`;
}

export class Pivot {
  readonly invoices = new Map<string, InvoiceAggregate>();
  /** Invoices first seen since the last `takeNewInvoices()`: the loader inserts them first. */
  private fresh: InvoiceAggregate[] = [];

  constructor(
    private readonly file: string,
    private readonly sink: IssueSink,
  ) {}

  /** Adds a clean line; appends its charges to `out`. */
  add(line: CleanLine, out: PendingCharge[]): void {
    const h = line.invoice;
    const key = invoiceKey(h);
    let inv = this.invoices.get(key);
    if (inv === undefined) {
      const header = { ...h, invoiceNumber: detach(h.invoiceNumber), accountNumber: detach(h.accountNumber) };
      inv = { key: detach(key), header, firstRow: line.row, netTotalMinor: 0, chargeCount: 0, shipments: new Map() };
      this.invoices.set(key, inv);
      this.fresh.push(inv);
    } else {
      this.checkSame(inv, line);
    }
    let ship: ShipmentAggregate | undefined;
    if (line.shipment !== null) ship = this.addShipment(inv, line.shipment);
    for (const c of line.charges) {
      inv.netTotalMinor += c.amountMinor;
      inv.chargeCount++;
      if (ship !== undefined) ship.facts.netTotalMinor += c.amountMinor;
      out.push({ ...c, invoiceKey: key });
    }
  }

  takeNewInvoices(): InvoiceAggregate[] {
    const f = this.fresh;
    this.fresh = [];
    return f;
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
    let agg = inv.shipments.get(s.trackingNumber);
    if (agg === undefined) {
      agg = {
        id: null,
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
        },
        fromPackageRow: false,
        serviceRank: 0,
      };
      inv.shipments.set(agg.facts.trackingNumber, agg);
    }
    const f = agg.facts;
    f.packageCount += s.packageCount;
    if (s.service !== null && s.serviceRank > agg.serviceRank) {
      f.service = detach(s.service);
      agg.serviceRank = s.serviceRank;
    }
    if (s.packageRow && !agg.fromPackageRow) {
      agg.fromPackageRow = true;
      f.enteredWeight = s.enteredWeight;
      f.billedWeight = s.billedWeight;
      f.weightUnit = s.weightUnit;
      f.length = s.length;
      f.width = s.width;
      f.height = s.height;
      f.dimensionUnit = s.dimensionUnit;
      f.volumetricWeight = s.volumetricWeight;
      if (s.zone !== null) f.zone = detach(s.zone);
      if (s.shipDate !== null) f.shipDate = s.shipDate;
    }
    f.leadTrackingNumber ??= maybeDetach(s.leadTrackingNumber);
    f.zone ??= maybeDetach(s.zone);
    return agg;
  }
}

function maybeDetach(s: string | null): string | null {
  return s === null ? null : detach(s);
}
