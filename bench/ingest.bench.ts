/**
 * `npm run bench`: how fast `etl ingest` loads a large UPS file, against a floor and a peer.
 *
 * (a) floor: udsv's streaming parser feeding better-sqlite3 prepared INSERTs in one transaction,
 *     the same rows, no cleaning: the fastest well-kept parts, doing nothing else.
 * (b) `etl ingest --carrier ups <file>` in a child process, fresh SQLite database: the whole
 *     pipeline (land + sha256, decode, parse, clean, pivot, validate, load, link, issues).
 * (c) the same on a fresh PostgreSQL database (BENCH_PG_URL, default the local server; a
 *     database is created and dropped; BENCH_SKIP_POSTGRES=1 leaves it out).
 * (d) the DuckDB peer (bench/duckdb-peer.ts) on the same file: the headline ratio is (b)'s wall
 *     time over DuckDB's.
 * Then (b) and (d) again on a many-invoice German Latin-1 file of the same size.
 * Reports rows/s, b/a, b/DuckDB and peak RSS of every child. The size is BENCH_ROWS or
 * `--rows N` (default 500k; `--rows 2000000` is the 2M-row run).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { inferSchema, initParser } from 'udsv';
import pg from 'pg';
import { writeLargeGermanUpsFile, writeLargeUpsFile } from '../fixtures/generate/ups.js';
import { CLI, ROOT } from '../test/support/paths.js';

function rowsOption(): number {
  const i = process.argv.indexOf('--rows');
  const n = Number(i >= 0 ? process.argv[i + 1] : (process.env.BENCH_ROWS ?? 500_000));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('--rows / BENCH_ROWS must be a positive integer');
  return n;
}

const ROWS = rowsOption();
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PEER = path.join(ROOT, 'dist', 'bench', 'duckdb-peer.js');
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

interface Child {
  seconds: number;
  maxRssKb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * (e) the write floor: the rows (b) loaded into `shipments` and `charges`, read back and inserted
 * again into a fresh database with the same tables and indexes (foreign keys off: their parent
 * rows are not copied), one prepared statement per row in one transaction, nothing else: what
 * SQLite alone needs to store this file in our schema, whatever parses and cleans it.
 */
function writeFloor(loaded: string): { seconds: number; rows: number } {
  const src = new SQLite(loaded, { readonly: true });
  const dbFile = path.join(OUT, 'write-floor.sqlite');
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
  const db = new SQLite(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = OFF');
  const ddl = src.prepare(`SELECT sql FROM sqlite_master WHERE tbl_name IN ('shipments', 'charges') AND sql IS NOT NULL ORDER BY type DESC`).all() as { sql: string }[];
  for (const d of ddl) db.exec(d.sql);
  const tables = ['shipments', 'charges'].map((t) => {
    const read = src.prepare(`SELECT * FROM ${t} ORDER BY id`).raw();
    const cols = read.columns().map((c) => c.name);
    return { rows: read.all() as unknown[][], insert: db.prepare(`INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`) };
  });
  src.close();
  const start = performance.now();
  db.exec('BEGIN');
  let rows = 0;
  for (const t of tables) {
    for (const r of t.rows) t.insert.run(r);
    rows += t.rows.length;
  }
  db.exec('COMMIT');
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return { seconds, rows };
}

/** Runs node `args` as a child; wall time from spawn to exit, peak RSS as the child reports it. */
function child(args: readonly string[]): Promise<Child> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', RSS_HOOK, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => {
      const seconds = (performance.now() - start) / 1000;
      const m = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr);
      resolve({ seconds, maxRssKb: m ? Number(m[1]) : Number.NaN, code, stdout, stderr });
    });
  });
}

/** `etl ingest` of `file` into a fresh database (`db`: a URL, or a fresh SQLite one). */
async function ingest(file: string, db: string | null = null): Promise<Child & { charges: number }> {
  const dataDir = path.join(OUT, 'ingest-data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const r = await child([CLI, '--data-dir', dataDir, ...(db === null ? [] : ['--db', db]), '--json', 'ingest', '--carrier', 'ups', file]);
  if (r.code !== 0) throw new Error(`etl ingest exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return { ...r, charges: (JSON.parse(r.stdout) as { charges: number }).charges };
}

/** `etl ingest` into a PostgreSQL database created for it and dropped after. */
async function ingestPostgres(file: string): Promise<Child & { charges: number }> {
  const name = `etl_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${name}`;
    return await ingest(file, u.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

async function duckdb(file: string, encoding: 'utf-8' | 'latin-1'): Promise<Child & { charges: number }> {
  const r = await child([PEER, file, encoding, path.join(OUT, 'peer.duckdb')]);
  if (r.code !== 0) throw new Error(`the DuckDB peer exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return { ...r, charges: (JSON.parse(r.stdout) as { charges: number }).charges };
}

/** The bench file, generated once per size and kept under bench/out. */
async function benchFile(kind: 'en' | 'de'): Promise<{ file: string; meta: { rows: number; bytes: number; invoices: number } }> {
  const file = path.join(OUT, kind === 'en' ? `ups-large-${ROWS}.csv` : `ups-large-de-latin1-${ROWS}.csv`);
  const metaFile = `${file}.json`;
  if (fs.existsSync(file) && fs.existsSync(metaFile)) {
    const m = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { chargeRows?: number; rows?: number; bytes: number; invoices?: number };
    return { file, meta: { rows: m.rows ?? m.chargeRows ?? 0, bytes: m.bytes, invoices: m.invoices ?? 1 } };
  }
  process.stderr.write(`generating ${ROWS} rows (${kind})...\n`);
  if (kind === 'en') {
    const m = await writeLargeUpsFile(file, { chargeRows: ROWS });
    fs.writeFileSync(metaFile, JSON.stringify(m));
    return { file, meta: { rows: m.chargeRows, bytes: m.bytes, invoices: 1 } };
  }
  const m = await writeLargeGermanUpsFile(file, { chargeRows: ROWS });
  fs.writeFileSync(metaFile, JSON.stringify(m));
  return { file, meta: m };
}

const mb = (kb: number): number => Math.round(kb / 1024);
const s2 = (x: number): number => Number(x.toFixed(2));

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const en = await benchFile('en');
  const de = await benchFile('de');
  const load = (): string => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  process.stderr.write(`file: ${en.file} (${(en.meta.bytes / 1e6).toFixed(1)} MB, ${en.meta.rows} rows)\n`);
  const loadBefore = load();

  // progress on stderr as each part ends (a long run can be read before it finishes)
  const note = (what: string, r: { seconds: number; maxRssKb?: number }): void => {
    process.stderr.write(`${what}: ${r.seconds.toFixed(2)} s${r.maxRssKb === undefined ? '' : `, peak RSS ${mb(r.maxRssKb)} MB`} (load ${load()})\n`);
  };
  const a = await floor(en.file);
  note('(a) floor', a);
  const b = await ingest(en.file);
  note('(b) etl ingest, SQLite', b);
  if (b.charges !== en.meta.rows) throw new Error(`etl ingest loaded ${b.charges} charges, the file has ${en.meta.rows}`);
  const e = writeFloor(path.join(OUT, 'ingest-data', 'etl.sqlite'));
  note('(e) write floor', e);
  const c = process.env.BENCH_SKIP_POSTGRES === '1' ? null : await ingestPostgres(en.file);
  if (c !== null && c.charges !== en.meta.rows) throw new Error(`etl ingest (PostgreSQL) loaded ${c.charges} charges, the file has ${en.meta.rows}`);
  if (c !== null) note('(c) etl ingest, PostgreSQL', c);
  const d = await duckdb(en.file, 'utf-8');
  note('(d) DuckDB', d);
  if (d.charges !== en.meta.rows) throw new Error(`the DuckDB peer kept ${d.charges} charges, the file has ${en.meta.rows}`);
  const bDe = await ingest(de.file);
  note('German file, etl ingest', bDe);
  const dDe = await duckdb(de.file, 'latin-1');
  note('German file, DuckDB', dDe);
  if (dDe.charges !== bDe.charges) throw new Error(`the DuckDB peer kept ${dDe.charges} charges of the German file, etl ingest ${bDe.charges}`);

  const aRate = a.rows / a.seconds;
  const bRate = b.charges / b.seconds;
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    load_average_before: loadBefore,
    load_average_after: load(),
    rows: en.meta.rows,
    file_mb: Number((en.meta.bytes / 1e6).toFixed(1)),
    floor_parse_only_rows_per_s: Math.round(a.rows / a.parseOnlySeconds),
    floor_rows_per_s: Math.round(aRate),
    floor_seconds: s2(a.seconds),
    ingest_rows_per_s: Math.round(bRate),
    ingest_seconds: s2(b.seconds),
    ratio_b_over_a: s2(bRate / aRate),
    ingest_peak_rss_mb: mb(b.maxRssKb),
    postgres_rows_per_s: c === null ? null : Math.round(c.charges / c.seconds),
    postgres_seconds: c === null ? null : s2(c.seconds),
    postgres_peak_rss_mb: c === null ? null : mb(c.maxRssKb),
    duckdb_seconds: s2(d.seconds),
    duckdb_peak_rss_mb: mb(d.maxRssKb),
    ratio_ingest_over_duckdb: s2(b.seconds / d.seconds),
    write_floor_rows: e.rows,
    write_floor_seconds: s2(e.seconds),
    ratio_write_floor_over_duckdb: s2(e.seconds / d.seconds),
    de_file_mb: Number((de.meta.bytes / 1e6).toFixed(1)),
    de_rows: de.meta.rows,
    de_invoices: de.meta.invoices,
    de_charges: bDe.charges,
    de_ingest_seconds: s2(bDe.seconds),
    de_ingest_peak_rss_mb: mb(bDe.maxRssKb),
    de_duckdb_seconds: s2(dDe.seconds),
    de_duckdb_peak_rss_mb: mb(dDe.maxRssKb),
    de_ratio_ingest_over_duckdb: s2(bDe.seconds / dDe.seconds),
  };
  fs.writeFileSync(path.join(OUT, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  const lines = [
    `load average             ${result.load_average_before} before, ${result.load_average_after} after (2 cores; numbers are only comparable on an idle machine)`,
    `rows                     ${result.rows} (${result.file_mb} MB, English, UTF-8, 1 invoice)`,
    `(a) floor parse only     ${result.floor_parse_only_rows_per_s} rows/s`,
    `(a) floor parse+insert   ${result.floor_rows_per_s} rows/s (${result.floor_seconds} s)`,
    `(b) etl ingest, SQLite   ${result.ingest_rows_per_s} rows/s (${result.ingest_seconds} s, whole process, peak RSS ${result.ingest_peak_rss_mb} MB)`,
    c === null
      ? `(c) etl ingest, PostgreSQL  skipped (BENCH_SKIP_POSTGRES=1)`
      : `(c) etl ingest, PostgreSQL  ${result.postgres_rows_per_s} rows/s (${result.postgres_seconds} s, peak RSS ${result.postgres_peak_rss_mb} MB)   (target >= 100000 rows/s)`,
    `(d) DuckDB peer          ${result.duckdb_seconds} s (peak RSS ${result.duckdb_peak_rss_mb} MB)`,
    `(e) write floor          ${result.write_floor_seconds} s (${result.write_floor_rows} shipment and charge rows (b) loaded, re-inserted into our tables alone)`,
    `b / a (floor ratio)      ${result.ratio_b_over_a}   (target >= 0.5)`,
    `b / DuckDB (headline)    ${result.ratio_ingest_over_duckdb}   (target <= 1.0: our wall time over DuckDB's, same file)`,
    `e / DuckDB               ${result.ratio_write_floor_over_duckdb}   (above 1.0, storing the rows in SQLite alone takes longer than DuckDB's whole job)`,
    `peak RSS of etl ingest   ${result.ingest_peak_rss_mb} MB   (target < 200 MB)`,
    `German Latin-1 file      ${result.de_rows} rows, ${result.de_invoices} invoices, ${result.de_file_mb} MB: etl ingest (SQLite) ${result.de_ingest_seconds} s / ${result.de_ingest_peak_rss_mb} MB, DuckDB ${result.de_duckdb_seconds} s / ${result.de_duckdb_peak_rss_mb} MB`,
    `b / DuckDB, German       ${result.de_ratio_ingest_over_duckdb}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
