/**
 * The one place that knows which columns the audit rules read: everything else works on
 * model.ts's facts. When the real-file fidelity work (issue 10) lands, the UPS audited weights
 * move to their own columns: `declaredWeight` should then read `shipments.declared_weight`
 * (today `entered_weight`), and a `charges.adjustment_kind` lets duplicate billing and
 * charges-after-credit tell a correction from a re-bill by the carrier's own flag instead of by
 * sign and invoice. See the README's "Audit" section.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/schema.js';
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

type Reader = Kysely<Database>;

/**
 * Charge lines (`charges as c` with its invoice `i`), in the columns facts take: an account's, or
 * (scope null) those the caller picks. A cross join, as shipmentQuery's: the lines first.
 */
function chargeQuery(db: Reader, scope: AccountScope | null) {
  const q = db
    .selectFrom('charges as c')
    .crossJoin('invoices as i')
    .whereRef('i.id', '=', 'c.invoice_id')
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
    ]);
  return scope === null ? q : q.where('i.carrier', '=', scope.carrier).where('i.account_number', '=', scope.account);
}


/**
 * The shipments of an account (`shipments as s` with its invoice `i`), in the columns facts
 * take. A cross join so that SQLite reads the shipments first (by tracking number, or in table
 * order) and looks their invoices up, instead of reading an invoice's shipments in index order.
 */
export function shipmentQuery(db: Reader, scope: AccountScope) {
  return db
    .selectFrom('shipments as s')
    .crossJoin('invoices as i')
    .whereRef('i.id', '=', 's.invoice_id')
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
    .where('i.account_number', '=', scope.account);
}

type ChargeRow = Awaited<ReturnType<ReturnType<typeof chargeQuery>['executeTakeFirstOrThrow']>>;
type ShipmentRow = Awaited<ReturnType<ReturnType<typeof shipmentQuery>['executeTakeFirstOrThrow']>>;

export function shipmentFact(s: ShipmentRow): ShipmentFact {
  return {
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
  };
}

/**
 * Reads one account's facts, whole or in parts: one name per file, and each repeated text once
 * (an account's history can be millions of lines, so only the facts stay in memory).
 */
export class FactReader {
  private readonly texts = new Map<string, string>();

  private constructor(
    private readonly db: Reader,
    readonly scope: AccountScope,
    private readonly files: ReadonlyMap<number, string>,
  ) {}

  static async open(db: Reader, scope: AccountScope): Promise<FactReader> {
    const files = (await db.selectFrom('source_files').select(['id', 'original_name']).where('carrier', '=', scope.carrier).execute()).map((f) => [int(f.id, 'source file id'), f.original_name] as const);
    return new FactReader(db, scope, new Map(files));
  }

  private once(t: string): string {
    const seen = this.texts.get(t);
    if (seen !== undefined) return seen;
    if (this.texts.size < 100_000) this.texts.set(t, t);
    return t;
  }

  charge(c: ChargeRow): ChargeFact {
    const sourceFileId = int(c.source_file_id, 'source file id');
    return {
      id: int(c.id, 'charge id'),
      invoiceId: int(c.invoice_id, 'invoice id'),
      invoiceNumber: this.once(c.invoice_number),
      invoiceDate: this.once(c.invoice_date),
      carrier: this.once(c.carrier),
      account: this.once(c.account_number),
      currency: this.once(c.currency),
      shipmentId: c.shipment_id === null ? null : int(c.shipment_id, 'shipment id'),
      trackingNumber: c.tracking_number,
      code: this.once(c.charge_code),
      description: this.once(c.charge_description),
      amountMinor: int(c.amount_minor, 'charge amount'),
      file: this.files.get(sourceFileId) ?? '',
      sourceFileId,
      row: c.source_row,
    };
  }

  /** Every line and shipment of the account (streamed where the driver can: SQLite). */
  async all(streams: boolean): Promise<AuditFacts> {
    const q = chargeQuery(this.db, this.scope).orderBy('c.id');
    const charges: ChargeFact[] = [];
    for await (const c of streams ? q.stream() : await q.execute()) charges.push(this.charge(c));
    const shipments = await shipmentQuery(this.db, this.scope).orderBy('s.id').execute();
    return { charges, shipments: shipments.map(shipmentFact) };
  }

  /**
   * The shipments of these tracking numbers and their lines (a line with a shipment is its
   * shipment's, see store.ts), with `loose` (lines without a shipment, read by the caller), in id
   * order. The lines are found by shipment id alone: the shipments are the account's already.
   */
  async part(trackingNumbers: readonly string[], loose: readonly ChargeFact[] = []): Promise<AuditFacts> {
    const shipments = trackingNumbers.length === 0 ? [] : (await shipmentQuery(this.db, this.scope).where('s.tracking_number', 'in', trackingNumbers).orderBy('s.id').execute()).map(shipmentFact);
    const charges = [...loose];
    for (let k = 0; k < shipments.length; k += 2000) {
      const ids = shipments.slice(k, k + 2000).map((s) => s.id);
      for (const c of await chargeQuery(this.db, null).where('c.shipment_id', 'in', ids).execute()) charges.push(this.charge(c));
    }
    return { charges: charges.sort((a, b) => a.id - b.id), shipments };
  }

  /** Lines without a shipment (`c.shipment_id is null`) meeting `where`, in id order. */
  async loose(where: RawBuilder<boolean>): Promise<ChargeFact[]> {
    const rows = await chargeQuery(this.db, this.scope).where('c.shipment_id', 'is', null).where(where).orderBy('c.id').execute();
    return rows.map((c) => this.charge(c));
  }
}

/** The charge lines and shipments of one carrier account, as facts (all at once: the reference the parts are tested against). */
export async function readFacts(handle: Db, scope: AccountScope): Promise<AuditFacts> {
  return (await FactReader.open(handle.db, scope)).all(handle.adapter.streams);
}

export async function readDivisors(handle: Db): Promise<Divisor[]> {
  const rows = await handle.db.selectFrom('volumetric_divisors').selectAll().execute();
  return rows.map((r) => ({ carrier: r.carrier, dimensionUnit: r.dimension_unit, weightUnit: r.weight_unit, divisor: Number(r.divisor) }));
}

export async function readFuelRates(handle: Db): Promise<FuelRate[]> {
  const rows = await handle.db.selectFrom('fuel_rates').select(['carrier', 'charge_code', sql<string>`cast(valid_from as text)`.as('valid_from'), sql<string | null>`cast(valid_to as text)`.as('valid_to'), 'rate_percent', 'base', 'source']).orderBy('valid_from').execute();
  return rows.map((r) => ({ carrier: r.carrier, chargeCode: r.charge_code, validFrom: r.valid_from, validTo: r.valid_to, ratePercent: r.rate_percent, base: r.base, source: r.source }));
}
