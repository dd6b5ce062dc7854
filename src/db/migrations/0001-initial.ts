/**
 * The first schema. Types differ by dialect only where SQLite has no equivalent (booleans,
 * timestamps, dates); column names and meanings are the same everywhere (docs/schema.md).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectAdapter, type Dialect } from '../dialect/index.js';

export function initialMigration(dialect: Dialect): Migration {
  const adapter = dialectAdapter(dialect);
  const t = adapter.types;
  const id = (db: Kysely<unknown>, table: string) => db.schema.createTable(table).addColumn('id', t.id, adapter.identity);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await id(db, 'etl_runs')
        .addColumn('command', 'text', (c) => c.notNull())
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('finished_at', t.timestamp)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('files_loaded', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('files_skipped', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('files_quarantined', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('invoices', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('charges', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unreconciled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('issues', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      await id(db, 'source_files')
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('account_number', 'text')
        .addColumn('original_name', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull().unique())
        .addColumn('bytes', t.money, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('encoding', 'text')
        .addColumn('stored_path', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('loaded', 'quarantined', 'superseded')`))
        .addColumn('message', 'text')
        .addColumn('landed_at', t.timestamp, (c) => c.notNull())
        .addColumn('run_id', t.ref, (c) => c.references('etl_runs.id').onDelete('set null'))
        .execute();

      await id(db, 'invoices')
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('account_number', 'text', (c) => c.notNull())
        .addColumn('invoice_number', 'text', (c) => c.notNull())
        .addColumn('invoice_date', t.date, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('stated_total_minor', t.money)
        .addColumn('net_total_minor', t.money, (c) => c.notNull())
        .addColumn('reconciled', t.bool)
        .addColumn('shipment_count', 'integer', (c) => c.notNull())
        .addColumn('charge_count', 'integer', (c) => c.notNull())
        .addColumn('source_file_id', t.ref, (c) => c.notNull().references('source_files.id'))
        .addColumn('source_row', 'integer', (c) => c.notNull())
        .addUniqueConstraint('invoices_carrier_account_number_key', ['carrier', 'account_number', 'invoice_number'])
        .execute();
      await db.schema.createIndex('invoices_source_file_id_idx').on('invoices').column('source_file_id').execute();
      await db.schema.createIndex('invoices_invoice_date_idx').on('invoices').column('invoice_date').execute();

      await id(db, 'shipments')
        .addColumn('invoice_id', t.ref, (c) => c.notNull().references('invoices.id').onDelete('cascade'))
        .addColumn('tracking_number', 'text', (c) => c.notNull())
        .addColumn('lead_tracking_number', 'text')
        .addColumn('service', 'text')
        .addColumn('ship_date', t.date)
        .addColumn('zone', 'text')
        .addColumn('package_count', 'integer', (c) => c.notNull())
        .addColumn('entered_weight', t.real)
        .addColumn('billed_weight', t.real)
        .addColumn('weight_unit', 'text')
        .addColumn('length', t.real)
        .addColumn('width', t.real)
        .addColumn('height', t.real)
        .addColumn('dimension_unit', 'text')
        .addColumn('volumetric_weight', t.real)
        .addColumn('sender_postcode', 'text')
        .addColumn('sender_country', 'text')
        .addColumn('receiver_postcode', 'text')
        .addColumn('receiver_country', 'text')
        .addColumn('net_total_minor', t.money, (c) => c.notNull())
        .addUniqueConstraint('shipments_invoice_id_tracking_number_key', ['invoice_id', 'tracking_number'])
        .execute();
      await db.schema.createIndex('shipments_tracking_number_idx').on('shipments').column('tracking_number').execute();

      await id(db, 'charges')
        .addColumn('invoice_id', t.ref, (c) => c.notNull().references('invoices.id').onDelete('cascade'))
        .addColumn('shipment_id', t.ref)
        .addColumn('tracking_number', 'text')
        .addColumn('charge_code', 'text', (c) => c.notNull())
        .addColumn('charge_description', 'text', (c) => c.notNull())
        .addColumn('amount_minor', t.money, (c) => c.notNull())
        .addColumn('incentive_minor', t.money)
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('source_file_id', t.ref, (c) => c.notNull().references('source_files.id'))
        .addColumn('source_row', 'integer', (c) => c.notNull())
        // Deferred: the loader writes charges before the shipments they point at (ids assigned
        // up front), and the check happens at commit.
        .addForeignKeyConstraint('charges_shipment_id_fkey', ['shipment_id'], 'shipments', ['id'], (fk) =>
          fk.onDelete('cascade').deferrable().initiallyDeferred(),
        )
        .execute();
      await db.schema.createIndex('charges_invoice_id_idx').on('charges').column('invoice_id').execute();
      await db.schema.createIndex('charges_shipment_id_idx').on('charges').column('shipment_id').execute();

      await id(db, 'data_issues')
        .addColumn('source_file_id', t.ref, (c) => c.references('source_files.id').onDelete('cascade'))
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('source_row', 'integer')
        .addColumn('source_column', 'text')
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('run_id', t.ref, (c) => c.references('etl_runs.id').onDelete('set null'))
        .execute();
      await db.schema.createIndex('data_issues_source_file_id_idx').on('data_issues').column('source_file_id').execute();

      await db.schema
        .createTable('etl_meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['data_issues', 'charges', 'shipments', 'invoices', 'source_files', 'etl_runs', 'etl_meta']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
