/** SQLite (better-sqlite3): the default, zero set-up database. See types.ts. */
import { sql } from 'kysely';
import type { DialectAdapter } from './types.js';

export const sqliteAdapter: DialectAdapter = {
  dialect: 'sqlite',
  types: { id: 'integer', ref: 'integer', money: 'integer', real: 'real', bool: 'integer', timestamp: 'text', date: 'text' },
  identity: (col) => col.primaryKey().autoIncrement(),

  bool: (v) => (v === null ? null : v ? 1 : 0),
  boolSql: (v) => (v ? '1' : '0'),
  boolColumnSql: (expr) => `CASE WHEN ${expr} IS NULL THEN NULL WHEN ${expr} = 1 THEN 1 ELSE 0 END`,
  exactInt: (n) => BigInt(n),

  monthSql: (dateExpr) => `substr(${dateExpr}, 1, 7)`,
  decimalSql: (expr, divisor, digits) => `ROUND(CAST(${expr} AS REAL) / ${divisor}, ${digits})`,
  exactDecimals: false,
  roundFloatSql: (expr, digits) => `ROUND(${expr}, ${digits})`,
  streams: true,
  bigintSql: 'INTEGER',

  views: { create: 'CREATE VIEW', dropFirst: true },

  // foreign keys, checked per row as PostgreSQL did: cheap in SQLite (docs/performance.md)
  async chargeKeys() {},
  loaderChecksShipmentIds: false,
  async refreshStatistics() {},

  idAllocator(executor, table) {
    // The file's transaction already holds SQLite's write lock, so ids above the table's
    // high-water mark (AUTOINCREMENT's sqlite_sequence, or the largest id) are ours.
    let next: number | null = null;
    return {
      async take(n) {
        if (next === null) {
          const r = await sql<{ hi: number }>`SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ${table}), 0), coalesce((SELECT max(id) FROM ${sql.table(table)}), 0)) AS hi`.execute(executor);
          next = Number(r.rows[0]?.hi ?? 0) + 1;
        }
        const ids = new Array<number>(n);
        for (let k = 0; k < n; k++) ids[k] = next++;
        return ids;
      },
    };
  },

  bulkInserter(raw, _executor, table, columns) {
    // One prepared statement run per row on the raw better-sqlite3 connection (the same single
    // connection Kysely uses, so inside its open transaction). Kysely compiles and prepares each
    // multi-row INSERT anew, which took a quarter of the ingest time in a 100k-row profile;
    // 50-row multi-VALUES statements were slower than single rows (docs/performance.md).
    if (raw.sqlite === null) throw new Error('internal: SQLite bulk insert without the raw connection');
    const stmt = raw.sqlite.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    return {
      async insert(rows) {
        for (const r of rows) stmt.run(r);
      },
      async flush() {},
    };
  },
};
