/**
 * Migrations (kysely Migrator, in-code provider: no discovery by file name) plus the derived
 * views, which are re-created whenever their SQL changes (a new canonical charge code adds a
 * column to `shipment_costs` without touching data).
 */
import { createHash } from 'node:crypto';
import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { CARRIERS } from '../../carriers/index.js';
import type { Dialect } from './connect.js';
import { initialMigration } from './migrations/0001-initial.js';
import { portalMigration } from './migrations/0002-portal.js';
import { analystMigration } from './migrations/0003-analyst.js';
import { operatorsMigration } from './migrations/0004-operators.js';
import { realFilesMigration } from './migrations/0005-real-files.js';
import { emissionsFxMigration } from './migrations/0009-emissions-fx.js';
import { receiverCompanyMigration } from './migrations/0010-receiver-company.js';
import { emissionsDomesticMigration } from './migrations/0011-emissions-domestic.js';
import { chargeKeysMigration } from './migrations/0012-charge-keys.js';
import { seedEmissionData } from '../emissions/seed.js';
import { auditMigration } from './migrations/0008-audit.js';
import type { Database } from './schema.js';
import { viewStatements } from './views.js';

function provider(dialect: Dialect) {
  return {
    async getMigrations() {
      return {
        '0001-initial': initialMigration(dialect),
        '0002-portal': portalMigration(dialect),
        '0003-analyst': analystMigration(dialect),
        '0004-operators': operatorsMigration(dialect),
        '0005-real-files': realFilesMigration(dialect),
        '0008-audit': auditMigration(dialect),
        '0009-emissions-fx': emissionsFxMigration(dialect),
        '0010-receiver-company': receiverCompanyMigration(),
        '0011-emissions-domestic': emissionsDomesticMigration(dialect),
        '0012-charge-keys': chargeKeysMigration(dialect),
      };
    },
  };
}

/** Migrates to the latest schema and refreshes the views. Never throws: returns the error. */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<MigrationResultSet & { viewsRefreshed?: boolean }> {
  const migrator = new Migrator({ db, provider: provider(dialect) });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) return result;
  try {
    const viewsRefreshed = await refreshViews(db, dialect);
    await seedVolumetricDivisors(db);
    await seedEmissionData(db);
    return { ...result, viewsRefreshed };
  } catch (error) {
    return { ...result, error };
  }
}

/** Re-creates the views when their SQL changed (after `etl migrate`, and after `etl remap`). */
export async function refreshViews(db: Kysely<Database>, dialect: Dialect): Promise<boolean> {
  const statements = viewStatements(dialect);
  const hash = createHash('sha256').update(statements.join(';\n')).digest('hex');
  const current = await db.selectFrom('etl_meta').select('value').where('key', '=', 'views_hash').executeTakeFirst();
  if (current?.value === hash) return false;
  await db.transaction().execute(async (trx) => {
    for (const s of statements) await sql.raw(s).execute(trx);
    await trx.deleteFrom('etl_meta').where('key', '=', 'views_hash').execute();
    await trx.insertInto('etl_meta').values({ key: 'views_hash', value: hash }).execute();
  });
  return true;
}

/**
 * Each carrier's default volumetric divisors come from its adapter (no migration per carrier):
 * rows a carrier does not have yet are added; existing rows, which analysts may have edited to
 * match their contracts, are never touched. Read-only when nothing is missing.
 */
async function seedVolumetricDivisors(db: Kysely<Database>): Promise<void> {
  const have = new Set((await db.selectFrom('volumetric_divisors').select(['carrier', 'dimension_unit']).execute()).map((r) => `${r.carrier} ${r.dimension_unit}`));
  const missing = CARRIERS.flatMap((c) =>
    (c.volumetricDivisors ?? [])
      .filter((d) => !have.has(`${c.id} ${d.dimensionUnit}`))
      .map((d) => ({ carrier: c.id, dimension_unit: d.dimensionUnit, weight_unit: d.weightUnit, divisor: d.divisor })),
  );
  if (missing.length === 0) return;
  // two processes migrating at once may both see a row missing: the second insert is a no-op
  await db.insertInto('volumetric_divisors').values(missing).onConflict((oc) => oc.columns(['carrier', 'dimension_unit']).doNothing()).execute();
}
