/**
 * PostgreSQL (pg): what teams run. Bulk loads go through COPY (pg-copy-streams, text format) on
 * the pool client of the file's transaction, so they commit or roll back with it. See types.ts.
 */
import { sql } from 'kysely';
import type { PoolClient } from 'pg';
import type { BulkInserter, DialectAdapter, Row } from './types.js';

/** A deferred inserter sends its rows once this many bytes of COPY text are waiting. */
const DEFERRED_BYTES = 4 << 20;

/**
 * One value in COPY's text format: NULL as `\N`, backslash, tab, newline and carriage return
 * escaped. Integers (number or BigInt) are written as their exact decimal digits; floats as
 * JavaScript's shortest round-trip form, which float8 reads back to the same double.
 */
export function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  switch (typeof v) {
    case 'string':
      return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
    case 'number':
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? 't' : 'f';
    default:
      if (v instanceof Date) return v.toISOString();
      return copyText(JSON.stringify(v));
  }
}

/** Rows as COPY text lines. */
export function copyLines(rows: readonly Row[]): string {
  let out = '';
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) out += (i === 0 ? '' : '\t') + copyText(r[i]);
    out += '\n';
  }
  return out;
}

/** Runs `COPY table (columns) FROM STDIN` with `chunks` as its data; resolves once the server has the rows. */
async function copyIn(client: PoolClient, table: string, columns: readonly string[], chunks: readonly Buffer[]): Promise<void> {
  const { from } = (await import('pg-copy-streams')).default;
  const stream = client.query(from(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve); // pg-copy-streams emits it once the server acknowledged the COPY
    stream.cork();
    for (const c of chunks) stream.write(c);
    stream.end();
  });
}

export const postgresAdapter: DialectAdapter = {
  dialect: 'postgres',
  types: { id: 'bigint', ref: 'bigint', money: 'bigint', real: 'double precision', bool: 'boolean', timestamp: 'timestamptz', date: 'date' },
  identity: (col) => col.primaryKey().generatedByDefaultAsIdentity(),

  bool: (v) => v,
  boolSql: (v) => (v ? 'TRUE' : 'FALSE'),
  boolColumnSql: (expr) => expr,
  exactInt: (n) => n,

  // to_char does not depend on the session's DateStyle, which CAST(date AS TEXT) does.
  monthSql: (dateExpr) => `to_char(${dateExpr}, 'YYYY-MM')`,
  decimalSql: (expr, divisor, digits) => `ROUND(CAST(${expr} AS NUMERIC) / ${divisor}, ${digits})`,
  exactDecimals: true,
  // ROUND(numeric, int) only; back to double precision so both databases return measurements as numbers.
  roundFloatSql: (expr, digits) => `CAST(ROUND(CAST(${expr} AS NUMERIC), ${digits}) AS DOUBLE PRECISION)`,
  bigintSql: 'BIGINT',

  views: { create: 'CREATE OR REPLACE VIEW', dropFirst: false },

  idAllocator(executor, table) {
    // Drawn from the identity's sequence: safe under concurrency, never handed out twice.
    return {
      async take(n) {
        const r = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence(${table}, 'id')) AS id FROM generate_series(1, ${n})`.execute(executor);
        return r.rows.map((row) => Number(row.id));
      },
    };
  },

  bulkInserter(raw, executor, table, columns, options = {}): BulkInserter {
    const clientOf = raw.pgClientOf;
    if (clientOf === null) throw new Error('internal: PostgreSQL bulk insert without its pool');
    let client: PoolClient | null = null;
    // Buffers, not the strings: a string built from the parsed fields can keep the whole
    // decoded read chunk those fields were sliced from alive until the rows are sent.
    let waiting: Buffer[] = [];
    let bytes = 0;
    const send = async (): Promise<void> => {
      if (waiting.length === 0) return;
      const chunks = waiting;
      waiting = [];
      bytes = 0;
      client ??= await clientOf(executor);
      await copyIn(client, table, columns, chunks);
    };
    return {
      async insert(rows) {
        if (rows.length === 0) return;
        const data = Buffer.from(copyLines(rows), 'utf8');
        waiting.push(data);
        bytes += data.length;
        if (options.deferred !== true || bytes >= DEFERRED_BYTES) await send();
      },
      flush: send,
    };
  },
};
