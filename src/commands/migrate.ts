/** `etl migrate`: migrations also run on first use; this runs them explicitly and reports. */
import type { GlobalOptions } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { describeError, EXIT, SystemError } from '../errors.js';
import { createOutput } from '../log.js';
import { printJson } from './context.js';

export async function migrateCommand(options: GlobalOptions): Promise<number> {
  const out = createOutput(options.dataDir, options);
  const db = await openDatabase(options.dbUrl, { migrate: false });
  try {
    const { error, results, viewsRefreshed } = await migrateToLatest(db.db, db.dialect);
    if (error !== undefined) throw new SystemError(`migrating ${db.safeUrl} failed: ${describeError(error)}`, { cause: error });
    const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (options.json) printJson({ database: db.safeUrl, applied, views_refreshed: viewsRefreshed ?? false });
    else out.say(applied.length > 0 ? `${db.safeUrl}: applied ${applied.join(', ')}` : `${db.safeUrl}: schema is up to date`);
    return EXIT.ok;
  } finally {
    await db.close();
  }
}
