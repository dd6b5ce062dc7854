/**
 * `npm run bench`: how fast `etl ingest` loads a large UPS file, against a floor.
 *
 * (a) floor: udsv's streaming parser feeding better-sqlite3 prepared INSERTs in one transaction,
 *     the same rows, no cleaning: the fastest well-kept parts, doing nothing else.
 * (b) `etl ingest --carrier ups <file>` in a child process, fresh SQLite database: the whole
 *     pipeline (land + sha256, decode, parse, clean, pivot, validate, load, link, issues).
 * Reports rows/s for both, b/a, and the peak RSS of (b). BENCH_ROWS sets the size (default 500k).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { inferSchema, initParser } from 'udsv';
import { writeLargeUpsFile } from '../fixtures/generate/ups.js';
import { CLI, ROOT } from '../test/support/paths.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 500_000);
const OUT = path.join(ROOT, 'bench', 'out');
// Peak RSS of the child, printed by the child itself as it exits (kilobytes, from getrusage).
const RSS_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('BENCH_MAXRSS_KB='+process.resourceUsage().maxRSS+'\\n'))`;

async function floor(file: string): Promise<{ seconds: number; rows: number; parseOnlySeconds: number }> {
  const bareStart = performance.now();
  let bareRows = 0;
  await streamRows(file, () => {
    bareRows++;
  });
  const parseOnlySeconds = (performance.now() - bareStart) / 1000;

  const dbFile = path.join(OUT, 'floor.sqlite');
  fs.rmSync(dbFile, { force: true });
  const db = new SQLite(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE charges (id INTEGER PRIMARY KEY, invoice_number TEXT, tracking_number TEXT, charge_code TEXT,
    charge_description TEXT, amount TEXT, incentive TEXT, currency TEXT, source_row INTEGER)`);
  const insert = db.prepare('INSERT INTO charges (invoice_number, tracking_number, charge_code, charge_description, amount, incentive, currency, source_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const start = performance.now();
  let rows = 0;
  db.exec('BEGIN');
  await streamRows(file, (r) => {
    rows++;
    insert.run(r[5], r[20], r[44], r[45], r[52], r[51], r[50], rows);
  });
  db.exec('COMMIT');
  const seconds = (performance.now() - start) / 1000;
  db.close();
  if (rows !== bareRows) throw new Error(`floor read ${rows} rows, bare parse ${bareRows}`);
  return { seconds, rows, parseOnlySeconds };
}

async function streamRows(file: string, onRow: (r: string[]) => void): Promise<void> {
  let parser: ReturnType<typeof initParser> | null = null;
  const decoder = new TextDecoder();
  for await (const buf of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = decoder.decode(buf as Buffer, { stream: true });
    if (parser === null) {
      const schema = inferSchema(text, { header: () => [] });
      parser = initParser(schema);
    }
    parser.chunk<string[]>(text, parser.stringArrs, (row) => {
      onRow(row);
    });
  }
  parser?.end();
}

function ingest(file: string): Promise<{ seconds: number; maxRssKb: number; code: number | null; stdout: string; stderr: string }> {
  const dataDir = path.join(OUT, 'ingest-data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RSS_HOOK, CLI, '--data-dir', dataDir, '--json', 'ingest', '--carrier', 'ups', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - start) / 1000;
      const m = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr);
      resolve({ seconds, maxRssKb: m ? Number(m[1]) : Number.NaN, code, stdout, stderr });
    });
  });
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `ups-large-${ROWS}.csv`);
  let meta: { chargeRows: number; bytes: number };
  const metaFile = `${file}.json`;
  if (fs.existsSync(file) && fs.existsSync(metaFile)) {
    meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { chargeRows: number; bytes: number };
  } else {
    process.stderr.write(`generating ${ROWS} charge rows...\n`);
    meta = await writeLargeUpsFile(file, { chargeRows: ROWS });
    fs.writeFileSync(metaFile, JSON.stringify(meta));
  }
  process.stderr.write(`file: ${file} (${(meta.bytes / 1e6).toFixed(1)} MB, ${meta.chargeRows} rows)\n`);

  const a = await floor(file);
  const b = await ingest(file);
  if (b.code !== 0) throw new Error(`etl ingest exited ${b.code}: ${b.stderr.slice(-2000)}`);
  const summary = JSON.parse(b.stdout) as { charges: number; invoices: number };
  if (summary.charges !== meta.chargeRows) throw new Error(`etl ingest loaded ${summary.charges} charges, the file has ${meta.chargeRows}`);

  const aRate = a.rows / a.seconds;
  const bRate = summary.charges / b.seconds;
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    rows: meta.chargeRows,
    file_mb: Number((meta.bytes / 1e6).toFixed(1)),
    floor_parse_only_rows_per_s: Math.round(a.rows / a.parseOnlySeconds),
    floor_rows_per_s: Math.round(aRate),
    floor_seconds: Number(a.seconds.toFixed(2)),
    ingest_rows_per_s: Math.round(bRate),
    ingest_seconds: Number(b.seconds.toFixed(2)),
    ratio_b_over_a: Number((bRate / aRate).toFixed(2)),
    ingest_peak_rss_mb: Math.round(b.maxRssKb / 1024),
  };
  fs.writeFileSync(path.join(OUT, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  const lines = [
    `rows                     ${result.rows} (${result.file_mb} MB)`,
    `(a) floor parse only     ${result.floor_parse_only_rows_per_s} rows/s`,
    `(a) floor parse+insert   ${result.floor_rows_per_s} rows/s (${result.floor_seconds} s)`,
    `(b) etl ingest           ${result.ingest_rows_per_s} rows/s (${result.ingest_seconds} s, whole process)`,
    `b / a                    ${result.ratio_b_over_a}   (target >= 0.5)`,
    `peak RSS of etl ingest   ${result.ingest_peak_rss_mb} MB   (target < 200 MB)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
