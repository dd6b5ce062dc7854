/**
 * Writes one analyst view to a CSV or XLSX file. The file appears only when complete: rows go
 * to a temporary file beside it, renamed over `file` at the end and removed on any failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connect.js';
import type { AnalystView } from '../db/views.js';
import { describeError, SystemError } from '../errors.js';
import { headerCells, toCells } from './cells.js';
import { CsvFileWriter } from './csv.js';
import { readView } from './read.js';
import { XlsxSheetBuilder } from './xlsx.js';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** Writes `view` to `file` as `format`; returns the number of data rows. */
export async function exportView(db: Db, view: AnalystView, format: ExportFormat, file: string): Promise<number> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new SystemError(`cannot create ${dir}: ${describeError(err)}`, { cause: err });
  }
  let rows = 0;
  try {
    if (format === 'csv') {
      const fd = openFile(tmp);
      try {
        const w = new CsvFileWriter(fd);
        w.writeRow(headerCells(view.columns));
        for await (const batch of readView(db, view)) {
          for (const row of batch) w.writeRow(toCells(view.name, view.columns, row));
          rows += batch.length;
        }
        w.flush();
      } finally {
        fs.closeSync(fd);
      }
    } else {
      const sheet = new XlsxSheetBuilder(view.name);
      sheet.addRow(headerCells(view.columns));
      for await (const batch of readView(db, view)) {
        for (const row of batch) sheet.addRow(toCells(view.name, view.columns, row));
        rows += batch.length;
      }
      fs.writeFileSync(tmp, sheet.toBuffer());
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    // a file-system failure (ENOSPC, EACCES...) names the file; anything else goes up as it is
    if (err instanceof Error && 'syscall' in err) throw new SystemError(`cannot write ${file}: ${describeError(err)}`, { cause: err });
    throw err;
  }
  return rows;
}

function openFile(file: string): number {
  try {
    return fs.openSync(file, 'w');
  } catch (err) {
    throw new SystemError(`cannot write ${file}: ${describeError(err)}`, { cause: err });
  }
}
