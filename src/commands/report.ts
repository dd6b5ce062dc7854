/**
 * `etl report --out report.html`: one self-contained HTML dashboard (Chart.js and the data
 * inline, no network needed to open it) with spend per carrier and month, the cost-per-shipment
 * distribution, top surcharges, unmapped charge descriptions, unreconciled invoices and
 * data-quality issues by file, all filterable by carrier, account and month in the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeError, EXIT, SystemError } from '../errors.js';
import { loadChartLibrary } from '../report/chart-library.js';
import { linkClientScript } from '../report/client-script.js';
import { collectReportData } from '../report/data.js';
import { renderReportHtml } from '../report/html.js';
import { withOperatorData } from '../report/operators.js';
import { operatorOverrides } from './charges.js';
import { printJson, type CommandContext } from './context.js';
import { applyReportingCurrency } from './fx.js';
import { withEmissionsAndCurrency } from '../report/emissions-currency.js';

export interface ReportOptions {
  /** The HTML file to write (its directory is created when missing). */
  readonly out: string;
  /** Config file whose `charges:` overrides are shown (default ETL_CONFIG or ./etl.config.yaml). */
  readonly config?: string;
}

/**
 * The "generated" time shown in the page: now, or SOURCE_DATE_EPOCH (seconds, the
 * reproducible-builds convention) when set, so the same database gives a byte-identical file.
 */
function generatedAt(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  return epoch !== undefined && /^\d{1,12}$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}

export async function reportCommand(ctx: CommandContext, opts: ReportOptions): Promise<number> {
  const chart = loadChartLibrary();
  const base = await collectReportData(ctx.db, { generatedAt: generatedAt(), chartLibrary: { name: chart.name, version: chart.version } });
  await applyReportingCurrency(ctx, opts.config);
  const data = await withEmissionsAndCurrency(ctx.db, await withOperatorData(ctx.db, base, await operatorOverrides(ctx, opts.config)));
  const html = renderReportHtml(data, chart, linkClientScript());
  const out = path.resolve(opts.out);
  // Written beside the target and renamed, so a reader never sees half a page.
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(tmp, html);
    fs.renameSync(tmp, out);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new SystemError(`cannot write the report ${out}: ${describeError(err)}`, { cause: err });
  }
  const bytes = Buffer.byteLength(html);
  const invoices = data.spend.reduce((s, r) => s + r.invoices, 0);
  const summary = {
    out,
    bytes,
    invoices,
    currencies: Object.keys(data.currencies),
    unreconciled: data.unreconciled.length,
    unmapped_descriptions: new Set(data.unmapped.map((u) => JSON.stringify([u.carrier, u.description]))).size,
    files_with_issues: data.files.length,
  };
  if (ctx.options.json) printJson(summary);
  ctx.out.say(
    `wrote ${out} (${Math.round(bytes / 1024)} KB): ${invoices} invoices in ${summary.currencies.length} currencies, ` +
      `${summary.unreconciled} unreconciled, ${summary.unmapped_descriptions} unmapped charge descriptions, ${summary.files_with_issues} files with issues`,
  );
  return EXIT.ok;
}
