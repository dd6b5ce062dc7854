import { readWorkbookBounded, type SheetGrid } from '../parsing/xlsx.js';
import type { ParseInput } from './contract.js';

export type { CellRange, SheetGrid } from '../parsing/xlsx.js';

/**
 * Every sheet of a workbook input as grids of cell text (see parsing/xlsx.ts). Workbooks are
 * invoice-sized, so they are read whole, within the workbook limits (the engine has normally read
 * them already, and quarantined a file past a limit). Throws only when the file is not a readable
 * workbook; parse functions should catch that and yield a `wrong_format` issue.
 */
export async function readWorkbook(input: ParseInput): Promise<readonly SheetGrid[]> {
  if (input.kind !== 'workbook') throw new Error(`${input.file} is not a workbook`);
  return input.sheets ?? readWorkbookBounded(input.path);
}
