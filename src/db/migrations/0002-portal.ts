/**
 * Portal downloads: which portal documents were fetched for which account (so a scheduled run
 * never downloads the same invoice twice), and per-account run state (so the default date window
 * continues from the last successful run).
 */
import type { Kysely, Migration } from 'kysely';
import { dialectAdapter, type Dialect } from '../dialect/index.js';

export function portalMigration(dialect: Dialect): Migration {
  const { timestamp: ts, date, ref } = dialectAdapter(dialect).types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('portal_downloads')
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('account_number', 'text', (c) => c.notNull())
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('original_name', 'text', (c) => c.notNull())
        .addColumn('source_file_id', ref, (c) => c.references('source_files.id').onDelete('set null'))
        .addColumn('downloaded_at', ts, (c) => c.notNull())
        .addColumn('run_id', ref, (c) => c.references('etl_runs.id').onDelete('set null'))
        .addPrimaryKeyConstraint('portal_downloads_pkey', ['carrier', 'account_number', 'portal_id'])
        .execute();
      await db.schema.createIndex('portal_downloads_sha256_idx').on('portal_downloads').column('sha256').execute();
      await db.schema
        .createTable('account_runs')
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('account_number', 'text', (c) => c.notNull())
        .addColumn('last_success_at', ts)
        .addColumn('last_window_to', date)
        .addColumn('last_status', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('updated_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('account_runs_pkey', ['carrier', 'account_number'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('account_runs').ifExists().execute();
      await db.schema.dropTable('portal_downloads').ifExists().execute();
    },
  };
}
