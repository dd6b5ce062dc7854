/** `etl remap [--carrier X] [--dry-run]`: re-code loaded charge lines with the current maps and overrides. */
import { recomputeFindings } from '../audit/store.js';
import { auditConfigOf } from './audit.js';
import { CARRIERS, findCarrier } from '../../carriers/index.js';
import { refreshViews } from '../db/migrate.js';
import { EXIT, UsageError } from '../errors.js';
import { remapCharges } from '../pipeline/remap.js';
import { startRun } from '../pipeline/runs.js';
import { operatorOverrides } from './charges.js';
import { printJson, type CommandContext } from './context.js';

export async function remapCommand(ctx: CommandContext, opts: { carrier?: string; dryRun?: boolean; config?: string }): Promise<number> {
  let adapters = CARRIERS;
  if (opts.carrier !== undefined) {
    const a = findCarrier(opts.carrier);
    if (a === undefined) throw new UsageError(`unknown carrier "${opts.carrier}" (known: ${CARRIERS.map((c) => c.id).join(', ')})`);
    adapters = [a];
  }
  const dryRun = opts.dryRun === true;
  const overrides = await operatorOverrides(ctx, opts.config);
  const { db, out } = ctx;
  const runId = dryRun ? null : await startRun(db, opts.carrier ? `remap --carrier ${opts.carrier}` : 'remap');
  let failure: unknown;
  let result: Awaited<ReturnType<typeof remapCharges>> | undefined;
  try {
    result = await remapCharges(db, adapters, overrides, { dryRun, runId });
    // the views read `charges` live; re-created here only if their SQL changed (a new code)
    if (!dryRun) await refreshViews(db.db, db.dialect);
    // the audit rules read the charge codes: re-coded lines may make or clear findings
    if (!dryRun && result.lines > 0) await recomputeFindings(db, 'all', auditConfigOf(opts.config));
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    if (runId !== null) {
      await db.db
        .updateTable('etl_runs')
        .set({ finished_at: new Date().toISOString(), status: failure === undefined ? 'succeeded' : 'failed', invoices: result?.invoices ?? 0, charges: result?.lines ?? 0 })
        .where('id', '=', runId)
        .execute()
        .catch(() => undefined); // the database may be what failed; the original error matters more
    }
  }
  const summary = { run_id: runId, dry_run: dryRun, invoices: result.invoices, charge_lines: result.lines, changes: result.changes, database: db.safeUrl };
  if (ctx.options.json) printJson(summary);
  for (const c of result.changes) out.say(`  ${c.carrier}: ${c.oldCode} → ${c.newCode}: ${c.lines} line(s) on ${c.invoices} invoice(s)`);
  const verb = dryRun ? 'would re-code' : 're-coded';
  out.say(`${runId === null ? 'dry run' : `run ${runId}`}: ${verb} ${result.lines} charge line(s) on ${result.invoices} invoice(s)${result.lines === 0 ? ' (nothing to change)' : ''} → ${db.safeUrl}`);
  out.log.info({ event: 'remap_summary', ...summary }, 'remap finished');
  return EXIT.ok;
}
