/**
 * Analyst settings: the volumetric divisor per carrier and dimension unit, which the
 * `billed_weight_check` view joins to recompute volumetric weight. The rows are defaults that
 * analysts are expected to UPDATE (or INSERT) to match their contracts; the ETL never writes this
 * table after seeding it, so their changes survive every upgrade.
 *
 * The key is (carrier, dimension_unit), not carrier alone: UPS bills with two divisors, 5000
 * cm³/kg outside the US and 139 in³/lb on US-domestic rates.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectAdapter, type Dialect } from '../dialect/index.js';

interface VolumetricDivisorRow {
  carrier: string;
  dimension_unit: string;
  weight_unit: string;
  divisor: number;
}

/**
 * Seeded once; frozen here (a released migration is never edited, so later default changes
 * come as a new migration). Sources: UPS's and DHL Express's published billable-weight rules
 * (L × W × H in cm / 5000 → kg; UPS US rates: in / 139 → lb). GLS, DSV and Royal Mail publish no
 * single parcel divisor that applies to every contract: their rows are configurable defaults.
 */
const DEFAULTS: readonly VolumetricDivisorRow[] = [
  { carrier: 'ups', dimension_unit: 'cm', weight_unit: 'kg', divisor: 5000 },
  { carrier: 'ups', dimension_unit: 'in', weight_unit: 'lb', divisor: 139 },
  { carrier: 'dhl', dimension_unit: 'cm', weight_unit: 'kg', divisor: 5000 },
  { carrier: 'gls', dimension_unit: 'cm', weight_unit: 'kg', divisor: 6000 },
  { carrier: 'dsv', dimension_unit: 'cm', weight_unit: 'kg', divisor: 5000 },
  { carrier: 'royal-mail', dimension_unit: 'cm', weight_unit: 'kg', divisor: 5000 },
];

export function analystMigration(dialect: Dialect): Migration {
  // A divisor is a measurement factor like the weights it divides, so it is a float
  // (`real` / `double precision`), which both drivers return as a number.
  const { real } = dialectAdapter(dialect).types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('volumetric_divisors')
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('dimension_unit', 'text', (c) => c.notNull().check(sql`dimension_unit in ('cm', 'in')`))
        .addColumn('weight_unit', 'text', (c) => c.notNull().check(sql`weight_unit in ('kg', 'lb', 'oz')`))
        .addColumn('divisor', real, (c) => c.notNull().check(sql`divisor > 0`))
        .addPrimaryKeyConstraint('volumetric_divisors_pkey', ['carrier', 'dimension_unit'])
        .execute();
      await db.withTables<{ volumetric_divisors: VolumetricDivisorRow }>().insertInto('volumetric_divisors').values([...DEFAULTS]).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('volumetric_divisors').ifExists().execute();
    },
  };
}
