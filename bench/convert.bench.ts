/**
 * Conversion benchmark: 20 legacy `.xls` invoices to xlsx, (a) with one libreoffice-convert call
 * per file (that package starts one soffice per call) and (b) with the engine's batch converter
 * (one soffice for the whole batch). Target: (b) at least 5x faster.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { libreOfficeConverter } from '../src/pipeline/convert.js';
import { readWorkbookFile } from '../src/parsing/xlsx.js';
import { ROOT } from '../test/support/paths.js';

const require = createRequire(import.meta.url);
const lo = require('libreoffice-convert') as { convert(doc: Buffer, ext: string, filter: string | undefined, cb: (err: Error | null, out: Buffer) => void): void };

const FILES = Number(process.env.BENCH_XLS_FILES ?? 20);
const OUT = path.join(ROOT, 'bench', 'out', 'convert');

function invoiceSheet(i: number): Buffer {
  const rows: (string | number)[][] = [['DSV', '', '', ''], ['Fakturanummer / Invoice number', '', '', 7405120900 + i]];
  for (let r = 0; r < 40; r++) rows.push([`${r + 1}`, `Fragt ${r}`, 'DKK', 100 + r * 3.25], ['', 'Subtotal', 'DKK', 100 + r * 3.25]);
  const ws = XLSX.utils.aoa_to_sheet(rows);
  ws['!merges'] = [{ s: { r: 1, c: 0 }, e: { r: 1, c: 2 } }];
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, 'Faktura');
  return XLSX.write(wb, { bookType: 'xls', type: 'buffer' }) as Buffer;
}

async function main(): Promise<void> {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(path.join(OUT, 'batch'), { recursive: true });
  const docs = Array.from({ length: FILES }, (_, i) => invoiceSheet(i));

  const t0 = performance.now();
  for (const doc of docs) {
    await new Promise<Buffer>((resolve, reject) => lo.convert(doc, '.xlsx', undefined, (err, out) => (err ? reject(err) : resolve(out))));
  }
  const perFile = (performance.now() - t0) / 1000;

  const files = docs.map((d, i) => {
    const f = path.join(OUT, 'batch', `invoice-${i}.xls`);
    fs.writeFileSync(f, d);
    return f;
  });
  const t1 = performance.now();
  const out = await libreOfficeConverter({ workRoot: path.join(OUT, 'tmp') }).toXlsx(files);
  const batch = (performance.now() - t1) / 1000;
  for (const f of files) {
    const x = out.get(f);
    if (typeof x !== 'string') throw new Error(`batch conversion failed for ${f}: ${String(x)}`);
    if (readWorkbookFile(x)[0]?.rows[1]?.[3] === undefined) throw new Error(`${x} lost its content`);
  }
  const result = { files: FILES, libreoffice_convert_per_file_s: Number(perFile.toFixed(2)), batch_s: Number(batch.toFixed(2)), speedup: Number((perFile / batch).toFixed(1)) };
  fs.writeFileSync(path.join(OUT, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    [
      `xls files                               ${FILES}`,
      `(a) libreoffice-convert, one per file   ${result.libreoffice_convert_per_file_s} s (${(perFile / FILES).toFixed(2)} s/file)`,
      `(b) engine batch, one soffice           ${result.batch_s} s`,
      `speed-up a/b                            ${result.speedup}x   (target >= 5x)`,
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
