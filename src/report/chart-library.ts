/**
 * The charting library the report inlines: Chart.js 4's UMD build, read from node_modules when
 * the report is written, so the page needs no network (and no CDN) to open. Chart.js: canvas
 * charts with stacked bars, axis titles and tooltips built in, MIT, ~200 KB minified, one file
 * with no dependencies of its own; its package exports only the ESM/CJS entries, so the UMD
 * file is found next to the resolved CJS entry.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describeError, SystemError } from '../errors.js';

export interface ChartLibrary {
  readonly name: 'chart.js';
  readonly version: string;
  /** The UMD build, safe to put inside a `<script>` element. */
  readonly source: string;
}

export function loadChartLibrary(): ChartLibrary {
  const require = createRequire(import.meta.url);
  let file: string;
  try {
    file = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  } catch (err) {
    throw new SystemError(`etl report needs the chart.js package (npm install): ${describeError(err)}`, { cause: err });
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SystemError(`cannot read the chart library ${file}: ${describeError(err)}`, { cause: err });
  }
  const version = /Chart\.js v(\d+\.\d+\.\d+)/.exec(text)?.[1] ?? 'unknown';
  // The source map is not shipped with the page; a script may not contain "</script".
  const source = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/<\/(script)/gi, '<\\/$1');
  return { name: 'chart.js', version, source };
}
