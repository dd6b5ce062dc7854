/**
 * What differs between the databases we load into, in one place, in the style of Kysely's
 * `DialectAdapter`: one object per dialect (src/db/dialect/sqlite.ts, postgres.ts), looked up
 * with `dialectAdapter(dialect)`. Code outside src/db/dialect asks the adapter instead of testing
 * `dialect === 'postgres'`.
 */
import type SQLite from 'better-sqlite3';
import type { ColumnDataType, ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { PoolClient } from 'pg';
import type { Database } from '../schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** Column types of the schema (docs/schema.md); the names and meanings are the same everywhere. */
export interface ColumnTypes {
  /** Primary keys (see `identity`). */
  readonly id: ColumnDataType;
  /** Foreign keys and other 64-bit integers. */
  readonly ref: ColumnDataType;
  /** Integer minor units (64-bit). */
  readonly money: ColumnDataType;
  /** Measurements (weights, dimensions, divisors): floats. */
  readonly real: ColumnDataType;
  readonly bool: ColumnDataType;
  readonly timestamp: ColumnDataType;
  readonly date: ColumnDataType;
}

/** Rows given as value arrays, in the column order the inserter was made with. */
export type Row = readonly unknown[];

export interface BulkInserter {
  /**
   * Writes `rows`. A deferred inserter (see BulkInsertOptions) may keep them until `flush` or
   * until enough are waiting; any other inserter has written them when this resolves.
   */
  insert(rows: readonly Row[]): Promise<void>;
  /** Writes every row still waiting. Call before anything reads the table in this transaction. */
  flush(): Promise<void>;
}

export interface BulkInsertOptions {
  /**
   * Rows may wait until `flush()` (at most a few MB of them), so that PostgreSQL gets them in
   * a few large COPYs instead of one per batch, sent while the caller goes on. Only for a table
   * the caller flushes before it reads or updates what it inserted.
   */
  readonly deferred?: boolean;
}

/** The raw connections under Kysely, for the paths where Kysely's per-statement cost shows. */
export interface RawConnections {
  /** SQLite: the single better-sqlite3 connection under Kysely (so inside its open transaction). */
  readonly sqlite: SQLite.Database | null;
  /**
   * PostgreSQL: the pool client that `executor` (an open transaction) runs on, so a COPY on it
   * is part of that transaction. Null for SQLite.
   */
  readonly pgClientOf: ((executor: Kysely<Database>) => Promise<PoolClient>) | null;
}

/** Hands out ids of `table` that the caller writes itself (the loader's shipments). */
export interface IdAllocator {
  /** `n` fresh ids, ascending. */
  take(n: number): Promise<number[]>;
}

export interface DialectAdapter {
  readonly dialect: Dialect;
  readonly types: ColumnTypes;
  /** Makes `col` an integer primary key the database numbers. */
  identity(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;

  /** A boolean as a query parameter (PostgreSQL boolean; SQLite 1/0). */
  bool(v: boolean | null): boolean | number | null;
  /** A boolean literal in SQL text. */
  boolSql(v: boolean): string;
  /** A boolean column read back as the view's type (PostgreSQL boolean; SQLite 1/0/NULL, whatever was stored). */
  boolColumnSql(expr: string): string;
  /**
   * An integer parameter that SQL arithmetic must treat as an integer. better-sqlite3 binds a JS
   * number as a REAL, and INTEGER + REAL is a float add (2^53 - 1 + 2 stores 2^53): a BigInt
   * binds as an INTEGER.
   */
  exactInt(n: number): number | bigint;

  /** `YYYY-MM` of a date column (DATE in PostgreSQL, ISO text in SQLite), whatever the session's settings. */
  monthSql(dateExpr: string): string;
  /**
   * `expr / divisor` rounded to `digits`, as the dialect's decimal: exact NUMERIC in PostgreSQL,
   * REAL in SQLite (which has no decimal type; see `exactDecimals`).
   */
  decimalSql(expr: string, divisorExpr: string, digitsExpr: string | number): string;
  /** True when `decimalSql` is exact; false means exports rebuild decimals as text (views.ts). */
  readonly exactDecimals: boolean;
  /** `ROUND(expr, digits)` of a float, returned as a float. */
  roundFloatSql(expr: string, digits: number): string;
  /**
   * Whether Kysely's `.stream()` works with what we ship: better-sqlite3 steps a statement row by
   * row; pg needs pg-cursor, which we do not ship (exports use a server-side cursor instead).
   */
  readonly streams: boolean;
  /** The SQL type name of a 64-bit integer in CAST. */
  readonly bigintSql: string;

  /**
   * How views are (re)created: PostgreSQL replaces them in place (keeping views built on ours
   * working); SQLite has no OR REPLACE for views, so they are dropped first.
   */
  readonly views: { readonly create: string; readonly dropFirst: boolean };

  /**
   * Migration 0012: how the references of `charges` are enforced (up), or back to foreign keys
   * (down). SQLite: its foreign keys, unchanged. PostgreSQL: statement-level triggers, one
   * set-based check per statement instead of a trigger per row (see the migration).
   */
  chargeKeys(db: Kysely<unknown>, direction: 'up' | 'down'): Promise<void>;
  /**
   * `charges.shipment_id` is no foreign key here: the loader checks the file's charges against
   * `shipments` with one query before it commits (src/pipeline/load.ts, finish).
   */
  readonly loaderChecksShipmentIds: boolean;

  /**
   * After loads committed `rows` charges: refreshes the planner's statistics when they are
   * stale, so that the queries right after (the audit) are planned for the rows now there. PostgreSQL analyzes a table only once autovacuum gets to it, up to a minute later; on a
   * table never analyzed it plans for a handful of rows (the audit's dimensional-weight query on
   * 2,834 invoices: 25 s instead of 0.3 s). SQLite: nothing.
   */
  refreshStatistics(db: Kysely<Database>, rows: number): Promise<void>;

  /** Ids of `table` for rows the caller inserts itself, inside the open transaction `executor`. */
  idAllocator(executor: Kysely<Database>, table: 'shipments'): IdAllocator;
  /** The fastest bulk insert into `table(columns)` inside the open transaction `executor`. */
  bulkInserter(raw: RawConnections, executor: Kysely<Database>, table: string, columns: readonly string[], options?: BulkInsertOptions): BulkInserter;
}
