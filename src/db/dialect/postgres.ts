/**
 * PostgreSQL (pg): what teams run. Bulk loads go through COPY (pg-copy-streams, text format) on
 * the pool client of the file's transaction, so they commit or roll back with it. See types.ts.
 */
import { sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import type { BulkInserter, DialectAdapter, Row } from './types.js';

/** A deferred inserter sends its rows once this many bytes of COPY text are waiting. */
const DEFERRED_BYTES = 4 << 20;

/**
 * The error of a COPY that failed on a client while it ran in the background (a deferred
 * inserter does not wait for its COPY). pg runs a client's statements in order, so the statement
 * queued behind a failed COPY fails with "current transaction is aborted" (25P02); the pool
 * Kysely is given (copyAwarePool) reports the COPY's own error instead, so a file whose data
 * PostgreSQL refused is quarantined with the real reason, as with an awaited INSERT.
 */
const copyFailures = new WeakMap<PoolClient, unknown>();

/**
 * The last statement given to each client. Statements (Kysely's and our COPYs) go to pg one at a
 * time, in the order given: with two background COPYs (charges, shipments) pg's own queue would
 * hold several, which pg 8 warns about (deprecated, removed in pg 9).
 */
const lastStatement = new WeakMap<PoolClient, Promise<unknown>>();

/** Runs `statement` on `client` once the statements given to it before have settled. */
function inTurn<T>(client: PoolClient, statement: () => Promise<T>): Promise<T> {
  const run = (lastStatement.get(client) ?? Promise.resolve()).then(statement);
  lastStatement.set(client, run.catch(() => undefined));
  return run;
}

/** `pool`'s clients for Kysely, reporting a background COPY's failure as their next statement's. */
export function copyAwarePool(pool: Pool): PostgresPool {
  const proxies = new WeakMap<PoolClient, PostgresPoolClient>();
  const proxy = (real: PoolClient): PostgresPoolClient => ({
    query: ((text: unknown, parameters?: readonly unknown[]) => {
      // a query object (a cursor) is returned as it is, not a promise: passed through
      if (typeof text !== 'string') return real.query(text as never);
      return inTurn(real, () => real.query(text, parameters as unknown[])).then(
        (r) => {
          copyFailures.delete(real);
          return r;
        },
        (err: unknown) => {
          const copy = copyFailures.get(real);
          copyFailures.delete(real);
          throw copy ?? err;
        },
      );
    }) as unknown as PostgresPoolClient['query'],
    release: () => real.release(),
  });
  return {
    async connect() {
      const real = await pool.connect();
      let p = proxies.get(real);
      if (p === undefined) {
        p = proxy(real);
        proxies.set(real, p);
      }
      return p;
    },
    end: () => pool.end(),
  };
}

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

/**
 * Runs `COPY table (columns) FROM STDIN` with `chunks` as its data; resolves once the server has
 * the rows. Chunks are written one at a time, and nothing more once the server has answered
 * with an error: pg-copy-streams forgets its connection on an error, and a chunk still queued
 * inside it would then be written to no connection (a TypeError thrown from a 'drain' handler).
 */
async function copyIn(client: PoolClient, table: string, columns: readonly string[], chunks: readonly Buffer[]): Promise<void> {
  const { from } = (await import('pg-copy-streams')).default;
  const stream = client.query(from(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  let failed = false;
  // 'finish' comes once the server acknowledged the COPY (pg-copy-streams delays it until then)
  const done = new Promise<void>((resolve, reject) => {
    stream.on('error', (err) => {
      failed = true;
      reject(err);
    });
    stream.on('finish', resolve);
  });
  done.catch(() => undefined); // awaited below; a failure while writing is thrown from the race
  for (const chunk of chunks) {
    if (failed) break;
    await Promise.race([new Promise<void>((resolve) => stream.write(chunk, () => resolve())), done]);
  }
  if (!failed) stream.end();
  await done;
}

/**
 * The references of `charges` as statement-level triggers (migration 0012): a COPY of 50k
 * charges runs one check of each key over its rows (a hash anti-join) instead of a trigger and a
 * locking look-up per row and key. Like a foreign key, the check locks the rows it found
 * (FOR KEY SHARE) so that they cannot be deleted before the charges commit. The error is the one
 * a foreign key raises (23503, the constraint's name). shipment_id is checked by the loader
 * before it commits (its shipments are written after their charges), and here when updated.
 */
/** PL/pgSQL raising what the foreign key charges(column) → table raised for `value`. */
const refusedKey = (column: string, table: string, value: string): string =>
  `RAISE EXCEPTION 'insert or update on table "charges" violates foreign key constraint "charges_${column}_fkey"'
      USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (${column})=(%s) is not present in table "${table}".', ${value});`;

/** The check of one key over a statement's rows (`new_charges`): the rows found locked, then any missing. */
const keyOfRows = (column: string, table: string): string => `
  PERFORM 1 FROM ${table} WHERE id IN (SELECT ${column} FROM new_charges) FOR KEY SHARE;
  SELECT n.${column} INTO missing FROM new_charges n WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.id = n.${column}) LIMIT 1;
  IF FOUND THEN
    ${refusedKey(column, table, 'missing')}
  END IF;`;

/** The check of one key of an updated row. */
const keyOfRow = (column: string, table: string): string => `
  PERFORM 1 FROM ${table} WHERE id = NEW.${column} FOR KEY SHARE;
  IF NOT FOUND THEN
    ${refusedKey(column, table, `NEW.${column}`)}
  END IF;`;

/** ON DELETE CASCADE from `parent` to the charges whose `column` points at its deleted rows. */
const cascade = (parent: string, column: string): string[] => [
  `CREATE FUNCTION charges_of_deleted_${parent}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM charges WHERE ${column} IN (SELECT id FROM deleted);
  RETURN NULL;
END $$`,
  `CREATE TRIGGER charges_of_deleted_${parent} AFTER DELETE ON ${parent} REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION charges_of_deleted_${parent}()`,
];

const CHARGE_KEYS_UP = [
  `ALTER TABLE charges DROP CONSTRAINT charges_invoice_id_fkey, DROP CONSTRAINT charges_shipment_id_fkey, DROP CONSTRAINT charges_source_file_id_fkey`,
  `CREATE FUNCTION charges_keys_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing bigint;
BEGIN${keyOfRows('invoice_id', 'invoices')}${keyOfRows('source_file_id', 'source_files')}
  RETURN NULL;
END $$`,
  `CREATE TRIGGER charges_keys_inserted AFTER INSERT ON charges REFERENCING NEW TABLE AS new_charges FOR EACH STATEMENT EXECUTE FUNCTION charges_keys_inserted()`,
  // an update of a key (nothing does this today) is checked row by row, shipment_id included
  `CREATE FUNCTION charges_keys_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN${keyOfRow('invoice_id', 'invoices')}${keyOfRow('source_file_id', 'source_files')}
  IF NEW.shipment_id IS NOT NULL THEN${keyOfRow('shipment_id', 'shipments')}
  END IF;
  RETURN NULL;
END $$`,
  `CREATE TRIGGER charges_keys_updated AFTER UPDATE OF invoice_id, shipment_id, source_file_id ON charges FOR EACH ROW EXECUTE FUNCTION charges_keys_updated()`,
  ...cascade('invoices', 'invoice_id'),
  ...cascade('shipments', 'shipment_id'),
  // source_file_id: no action (a file with charges is not deleted)
  `CREATE FUNCTION charges_keep_source_files() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kept bigint;
BEGIN
  SELECT d.id INTO kept FROM deleted d WHERE EXISTS (SELECT 1 FROM charges c WHERE c.source_file_id = d.id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'update or delete on table "source_files" violates foreign key constraint "charges_source_file_id_fkey" on table "charges"'
      USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (id)=(%s) is still referenced from table "charges".', kept);
  END IF;
  RETURN NULL;
END $$`,
  `CREATE TRIGGER charges_keep_source_files AFTER DELETE ON source_files REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION charges_keep_source_files()`,
];

const CHARGE_KEYS_DOWN = [
  `DROP TRIGGER charges_keys_inserted ON charges`,
  `DROP TRIGGER charges_keys_updated ON charges`,
  `DROP TRIGGER charges_of_deleted_invoices ON invoices`,
  `DROP TRIGGER charges_of_deleted_shipments ON shipments`,
  `DROP TRIGGER charges_keep_source_files ON source_files`,
  `DROP FUNCTION charges_keys_inserted(), charges_keys_updated(), charges_of_deleted_invoices(), charges_of_deleted_shipments(), charges_keep_source_files()`,
  `ALTER TABLE charges
    ADD CONSTRAINT charges_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE,
    ADD CONSTRAINT charges_source_file_id_fkey FOREIGN KEY (source_file_id) REFERENCES source_files (id),
    ADD CONSTRAINT charges_shipment_id_fkey FOREIGN KEY (shipment_id) REFERENCES shipments (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED`,
];

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
  streams: false,
  bigintSql: 'BIGINT',

  views: { create: 'CREATE OR REPLACE VIEW', dropFirst: false },

  async chargeKeys(db, direction) {
    for (const statement of direction === 'up' ? CHARGE_KEYS_UP : CHARGE_KEYS_DOWN) await sql.raw(statement).execute(db);
  },
  loaderChecksShipmentIds: true,

  async refreshStatistics(db, rows) {
    // Stale: `invoices` never analyzed (reltuples -1), or the charges loaded are a fifth or more
    // of what the statistics of `charges` saw (autovacuum's default is a tenth, checked once a
    // minute). Only `invoices` is analyzed: planned for one invoice per account, the audit's
    // dimensional-weight query ran a bitmap AND over the whole shipments key once per invoice
    // (2,834 x 8.5 ms); with it analyzed, 0.3 s. Analyzing charges and shipments too (1-2 s under
    // load) gained nothing more. ANALYZE of a small table, outside any transaction.
    if (rows <= 0) return;
    const seen = await sql<{ relname: string; reltuples: number }>`SELECT relname, reltuples FROM pg_class WHERE oid IN ('charges'::regclass, 'invoices'::regclass)`.execute(db);
    const charges = seen.rows.find((r) => r.relname === 'charges');
    const invoices = seen.rows.find((r) => r.relname === 'invoices');
    if (charges !== undefined && invoices !== undefined && invoices.reltuples >= 0 && charges.reltuples >= 0 && rows < charges.reltuples / 5) return;
    await sql`ANALYZE invoices`.execute(db);
  },

  idAllocator(executor, table) {
    // Drawn from the identity's sequence: safe under concurrency, never handed out twice. The
    // sequence is named once: nextval(pg_get_serial_sequence(...)) looked it up again for each
    // id (0.5 s of server time per 65,536 ids, against 0.05-0.1 s).
    let sequence: string | null = null;
    return {
      async take(n) {
        if (sequence === null) {
          const s = await sql<{ seq: string }>`SELECT pg_get_serial_sequence(${table}, 'id') AS seq`.execute(executor);
          sequence = s.rows[0]?.seq ?? null;
          if (sequence === null) throw new Error(`internal: ${table}.id has no sequence`);
        }
        const r = await sql<{ id: number }>`SELECT nextval(CAST(${sequence} AS regclass)) AS id FROM generate_series(1, ${n})`.execute(executor);
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
    // A deferred inserter's COPY runs while the caller goes on (PostgreSQL works on the other
    // core); at most one is in flight, so at most two buffers of rows are held.
    let inflight: Promise<void> | null = null;
    let failure: unknown = null;
    const settle = async (): Promise<void> => {
      if (inflight !== null) await inflight;
      inflight = null;
      if (failure !== null) throw failure;
    };
    const start = async (): Promise<void> => {
      await settle();
      const chunks = waiting;
      waiting = [];
      bytes = 0;
      client ??= await clientOf(executor);
      const c = client;
      inflight = inTurn(c, () =>
        copyIn(c, table, columns, chunks).catch((err: unknown) => {
          failure = err;
          copyFailures.set(c, err);
        }),
      );
    };
    return {
      async insert(rows) {
        if (rows.length === 0) return;
        const data = Buffer.from(copyLines(rows), 'utf8');
        waiting.push(data);
        bytes += data.length;
        if (options.deferred !== true) {
          await start();
          await settle();
        } else if (bytes >= DEFERRED_BYTES) await start();
      },
      async flush() {
        if (waiting.length > 0) await start();
        await settle();
      },
    };
  },
};
