/**
 * `etl audit [--all] [--fuel-rates <csv>] [--since D] [--json]`: the audit findings' summary
 * (findings and money at stake per rule, carrier and currency), exit 0 whatever it finds.
 * `--all` recomputes every account's findings first (after changing the `audit:` config or the
 * fuel rates); loads recompute the tracking numbers they loaded themselves (auditLoaded).
 */
import path from 'node:path';
import { readFuelRatesFile, replaceFuelRates } from '../audit/fuel-rates.js';
import { correctionTrend, recomputeFindings, recomputeLoaded, summarizeFindings, type TrendRow } from '../audit/store.js';
import type { AuditConfig } from '../audit/config.js';
import { EXIT, UsageError } from '../errors.js';
import { formatMinor } from '../model/money.js';
import { loadedFileIds, type FileResult } from '../pipeline/ingest.js';
import { loadAuditConfig } from '../run-config.js';
import { printJson, type CommandContext } from './context.js';

export interface AuditOptions {
  readonly all?: boolean;
  readonly since?: string;
  readonly fuelRates?: string;
  readonly config?: string;
}

/** The config's `audit:` section: `--config`, else ETL_CONFIG, else ./etl.config.yaml when it exists. */
export function auditConfigOf(config: string | undefined, env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const explicit = config ?? env.ETL_CONFIG;
  return loadAuditConfig(path.resolve(explicit ?? 'etl.config.yaml'), explicit !== undefined);
}

/** After a load: recompute the findings of the tracking numbers these files loaded (store.ts recomputeLoaded). */
export async function auditLoaded(ctx: CommandContext, results: readonly FileResult[], config: AuditConfig): Promise<void> {
  const ids = loadedFileIds(results);
  if (ids.length === 0) return;
  const started = performance.now();
  // what was just loaded may be most of the tables: the audit's queries are planned for it
  await ctx.db.adapter.refreshStatistics(ctx.db.db, results.reduce((n, r) => n + (r.status === 'loaded' ? r.charges : 0), 0));
  const done = await recomputeLoaded(ctx.db, ids, config);
  ctx.out.log.info({ event: 'audit', accounts: done.accounts, findings: done.findings, ms: Math.round(performance.now() - started) }, 'audit findings recomputed');
}

export async function auditCommand(ctx: CommandContext, opts: AuditOptions): Promise<number> {
  if (opts.since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.since)) throw new UsageError(`--since ${opts.since}: expected a date YYYY-MM-DD`);
  const config = auditConfigOf(opts.config);
  const ratesFile = opts.fuelRates ?? config.rate_drift.ratesFile;
  if (ratesFile !== undefined && (opts.all === true || opts.fuelRates !== undefined)) await replaceFuelRates(ctx.db, readFuelRatesFile(ratesFile));
  let recomputed: { accounts: number; findings: number } | undefined;
  if (opts.all === true || opts.fuelRates !== undefined) recomputed = await recomputeFindings(ctx.db, 'all', config);
  const rows = await summarizeFindings(ctx.db, opts.since);
  const trend = await correctionTrend(ctx.db, opts.since);
  if (ctx.options.json) {
    const withAmount = <T extends { amount_minor: number; currency: string }>(r: T) => ({ ...r, amount: formatMinor(r.amount_minor, r.currency) });
    printJson({ recomputed: recomputed ?? null, since: opts.since ?? null, summary: rows.map(withAmount), corrections_by_month: trend.map(withAmount) });
    return EXIT.ok;
  }
  if (recomputed) ctx.out.say(`recomputed ${recomputed.findings} finding(s) over ${recomputed.accounts} account(s)`);
  if (rows.length === 0) {
    ctx.out.say(`no audit findings${opts.since ? ` on invoices from ${opts.since}` : ''}`);
    return EXIT.ok;
  }
  const table = [['rule', 'carrier', 'currency', 'findings', 'at stake'], ...rows.map((r) => [r.rule, r.carrier, r.currency, String(r.findings), formatMinor(r.amount_minor, r.currency)])];
  printTable(ctx, table, 3);
  if (trend.length > 0) {
    ctx.out.say('');
    ctx.out.say('carrier corrections and fees per account and invoice month:');
    printTable(ctx, [['rule', 'carrier', 'account', 'month', 'currency', 'findings', 'amount'], ...trend.map((r: TrendRow) => [r.rule, r.carrier, r.account, r.month, r.currency, String(r.findings), formatMinor(r.amount_minor, r.currency)])], 5);
  }
  return EXIT.ok;
}

/** Columns from `numeric` on are right-aligned. */
function printTable(ctx: CommandContext, table: readonly string[][], numeric: number): void {
  const widths = (table[0] ?? []).map((_, j) => Math.max(...table.map((r) => (r[j] ?? '').length)));
  for (const r of table) ctx.out.say(r.map((cell, j) => (j >= numeric ? cell.padStart(widths[j] ?? 0) : cell.padEnd(widths[j] ?? 0))).join('  ').trimEnd());
}
