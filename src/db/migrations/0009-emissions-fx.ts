/**
 * Emissions per shipment and one reporting currency (issue 14):
 * - `emission_factors`: versioned kg CO2e per tonne-km per vehicle class, with the distance
 *   adjustment that goes with it, the source and where in it; seeded from src/emissions/factors.ts
 *   and edited by operators (`etl emissions factors import <csv>`). The views read factors only
 *   from here: no factor is written into SQL.
 * - `service_modes`: each carrier's billed service → transport mode, seeded from
 *   carriers/<id>/modes.ts; rows the ETL did not write are never touched.
 * - `geo_centroids`: coordinates per country (and, when a dataset is available, per postcode),
 *   seeded from the `country-locale-map` package.
 * - `fx_rates`: reference rates per 1 EUR as published (ECB), loaded by `etl fx import`.
 *
 * Measurements (factors, coordinates) are floats like the weights they multiply; rates are exact
 * (the published text and the rate in millionths as an integer), because they convert money.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectAdapter, type Dialect } from '../dialect/index.js';

export function emissionsFxMigration(dialect: Dialect): Migration {
  const t = dialectAdapter(dialect).types;
  const { real, date, timestamp: ts } = t;
  // an exact 64-bit integer, the type money columns have
  const bigint = t.money;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('emission_factors')
        .addColumn('vehicle_class', 'text', (c) => c.notNull().check(sql`vehicle_class in ('van', 'hgv', 'air_short_haul', 'air_long_haul')`))
        .addColumn('version', 'text', (c) => c.notNull().check(sql`length(version) > 0`))
        .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('road', 'air')`))
        .addColumn('valid_from', date, (c) => c.notNull())
        .addColumn('kg_co2e_per_tkm', real, (c) => c.notNull().check(sql`kg_co2e_per_tkm >= 0`))
        .addColumn('basis', 'text', (c) => c.notNull().check(sql`basis in ('WTW', 'TTW')`))
        .addColumn('distance_factor', real, (c) => c.notNull().check(sql`distance_factor >= 1`))
        .addColumn('distance_add_km', real, (c) => c.notNull().check(sql`distance_add_km >= 0`))
        .addColumn('source', 'text', (c) => c.notNull().check(sql`length(source) > 0`))
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('verified', 'text', (c) => c.notNull())
        .addColumn('loaded_by', 'text', (c) => c.notNull())
        .addColumn('loaded_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('emission_factors_pkey', ['vehicle_class', 'version'])
        .execute();

      await db.schema
        .createTable('service_modes')
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('service_key', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('road', 'air', 'none')`))
        .addColumn('vehicle_class', 'text', (c) => c.check(sql`vehicle_class in ('van', 'hgv')`))
        .addColumn('domestic', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('origin_country', 'text')
        .addColumn('why', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_modes_pkey', ['carrier', 'service_key'])
        .execute();

      await db.schema
        .createTable('geo_centroids')
        .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('country', 'postcode')`))
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('postcode', 'text', (c) => c.notNull())
        .addColumn('latitude', real, (c) => c.notNull())
        .addColumn('longitude', real, (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('geo_centroids_pkey', ['level', 'country', 'postcode'])
        .execute();

      await db.schema
        .createTable('fx_rates')
        .addColumn('currency', 'text', (c) => c.notNull().check(sql`length(currency) = 3`))
        .addColumn('rate_date', date, (c) => c.notNull())
        .addColumn('rate', 'text', (c) => c.notNull())
        .addColumn('rate_micro', bigint, (c) => c.notNull().check(sql`rate_micro > 0`))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('loaded_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('fx_rates_pkey', ['currency', 'rate_date'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const t of ['fx_rates', 'geo_centroids', 'service_modes', 'emission_factors']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
