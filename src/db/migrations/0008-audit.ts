/**
 * Audit findings (issue 13): what the carrier billed that it should not have, one row per
 * finding with the amount at stake and the charge lines it rests on; and `fuel_rates`, the
 * user-kept table of published surcharge rates the drift rule compares against.
 *
 * Findings are derived data: `etl audit` and every load delete and re-insert them per carrier
 * and account, so `finding_key` (the rule plus the evidence's charge ids) is unique: the same
 * finding is never stored twice.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectAdapter, type Dialect } from '../dialect/index.js';

export function auditMigration(dialect: Dialect): Migration {
  const adapter = dialectAdapter(dialect);
  const { timestamp: ts, id, date, bool } = adapter.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('audit_findings')
        .addColumn('id', id, adapter.identity)
        .addColumn('finding_key', 'text', (c) => c.notNull().unique())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('high', 'medium', 'info')`))
        .addColumn('heuristic', bool, (c) => c.notNull())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('account_number', 'text', (c) => c.notNull())
        .addColumn('invoice_id', id, (c) => c.notNull())
        .addColumn('invoice_number', 'text', (c) => c.notNull())
        .addColumn('invoice_date', date, (c) => c.notNull())
        .addColumn('tracking_number', 'text')
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('explanation', 'text', (c) => c.notNull())
        .addColumn('charge_ids', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_findings_account_idx').on('audit_findings').columns(['carrier', 'account_number']).execute();

      await db.schema
        .createTable('fuel_rates')
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('charge_code', 'text', (c) => c.notNull())
        .addColumn('valid_from', date, (c) => c.notNull())
        .addColumn('valid_to', date)
        .addColumn('rate_percent', 'text', (c) => c.notNull())
        .addColumn('base', 'text', (c) => c.notNull().check(sql`base in ('freight', 'freight_and_surcharges')`))
        .addColumn('source', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('fuel_rates_pkey', ['carrier', 'charge_code', 'valid_from'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('fuel_rates').ifExists().execute();
      await db.schema.dropTable('audit_findings').ifExists().execute();
    },
  };
}
