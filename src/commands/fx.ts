/**
 * `etl fx import <file>`: loads reference rates in the ECB's CSV format (src/fx/ecb.ts). A bad
 * cell refuses the whole file with every problem named by row and column: rates are reference
 * data, half a file would convert some invoices and not others. Also applies the config's
 * `reporting_currency` (see applyReportingCurrency).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeError, EXIT, UsageError } from '../errors.js';
import { parseEcbCsv } from '../fx/ecb.js';
import { setReportingCurrency, storeRates } from '../fx/store.js';
import { loadReportingCurrency } from '../run-config.js';
import { printJson, type CommandContext } from './context.js';

/**
 * Makes the database's reporting currency the config's `reporting_currency` (`--config`, else
 * ETL_CONFIG, else ./etl.config.yaml when it exists; none when the file sets none). The views
 * read it, so `etl report` and `etl export` call this first.
 */
export async function applyReportingCurrency(ctx: CommandContext, config: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const explicit = config ?? env.ETL_CONFIG;
  const currency = loadReportingCurrency(path.resolve(explicit ?? 'etl.config.yaml'), explicit !== undefined);
  if (await setReportingCurrency(ctx.db.db, currency)) ctx.out.debug(`reporting currency: ${currency ?? 'none'}`);
  return currency;
}

export async function fxImportCommand(ctx: CommandContext, file: string, opts: { config?: string }): Promise<number> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${describeError(err)}`);
  }
  const parsed = parseEcbCsv(text);
  if (parsed.problems.length > 0) {
    const shown = parsed.problems.slice(0, 20).map((p) => `${file}: row ${p.row}, column ${p.column}: ${p.message}`);
    const more = parsed.problems.length > 20 ? `\n... and ${parsed.problems.length - 20} more` : '';
    throw new UsageError(`${file} was not imported (no rate changed):\n${shown.join('\n')}${more}`);
  }
  if (parsed.rates.length === 0) throw new UsageError(`${file}: no rates (every cell is N/A or empty)`);
  const summary = await storeRates(ctx.db.db, file, parsed.rates);
  const reporting = await applyReportingCurrency(ctx, opts.config);
  if (ctx.options.json) printJson({ file: path.resolve(file), ...summary, reporting_currency: reporting });
  else {
    ctx.out.say(
      `imported ${summary.rates} rates (${summary.currencies.length} currencies, ${summary.first} to ${summary.last}) from ${file}: ` +
        `${summary.added} new, ${summary.revised} revised, ${summary.unchanged} unchanged; reporting currency: ${reporting ?? 'none'}`,
    );
  }
  return EXIT.ok;
}
