/**
 * Operators fix their own data (issue 11): charge-map overrides kept in the database (who and
 * when), the record of what each `etl remap` changed, what decided a file's fate (so an identical
 * file is retried only when something that decides it changed), and the carrier's own charge code
 * and class on every charge line (so `etl remap` re-classifies from the same inputs as ingest).
 *
 * Added columns are nullable or defaulted: rows loaded before this migration keep NULL, which
 * means "not recorded" (docs/schema.md says what each NULL means).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectAdapter, type Dialect } from '../dialect/index.js';

export function operatorsMigration(dialect: Dialect): Migration {
  const adapter = dialectAdapter(dialect);
  const { timestamp: ts, ref: id } = adapter.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('charge_map_overrides')
        .addColumn('id', adapter.types.id, adapter.identity)
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('match', 'text', (c) => c.notNull().check(sql`match in ('label', 'code')`))
        .addColumn('pattern', 'text', (c) => c.notNull().check(sql`length(pattern) > 0`))
        .addColumn('charge_code', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .addColumn('note', 'text')
        .addUniqueConstraint('charge_map_overrides_carrier_match_pattern_key', ['carrier', 'match', 'pattern'])
        .execute();

      await db.schema
        .createTable('charge_remaps')
        .addColumn('run_id', id, (c) => c.notNull().references('etl_runs.id').onDelete('cascade'))
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('old_code', 'text', (c) => c.notNull())
        .addColumn('new_code', 'text', (c) => c.notNull())
        .addColumn('charge_lines', 'integer', (c) => c.notNull())
        .addColumn('invoices', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('charge_remaps_pkey', ['run_id', 'carrier', 'old_code', 'new_code'])
        .execute();

      await db.schema.alterTable('source_files').addColumn('fate_key', 'text').execute();
      await db.schema.alterTable('source_files').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('charges').addColumn('carrier_charge_code', 'text').execute();
      await db.schema.alterTable('charges').addColumn('carrier_charge_class', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('charge_remaps').ifExists().execute();
      await db.schema.dropTable('charge_map_overrides').ifExists().execute();
      for (const [table, column] of [['charges', 'carrier_charge_class'], ['charges', 'carrier_charge_code'], ['source_files', 'attempts'], ['source_files', 'fate_key']] as const) {
        await db.schema.alterTable(table).dropColumn(column).execute();
      }
    },
  };
}
