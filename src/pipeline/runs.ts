/** etl_runs bookkeeping: one row per command that loads data. */
import type { Db } from '../db/connect.js';
import type { FileResult } from './ingest.js';

export async function startRun(db: Db, command: string): Promise<number> {
  const row = await db.db
    .insertInto('etl_runs')
    .values({ command, started_at: new Date().toISOString(), status: 'running' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRun(db: Db, runId: number, results: readonly FileResult[], failure: unknown, otherProblems = false): Promise<void> {
  const count = (s: FileResult['status']) => results.filter((r) => r.status === s).length;
  const sum = (k: 'invoices' | 'charges' | 'unreconciled' | 'errors' | 'warnings') => results.reduce((a, r) => a + r[k], 0);
  const dataProblems = otherProblems || count('quarantined') > 0 || count('unreadable') > 0 || sum('unreconciled') > 0;
  await db.db
    .updateTable('etl_runs')
    .set({
      finished_at: new Date().toISOString(),
      status: failure !== undefined ? 'failed' : dataProblems ? 'data_problems' : 'succeeded',
      files_loaded: count('loaded'),
      files_skipped: count('skipped'),
      files_quarantined: count('quarantined'),
      invoices: sum('invoices'),
      charges: sum('charges'),
      unreconciled: sum('unreconciled'),
      issues: sum('errors') + sum('warnings'),
    })
    .where('id', '=', runId)
    .execute()
    .catch(() => undefined); // the database may be what failed; the original error matters more
}
