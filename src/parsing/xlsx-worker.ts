/**
 * Worker thread of readWorkbookBounded (xlsx.ts): reads one workbook under the heap limit the
 * parent set, and posts back plain arrays of cell text, or which limit the file went past.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readWorkbookFile, WorkbookLimitError, type WorkbookLimits } from './xlsx.js';

const { path, limits } = workerData as { path: string; limits: WorkbookLimits };
try {
  parentPort?.postMessage({ ok: true, sheets: readWorkbookFile(path, limits) });
} catch (err) {
  parentPort?.postMessage({
    ok: false,
    limits: err instanceof WorkbookLimitError ? err.limits : null,
    message: err instanceof Error ? err.message : String(err),
  });
}
