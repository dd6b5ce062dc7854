/**
 * Clean lines: what `clean` makes of one raw line and `pivot` aggregates. Exact values only
 * (integer minor units, ISO dates, canonical codes); no database ids.
 */
import type { ChargeRecord, InvoiceHeader } from './records.js';

/** Shipment facts one row contributes; `pivot` merges the rows of a shipment. */
export interface RowShipment {
  readonly trackingNumber: string;
  readonly leadTrackingNumber: string | null;
  readonly packageRow: boolean;
  /** The package row restates audited weight and dimensions (RawShipment.audited). */
  readonly audited: boolean;
  readonly packageCount: number;
  readonly service: string | null;
  readonly serviceRank: number;
  readonly shipDate: string | null;
  readonly zone: string | null;
  readonly enteredWeight: number | null;
  readonly billedWeight: number | null;
  readonly weightUnit: 'kg' | 'lb' | 'oz' | null;
  readonly length: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly dimensionUnit: 'cm' | 'in' | null;
  readonly volumetricWeight: number | null;
  readonly senderPostcode: string | null;
  readonly senderCountry: string | null;
  readonly receiverPostcode: string | null;
  readonly receiverCountry: string | null;
  /** RawShipment.receiverCompany; null when the file states none. */
  readonly receiverCompany: string | null;
}

/** An invoice header plus its identity within the file (account + number). */
export interface CleanInvoice extends InvoiceHeader {
  readonly key: string;
}

export interface CleanCharge extends ChargeRecord {
  readonly invoiceKey: string;
  /** The column the amount came from, for messages about the sums it goes into. */
  readonly amountColumn?: string;
  /** The carrier's own code and class as billed ('' when none): `etl remap` re-classifies from them. */
  readonly carrierCode: string;
  readonly carrierClass: string;
  /** The kind of adjustment (RawCharge.adjustmentKind); null for an ordinary charge. */
  readonly adjustmentKind: string | null;
}

export interface CleanLine {
  readonly row: number;
  /** The same object for consecutive rows of the same invoice. */
  readonly invoice: CleanInvoice;
  readonly shipment: RowShipment | null;
  readonly charges: readonly CleanCharge[];
}

/** A file-level control total (SAP BEx's `Overall Result`), its amount exact. */
export interface CleanControlTotal {
  readonly amountMinor: number;
  readonly currency: string;
  readonly row: number;
  readonly column: string;
  /** What the row is called in the file, for messages. */
  readonly label: string;
}

/** Invoice identity within a file: account + invoice number. */
export function invoiceKey(h: Pick<InvoiceHeader, 'accountNumber' | 'invoiceNumber'>): string {
  return `${h.accountNumber}\u0000${h.invoiceNumber}`;
}
