/**
 * Domestic shipments' emissions (issue 14):
 * - `country_areas`: each country's surface area in km², seeded from the npm package
 *   `country-json` (src/emissions/seed.ts). The `country_area` distance method estimates a
 *   domestic shipment's straight-line distance from it when there are no postcode coordinates on
 *   both sides (docs/emissions.md). Rows are data, like `geo_centroids`: seeded rows are added
 *   when missing and never changed, so an operator's corrections survive upgrades.
 *
 * US ZIP centroids are `geo_centroids` rows (`level = 'postcode'`), added on demand for the ZIPs
 * loaded shipments carry: no schema change.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectAdapter, type Dialect } from '../dialect/index.js';

export function emissionsDomesticMigration(dialect: Dialect): Migration {
  const { real } = dialectAdapter(dialect).types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('country_areas')
        .addColumn('country', 'text', (c) => c.primaryKey().check(sql`length(country) = 2`))
        .addColumn('area_km2', real, (c) => c.notNull().check(sql`area_km2 > 0`))
        .addColumn('source', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('country_areas').ifExists().execute();
    },
  };
}
