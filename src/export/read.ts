/**
 * Reads a whole view in batches without holding it in memory, in a stable order (the view's
 * `orderBy`, unique per row), from one consistent snapshot.
 *
 * - SQLite: Kysely's `.stream()` (better-sqlite3 steps the statement row by row).
 * - PostgreSQL: Kysely's `.stream()` needs pg-cursor, which we do not ship, and LIMIT/OFFSET
 *   re-runs the view's aggregation for every page (quadratic on a million shipments); a
 *   server-side cursor (`DECLARE ... CURSOR` + `FETCH`) in one read-only transaction streams
 *   the same query at the cost of one sort.
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import { exportSelect, isCreatedView, type AnalystView, type ExportName } from '../db/views.js';

export type ViewRow = Readonly<Record<string, unknown>>;

type Views = { [K in ExportName]: Record<string, unknown> };

/**
 * The view's rows in its stable order. SQLite reads the view's own SELECT with its money as
 * exact decimal text (viewSelects), not the view, whose REAL decimals lose cents above about
 * 4.5e13: an export never puts an amount through a float. PostgreSQL's numeric is exact already.
 */
function viewQuery(db: Kysely<Database & Views>, view: AnalystView, dialect: Db['dialect']) {
  // a table exported like a view (audit_findings) is read through its SELECT on both databases
  const source =
    dialect === 'sqlite' || !isCreatedView(view.name) ? sql<Record<string, unknown>>`(${sql.raw(exportSelect(dialect, view.name, dialect === 'sqlite'))})` : sql<Record<string, unknown>>`${sql.table(view.name)}`;
  let q = db.selectFrom(source.as(view.name)).select(view.columns.map((c) => db.dynamic.ref<string>(c.name)));
  for (const o of view.orderBy) q = q.orderBy(db.dynamic.ref<string>(o));
  return q;
}

/** Yields the rows of `view`, `batchSize` at a time. */
export async function* readView(handle: Db, view: AnalystView, batchSize = 2000): AsyncGenerator<ViewRow[]> {
  const db = handle.db.withTables<Views>();
  const query = viewQuery(db, view, handle.dialect);
  if (handle.dialect === 'sqlite') {
    let batch: ViewRow[] = [];
    for await (const row of query.stream()) {
      batch.push(row);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return;
  }
  const trx = await db.startTransaction().setAccessMode('read only').execute();
  let done = false;
  try {
    // The view name and columns come from the allow-list in views.ts, never from the user.
    await sql.raw(`DECLARE etl_export NO SCROLL CURSOR FOR ${query.compile().sql}`).execute(trx);
    for (;;) {
      const { rows } = await sql.raw<ViewRow>(`FETCH FORWARD ${batchSize} FROM etl_export`).execute(trx);
      if (rows.length === 0) break;
      yield rows;
    }
    done = true;
  } finally {
    // Read-only: commit and rollback are the same; rollback also ends an aborted transaction.
    if (done) await trx.commit().execute();
    else await trx.rollback().execute().catch(() => undefined);
  }
}
