#!/usr/bin/env node
/**
 * `etl`: the command line. Exit codes: 0 success (warnings allowed), 1 some file quarantined or
 * invoice unreconciled, 2 usage or configuration error, 3 system failure.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CARRIERS } from '../carriers/index.js';
import { chargesCommand, chargesMapCommandRun } from './commands/charges.js';
import { withContext, withRunLock } from './commands/context.js';
import { ingestCommand } from './commands/ingest.js';
import { migrateCommand } from './commands/migrate.js';
import { statusCommand } from './commands/status.js';
import { resolveGlobalOptions } from './config.js';
import { describeError, EtlError, EXIT } from './errors.js';
import { PROCESS_SECRETS } from './secrets.js';

function parseSeconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds');
  return n;
}

function parsePositiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('expected a whole number from 1 to 64');
  return n;
}

// `run`, `report` and `export` are loaded only when used: playwright alone adds ~94 MB to a
// process that loads it, which `etl ingest` (peak RSS budget 200 MB) must not pay.
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command()
    .name('etl')
    .description('Invoice data-cleaning ETL for logistics carriers')
    .option('--db <url>', 'database URL: sqlite:<file> or postgres://user@host:port/db (env ETL_DATABASE_URL; default sqlite:<data-dir>/etl.sqlite)')
    .option('--data-dir <dir>', 'landing store, logs and default database (env ETL_DATA_DIR; default ./data)')
    .option('--json', 'machine-readable output on stdout')
    .option('--verbose', 'more detail on stderr')
    .showHelpAfterError()
    .exitOverride();

  const globals = () => resolveGlobalOptions(program.opts());

  program
    .command('ingest')
    .description('parse local invoice files and load them')
    .option('--carrier <id>', `carrier of the files (${CARRIERS.map((c) => c.id).join(', ')}); without it each file's carrier is recognized from its content`)
    .option('--account <number>', 'account number for files that do not state one')
    .option('--config <file>', 'charge-map overrides (its charges: section; env ETL_CONFIG; default ./etl.config.yaml if present)')
    .option('--wait-lock <seconds>', 'when another load holds the database, wait this long instead of stopping', parseSeconds)
    .option('--enqueue', 'PostgreSQL: queue one job per file for `etl worker` instead of loading here (the paths must be on storage every worker mounts at the same path)')
    .argument('<paths...>', 'files or directories')
    .action(async (paths: string[], opts: { carrier?: string; account?: string; config?: string; waitLock?: number; enqueue?: boolean }) => {
      if (opts.enqueue === true) {
        setExit(await withContext(globals(), async (ctx) => (await import('./commands/worker.js')).enqueueFilesCommand(ctx, paths, opts)));
        return;
      }
      setExit(await withContext(globals(), (ctx) => withRunLock(ctx, 'ingest', opts.waitLock, (lock) => ingestCommand(ctx, paths, opts, lock))));
    });

  program
    .command('run')
    .description('download invoices from carrier portals for the configured accounts, then ingest them')
    .option('--carrier <id>', 'only this carrier\'s accounts')
    .option('--all', 'every configured account')
    .option('--from <date>', 'first invoice date (YYYY-MM-DD); default: where the last successful run ended')
    .option('--to <date>', 'last invoice date (YYYY-MM-DD); default: today')
    .option('--config <file>', 'accounts and settings (env ETL_CONFIG; default ./etl.config.yaml)')
    .option('--wait-lock <seconds>', 'when another load holds the database, wait this long instead of stopping', parseSeconds)
    .option('--enqueue', 'PostgreSQL: queue one job per account (download + ingest) for `etl worker` instead of running them here')
    .action(async (opts: { carrier?: string; all?: boolean; from?: string; to?: string; config?: string; waitLock?: number; enqueue?: boolean }) => {
      if (opts.enqueue === true) {
        setExit(await withContext(globals(), async (ctx) => (await import('./commands/worker.js')).enqueueAccountsCommand(ctx, opts)));
        return;
      }
      setExit(await withContext(globals(), (ctx) => withRunLock(ctx, 'run', opts.waitLock, async () => (await import('./commands/run.js')).runCommand(ctx, opts))));
    });

  program
    .command('worker')
    .description('PostgreSQL: process queued account and file jobs (etl run/ingest --enqueue) until stopped; SIGTERM finishes or hands back the current jobs')
    .option('--concurrency <n>', 'jobs at once in this process (default 1; an account job runs a browser)', parsePositiveInt)
    .option('--config <file>', 'accounts, charges: overrides and worker: settings (env ETL_CONFIG; default ./etl.config.yaml)')
    .action(async (opts: { concurrency?: number; config?: string }) =>
      setExit(await withContext(globals(), async (ctx) => (await import('./commands/worker.js')).workerCommand(ctx, opts))),
    );

  program
    .command('report')
    .description('write a self-contained HTML dashboard (spend, surcharges, unreconciled invoices, data quality)')
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--config <file>', 'config file with charges: overrides to show (env ETL_CONFIG; default ./etl.config.yaml if present)')
    .action(async (opts: { out: string; config?: string }) => setExit(await withContext(globals(), async (ctx) => (await import('./commands/report.js')).reportCommand(ctx, opts))));

  program
    .command('export')
    .description('write an analyst view as CSV or XLSX')
    .requiredOption('--view <name>', 'the view to export (see docs/schema.md)')
    .option('--format <format>', 'csv or xlsx', 'csv')
    .requiredOption('--out <file>', 'the file to write')
    .option('--config <file>', 'config file whose reporting_currency: converts amounts (env ETL_CONFIG; default ./etl.config.yaml if present)')
    .action(async (opts: { view: string; format: string; out: string; config?: string }) => setExit(await withContext(globals(), async (ctx) => (await import('./commands/export.js')).exportCommand(ctx, opts))));

  const fx = program.command('fx').description('exchange rates for the reporting currency (docs/schema.md: fx_rates)');
  fx.command('import')
    .description('load reference rates in the ECB CSV format (eurofxref-hist.csv: Date, one column per currency, rates per 1 EUR); idempotent')
    .option('--config <file>', 'config file whose reporting_currency: to apply (env ETL_CONFIG; default ./etl.config.yaml if present)')
    .argument('<file>', 'the rates file')
    .action(async (file: string, opts: { config?: string }) => setExit(await withContext(globals(), async (ctx) => (await import('./commands/fx.js')).fxImportCommand(ctx, file, opts))));

  const emissions = program.command('emissions').description('emission estimates per shipment (docs/emissions.md)');
  emissions
    .command('factors')
    .description('emission factors (docs/emissions.md)')
    .command('import')
    .description('add or replace emission factors from a CSV (columns: see docs/emissions.md)')
    .argument('<file>', 'the CSV file')
    .action(async (file: string) => setExit(await withContext(globals(), async (ctx) => (await import('./commands/emissions.js')).emissionFactorsImportCommand(ctx, file))));

  program
    .command('audit')
    .description('audit findings: what the carriers billed that they should not have, per rule, carrier and currency (exit 0)')
    .option('--all', 'recompute every account\'s findings first (after changing the audit: config or the fuel rates)')
    .option('--fuel-rates <csv>', 'load the published fuel rates from this CSV (replacing fuel_rates), then recompute every account')
    .option('--since <date>', 'only findings on invoices dated from YYYY-MM-DD')
    .option('--config <file>', 'config file with the audit: section (env ETL_CONFIG; default ./etl.config.yaml if present)')
    .action(async (opts: { all?: boolean; fuelRates?: string; since?: string; config?: string }) =>
      setExit(await withContext(globals(), async (ctx) => (await import('./commands/audit.js')).auditCommand(ctx, opts))),
    );

  program
    .command('migrate')
    .description('create or upgrade the database schema (also done automatically on first use)')
    .action(async () => setExit(await migrateCommand(globals())));

  program
    .command('status')
    .description('runs, files, invoices, unreconciled invoices and issues')
    .action(async () => setExit(await withContext(globals(), statusCommand)));

  const charges = program
    .command('charges')
    .description('inspect charge lines and the charge-map overrides')
    .option('--unmapped', 'charge descriptions with no canonical code yet, with counts, an example file/row and a suggested code')
    .option('--apply-suggestions', 'with --unmapped: save every suggestion as an override (then run etl remap)')
    .option('--overrides', 'the charge-map overrides in force (config file and database)')
    .option('--config <file>', 'config file with charges: overrides (env ETL_CONFIG; default ./etl.config.yaml if present)')
    .action(async (opts: { unmapped?: boolean; applySuggestions?: boolean; overrides?: boolean; config?: string }) =>
      setExit(await withContext(globals(), (ctx) => chargesCommand(ctx, opts))),
    );
  charges
    .command('map')
    .description('map a charge label prefix (or, with --code, the carrier\'s own charge code) to a canonical code, without a rebuild')
    .requiredOption('--carrier <id>', 'the carrier whose charge it is')
    .option('--code', 'match the carrier\'s own charge code instead of the label')
    .option('--note <text>', 'why, for whoever reads the override later')
    .argument('<label-or-code>', 'label prefix as billed (case-insensitive), or the carrier\'s code with --code')
    .argument('<canonical-code>', 'one of the canonical charge codes (docs/schema.md)')
    .action(async (pattern: string, code: string, opts: { carrier: string; code?: boolean; note?: string }) =>
      setExit(await withContext(globals(), (ctx) => chargesMapCommandRun(ctx, pattern, code, opts))),
    );

  program
    .command('remap')
    .description('re-code loaded charge lines with the current charge maps and overrides (amounts and lineage never change)')
    .option('--carrier <id>', 'only this carrier\'s lines')
    .option('--dry-run', 'say what would change, change nothing')
    .option('--config <file>', 'config file with charges: overrides (env ETL_CONFIG; default ./etl.config.yaml if present)')
    .option('--wait-lock <seconds>', 'when another load holds the database, wait this long instead of stopping', parseSeconds)
    .action(async (opts: { carrier?: string; dryRun?: boolean; config?: string; waitLock?: number }) =>
      setExit(await withContext(globals(), (ctx) => withRunLock(ctx, 'remap', opts.waitLock, async () => (await import('./commands/remap.js')).remapCommand(ctx, opts)))),
    );

  program
    .command('retry')
    .description('re-run quarantined files from the landing store (the originals are not needed)')
    .option('--all', 'every quarantined file')
    .option('--carrier <id>', 'read them as this carrier\'s (default: as before)')
    .option('--account <number>', 'account number for files that do not state one (default: as before)')
    .option('--config <file>', 'config file with charges: overrides (env ETL_CONFIG; default ./etl.config.yaml if present)')
    .option('--wait-lock <seconds>', 'when another load holds the database, wait this long instead of stopping', parseSeconds)
    .argument('[source-file-ids...]', 'ids of quarantined files (etl status lists them)')
    .action(async (ids: string[], opts: { all?: boolean; carrier?: string; account?: string; config?: string; waitLock?: number }) =>
      setExit(await withContext(globals(), (ctx) => withRunLock(ctx, 'retry', opts.waitLock, async () => (await import('./commands/retry.js')).retryCommand(ctx, ids, opts)))),
    );

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof EtlError) {
      process.stderr.write(`error: ${PROCESS_SECRETS.scrub(err.message)}\n`);
      return err.exitCode;
    }
    process.stderr.write(`error: ${PROCESS_SECRETS.scrub(describeError(err))}\n`);
    if (process.env.ETL_DEBUG) process.stderr.write(`${PROCESS_SECRETS.scrub((err as Error).stack ?? '')}\n`);
    return EXIT.system;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${PROCESS_SECRETS.scrub(describeError(err))}\n`);
    process.exitCode = EXIT.system;
  },
);
