/**
 * `etl export --view <name> --format csv|xlsx --out <file>`: writes one analyst view (the
 * allow-list in src/db/views.ts) for spreadsheets and BI tools. How each kind of value is written
 * is decided in src/export/cells.ts; the formats are described in src/export/csv.ts and xlsx.ts
 * and in docs/schema.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { analystView, ANALYST_VIEW_NAMES, TABLE_EXPORT_NAMES } from '../db/views.js';
import { EXIT, UsageError } from '../errors.js';
import { EXPORT_FORMATS, exportView, isExportFormat } from '../export/write.js';
import { printJson, type CommandContext } from './context.js';
import { applyReportingCurrency } from './fx.js';

export interface ExportOptions {
  readonly view: string;
  readonly format: string;
  readonly out: string;
  /** Config file whose `reporting_currency:` the views convert to (default ETL_CONFIG or ./etl.config.yaml). */
  readonly config?: string;
}

export async function exportCommand(ctx: CommandContext, opts: ExportOptions): Promise<number> {
  const view = analystView(opts.view);
  if (view === undefined) {
    throw new UsageError(`unknown view "${opts.view}": etl export writes one of ${[...ANALYST_VIEW_NAMES, ...TABLE_EXPORT_NAMES].join(', ')}`);
  }
  const format = opts.format.toLowerCase();
  if (!isExportFormat(format)) throw new UsageError(`unknown format "${opts.format}": use ${EXPORT_FORMATS.join(' or ')}`);
  if (opts.out.trim() === '') throw new UsageError('--out names no file');
  if (fs.statSync(opts.out, { throwIfNoEntry: false })?.isDirectory() === true) throw new UsageError(`--out ${opts.out} is a directory; name the file to write`);
  const ext = path.extname(opts.out).slice(1).toLowerCase();
  if (isExportFormat(ext) && ext !== format) ctx.out.warn(`${opts.out} ends in .${ext} but the format is ${format}`);

  await applyReportingCurrency(ctx, opts.config);
  const started = Date.now();
  const rows = await exportView(ctx.db, view, format, opts.out);
  const file = path.resolve(opts.out);
  ctx.out.log.info({ view: view.name, format, file, rows, ms: Date.now() - started }, 'export');
  if (ctx.options.json) printJson({ view: view.name, format, file, rows });
  else ctx.out.say(`wrote ${rows} row${rows === 1 ? '' : 's'} of ${view.name} to ${file}`);
  return EXIT.ok;
}
