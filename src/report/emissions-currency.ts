/**
 * The dashboard's parts of issue 14, added to what data.ts collects without changing it:
 * - `reporting`: spend per carrier, account, month and currency with its amount in the reporting
 *   currency (from the `spend_by_month` view, so the page adds exactly what the view converted),
 *   the rates' source and date range, and what could not be converted;
 * - `emissions`: `emissions_by_month` per carrier, account, month and mode (kg CO2e as whole
 *   grams, so the page adds integers), the reasons shipments were not computed, and the factors
 *   in the database with their source, verification and how many estimates use each.
 */
import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import { rateCoverage, reportingCurrency } from '../fx/store.js';
import { exactMinorFrom, minorDigits } from '../model/money.js';
import type { ReportData } from './data.js';

export interface ReportingRow {
  readonly carrier: string;
  readonly account: string;
  readonly month: string;
  readonly currency: string;
  readonly amount_minor: number;
  /** In the reporting currency; null when some of it has no rate. */
  readonly reporting_minor: number | null;
  readonly rate_first: string | null;
  readonly rate_last: string | null;
}

export interface ReportingData {
  /** The reporting currency, or null (none set: the page shows per-currency totals only). */
  readonly currency: string | null;
  readonly digits: number;
  readonly rows: readonly ReportingRow[];
  readonly rate_sources: readonly string[];
  /** First and last date of the rates loaded. */
  readonly rates_loaded: { readonly first: string | null; readonly last: string | null };
}

export interface EmissionsRow {
  readonly carrier: string;
  readonly account: string;
  readonly month: string;
  readonly mode: string;
  readonly shipments: number;
  readonly estimated: number;
  readonly grams: number;
  readonly tonne_km: number;
}

export interface EmissionsReasonRow {
  readonly carrier: string;
  readonly account: string;
  readonly month: string;
  readonly reason: string;
  readonly shipments: number;
}

export interface EmissionsFactorRow {
  readonly vehicle_class: string;
  readonly version: string;
  readonly kg_co2e_per_tkm: number;
  readonly basis: string;
  readonly source: string;
  readonly verified: string;
  readonly shipments: number;
}

export interface EmissionsData {
  readonly rows: readonly EmissionsRow[];
  readonly reasons: readonly EmissionsReasonRow[];
  readonly factors: readonly EmissionsFactorRow[];
}

/** What this module adds to the page's data. */
export interface EmissionsCurrencyParts {
  readonly reporting: ReportingData;
  readonly emissions: EmissionsData;
}

/** Domestic reasons name their country; the page groups them as one reason. */
function reasonGroup(reason: string): string {
  return reason.startsWith('domestic (') ? 'domestic: no postcode coordinates on both sides and no surface area for the country (country_areas)' : reason;
}

export async function withEmissionsAndCurrency<T extends ReportData>(db: Db, data: T): Promise<T & EmissionsCurrencyParts> {
  const k = db.db;
  const currency = await reportingCurrency(k);
  const month = sql.ref('month');
  const spend = await sql<{ carrier: string; account_number: string; month: string; currency: string; amount: unknown; reporting: unknown; missing: unknown; first: string | null; last: string | null }>`
    select carrier, account_number, ${month} as month, currency, sum(amount_minor) as amount, sum(reporting_amount_minor) as reporting,
           sum(case when reporting_amount_minor is null then 1 else 0 end) as missing,
           cast(min(fx_rate_date_first) as text) as first, cast(max(fx_rate_date_last) as text) as last
    from spend_by_month group by carrier, account_number, ${month}, currency
    order by ${month}, carrier, account_number, currency`.execute(k);
  const rows: ReportingRow[] = spend.rows.map((r) => ({
    carrier: r.carrier,
    account: r.account_number,
    month: r.month,
    currency: r.currency,
    amount_minor: exactMinorFrom(r.amount, 'spend'),
    reporting_minor: currency === null || Number(r.missing) > 0 || r.reporting === null ? null : exactMinorFrom(r.reporting, 'converted spend'),
    rate_first: r.first,
    rate_last: r.last,
  }));
  const coverage = await rateCoverage(k);

  const em = await sql<{ carrier: string; account_number: string; month: string; mode: string; shipments: unknown; estimated: unknown; kg_co2e: unknown; tonne_km: unknown }>`
    select carrier, account_number, month, mode, shipments, estimated, kg_co2e, tonne_km from emissions_by_month order by month, carrier, account_number, mode`.execute(k);
  const reasons = await sql<{ carrier: string; account_number: string; invoice_date: string; reason: string }>`
    select carrier, account_number, cast(invoice_date as text) as invoice_date, reason from shipment_emissions where reason is not null`.execute(k);
  const grouped = new Map<string, EmissionsReasonRow>();
  for (const r of reasons.rows) {
    const row = { carrier: r.carrier, account: r.account_number, month: r.invoice_date.slice(0, 7), reason: reasonGroup(r.reason) };
    const key = JSON.stringify(row);
    grouped.set(key, { ...row, shipments: (grouped.get(key)?.shipments ?? 0) + 1 });
  }
  const used = new Map<string, number>();
  for (const u of (
    await sql<{ vehicle_class: string; factor_version: string; n: unknown }>`
      select vehicle_class, factor_version, count(*) as n from shipment_emissions where reason is null group by vehicle_class, factor_version`.execute(k)
  ).rows) used.set(`${u.vehicle_class} ${u.factor_version}`, Number(u.n));
  const factors = await k.selectFrom('emission_factors').select(['vehicle_class', 'version', 'kg_co2e_per_tkm', 'basis', 'source', 'verified']).orderBy('vehicle_class').orderBy('version').execute();

  return {
    ...data,
    reporting: {
      currency,
      digits: currency === null ? 2 : minorDigits(currency),
      rows,
      rate_sources: coverage.sources,
      rates_loaded: { first: coverage.first, last: coverage.last },
    },
    emissions: {
      rows: em.rows.map((r) => ({
        carrier: r.carrier,
        account: r.account_number,
        month: r.month,
        mode: r.mode,
        shipments: Number(r.shipments),
        estimated: Number(r.estimated),
        grams: Math.round(Number(r.kg_co2e) * 1000),
        tonne_km: Number(r.tonne_km),
      })),
      reasons: [...grouped.values()].sort((a, b) => b.shipments - a.shipments || a.reason.localeCompare(b.reason)),
      factors: factors.map((f) => ({ ...f, kg_co2e_per_tkm: Number(f.kg_co2e_per_tkm), shipments: used.get(`${f.vehicle_class} ${f.version}`) ?? 0 })),
    },
  };
}
