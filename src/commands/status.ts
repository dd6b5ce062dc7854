/** `etl status [--json]`: what the database holds, and what needs attention. */
import { sql } from 'kysely';
import { EXIT } from '../errors.js';
import { printJson, type CommandContext } from './context.js';

export async function statusCommand(ctx: CommandContext): Promise<number> {
  const { db } = ctx.db;
  const files = await db.selectFrom('source_files').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
  const inv = await db
    .selectFrom('invoices')
    .select([
      sql<number>`count(*)`.as('invoices'),
      sql<number>`coalesce(sum(case when reconciled = ${sql.raw(ctx.db.adapter.boolSql(false))} then 1 else 0 end), 0)`.as('unreconciled'),
      sql<number>`coalesce(sum(charge_count), 0)`.as('charges'),
      sql<number>`coalesce(sum(shipment_count), 0)`.as('shipments'),
    ])
    .executeTakeFirstOrThrow();
  const issues = await db.selectFrom('data_issues').select(['severity', sql<number>`count(*)`.as('n')]).groupBy('severity').execute();
  const lastRun = await db.selectFrom('etl_runs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  const runs = await db.selectFrom('etl_runs').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  const quarantined = await db
    .selectFrom('source_files')
    .select(['original_name', 'message'])
    .where('status', '=', 'quarantined')
    .orderBy('id', 'desc')
    .limit(10)
    .execute();
  const byStatus = Object.fromEntries(files.map((f) => [f.status, Number(f.n)]));
  const status = {
    database: ctx.db.safeUrl,
    runs: Number(runs.n),
    last_run: lastRun ?? null,
    files: { loaded: byStatus.loaded ?? 0, quarantined: byStatus.quarantined ?? 0, superseded: byStatus.superseded ?? 0 },
    invoices: Number(inv.invoices),
    shipments: Number(inv.shipments),
    charges: Number(inv.charges),
    unreconciled: Number(inv.unreconciled),
    issues: Object.fromEntries(issues.map((i) => [i.severity, Number(i.n)])),
    recent_quarantined: quarantined,
  };
  if (ctx.options.json) {
    printJson(status);
    return EXIT.ok;
  }
  const lines = [
    `database      ${status.database}`,
    `runs          ${status.runs}${lastRun ? ` (last: #${lastRun.id} ${lastRun.command}, ${lastRun.status})` : ''}`,
    `files         ${status.files.loaded} loaded, ${status.files.quarantined} quarantined, ${status.files.superseded} superseded`,
    `invoices      ${status.invoices} (${status.unreconciled} unreconciled)`,
    `shipments     ${status.shipments}`,
    `charge lines  ${status.charges}`,
    `issues        ${Object.entries(status.issues).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`,
  ];
  for (const q of quarantined) lines.push(`quarantined   ${q.original_name}: ${q.message ?? ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
