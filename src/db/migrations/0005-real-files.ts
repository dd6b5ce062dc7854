/**
 * What real invoice files showed (issue 10): a carrier can re-bill a package after auditing it
 * (UPS "Shipping Charge Correction" rows restate the weight and dimensions it measured), and
 * adjustment lines keep the code of the charge they correct, so which kind of adjustment a line
 * is needs a column of its own.
 *
 * - shipments.declared_weight, declared_length/width/height: the billed weight and dimensions
 *   the package row stated before any audit (billed_weight, length... are the audited ones when
 *   a correction restated them).
 * - shipments.weight_source: 'declared' or 'audited': where billed_weight comes from.
 * - charges.adjustment_kind: NULL for an ordinary charge, else the kind of adjustment
 *   (shipping_charge_correction, address_correction, not_previously_billed...).
 *
 * Every added column is nullable: rows loaded before this migration keep NULL, which means "not
 * recorded" (docs/schema.md).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectAdapter, type Dialect } from '../dialect/index.js';

export function realFilesMigration(dialect: Dialect): Migration {
  const { real } = dialectAdapter(dialect).types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const column of ['declared_weight', 'declared_length', 'declared_width', 'declared_height']) {
        await db.schema.alterTable('shipments').addColumn(column, real).execute();
      }
      await db.schema
        .alterTable('shipments')
        .addColumn('weight_source', 'text', (c) => c.check(sql`weight_source in ('declared', 'audited')`))
        .execute();
      await db.schema.alterTable('charges').addColumn('adjustment_kind', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('charges').dropColumn('adjustment_kind').execute();
      for (const column of ['weight_source', 'declared_height', 'declared_width', 'declared_length', 'declared_weight']) {
        await db.schema.alterTable('shipments').dropColumn(column).execute();
      }
    },
  };
}
