/**
 * The one place that knows which columns the audit rules read: everything else works on
 * model.ts's facts. When the real-file fidelity work (issue 10) lands, the UPS audited weights
 * move to their own columns: `declaredWeight` should then read `shipments.declared_weight`
 * (today `entered_weight`), and a `charges.adjustment_kind` lets duplicate billing and
 * charges-after-credit tell a correction from a re-bill by the carrier's own flag instead of by
 * sign and invoice. See the README's "Audit" section.
 */
import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import { exactMinorFrom } from '../model/money.js';
import type { AuditFacts, ChargeFact, ShipmentFact } from './model.js';
import type { Divisor } from './rules/dim-weight.js';
import type { FuelRate } from './rules/rate-drift.js';

/** A carrier account: the scope findings are recomputed in. */
export interface AccountScope {
  readonly carrier: string;
  readonly account: string;
}

const int = (v: unknown, what: string): number => exactMinorFrom(v, `audit: ${what}`);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The charge lines and shipments of one carrier account, as facts. */
export async function readFacts(handle: Db, scope: AccountScope): Promise<AuditFacts> {
  const { db } = handle;
  const chargeQuery = db
    .selectFrom('charges as c')
    .innerJoin('invoices as i', 'i.id', 'c.invoice_id')
    .select([
      'c.id',
      'c.invoice_id',
      'i.invoice_number',
      sql<string>`cast(i.invoice_date as text)`.as('invoice_date'),
      'i.carrier',
      'i.account_number',
      'c.currency',
      'c.shipment_id',
      'c.tracking_number',
      'c.charge_code',
      'c.charge_description',
      'c.amount_minor',
      'c.source_file_id',
      'c.source_row',
    ])
    .where('i.carrier', '=', scope.carrier)
    .where('i.account_number', '=', scope.account)
    .orderBy('c.id');
  // one name per file, and each repeated text once: an account's history can be millions of
  // lines, read as a stream where the driver can (SQLite), so only the facts stay in memory
  const files = new Map(
    (await db.selectFrom('source_files').select(['id', 'original_name']).where('carrier', '=', scope.carrier).execute()).map((f) => [int(f.id, 'source file id'), f.original_name]),
  );
  const texts = new Map<string, string>();
  const once = (t: string): string => {
    const seen = texts.get(t);
    if (seen !== undefined) return seen;
    if (texts.size < 100_000) texts.set(t, t);
    return t;
  };
  const charges: ChargeFact[] = [];
  const rows = handle.adapter.streams ? chargeQuery.stream() : await chargeQuery.execute();
  for await (const c of rows) {
    const sourceFileId = int(c.source_file_id, 'source file id');
    charges.push({
      id: int(c.id, 'charge id'),
      invoiceId: int(c.invoice_id, 'invoice id'),
      invoiceNumber: once(c.invoice_number),
      invoiceDate: once(c.invoice_date),
      carrier: once(c.carrier),
      account: once(c.account_number),
      currency: once(c.currency),
      shipmentId: c.shipment_id === null ? null : int(c.shipment_id, 'shipment id'),
      trackingNumber: c.tracking_number,
      code: once(c.charge_code),
      description: once(c.charge_description),
      amountMinor: int(c.amount_minor, 'charge amount'),
      file: files.get(sourceFileId) ?? '',
      sourceFileId,
      row: c.source_row,
    });
  }
  const shipments = await db
    .selectFrom('shipments as s')
    .innerJoin('invoices as i', 'i.id', 's.invoice_id')
    .select([
      's.id',
      's.invoice_id',
      'i.carrier',
      's.tracking_number',
      sql<string | null>`cast(s.ship_date as text)`.as('ship_date'),
      's.entered_weight',
      's.billed_weight',
      's.weight_source',
      's.weight_unit',
      's.length',
      's.width',
      's.height',
      's.dimension_unit',
      's.receiver_postcode',
      's.receiver_country',
      's.receiver_company',
    ])
    .where('i.carrier', '=', scope.carrier)
    .where('i.account_number', '=', scope.account)
    .orderBy('s.id')
    .execute();
  return {
    charges,
    shipments: shipments.map(
      (s): ShipmentFact => ({
        id: int(s.id, 'shipment id'),
        invoiceId: int(s.invoice_id, 'invoice id'),
        carrier: s.carrier,
        trackingNumber: s.tracking_number,
        shipDate: s.ship_date,
        declaredWeight: num(s.entered_weight),
        billedWeight: num(s.billed_weight),
        weightSource: s.weight_source,
        weightUnit: s.weight_unit,
        length: num(s.length),
        width: num(s.width),
        height: num(s.height),
        dimensionUnit: s.dimension_unit,
        receiverPostcode: s.receiver_postcode,
        receiverCountry: s.receiver_country,
        receiverCompany: s.receiver_company,
      }),
    ),
  };
}

export async function readDivisors(handle: Db): Promise<Divisor[]> {
  const rows = await handle.db.selectFrom('volumetric_divisors').selectAll().execute();
  return rows.map((r) => ({ carrier: r.carrier, dimensionUnit: r.dimension_unit, weightUnit: r.weight_unit, divisor: Number(r.divisor) }));
}

export async function readFuelRates(handle: Db): Promise<FuelRate[]> {
  const rows = await handle.db.selectFrom('fuel_rates').select(['carrier', 'charge_code', sql<string>`cast(valid_from as text)`.as('valid_from'), sql<string | null>`cast(valid_to as text)`.as('valid_to'), 'rate_percent', 'base', 'source']).orderBy('valid_from').execute();
  return rows.map((r) => ({ carrier: r.carrier, chargeCode: r.charge_code, validFrom: r.valid_from, validTo: r.valid_to, ratePercent: r.rate_percent, base: r.base, source: r.source }));
}
