/**
 * Bulk INSERT of rows given as value arrays, the fastest way each dialect offers (the dialect
 * adapter's `bulkInserter`, src/db/dialect): SQLite runs one prepared statement per row on the
 * raw better-sqlite3 connection; PostgreSQL sends COPY ... FROM STDIN on the pool client of the
 * open transaction.
 */
import type { Kysely } from 'kysely';
import type { Db } from './connect.js';
import type { BulkInserter, BulkInsertOptions } from './dialect/index.js';
import type { Database } from './schema.js';

export type { BulkInserter, Row } from './dialect/index.js';

/** An inserter for `table(columns)` running on `executor` (the open transaction). */
export function bulkInserter(db: Pick<Db, 'adapter' | 'sqlite' | 'pgClientOf'>, executor: Kysely<Database>, table: string, columns: readonly string[], options?: BulkInsertOptions): BulkInserter {
  return db.adapter.bulkInserter(db, executor, table, columns, options);
}
