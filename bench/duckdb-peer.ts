/**
 * The DuckDB peer of `npm run bench`: what an analyst would write in DuckDB for the same file,
 * run through @duckdb/node-api in its own process (so its wall time and peak RSS are its own):
 * read_csv with every column as text, drop INF rows whose net is 0, map descriptions to
 * canonical codes with a CASE (built from the UPS carrier's own label table), split the
 * dimension text, and PIVOT the sums per tracking number, into a DuckDB file.
 *
 * Usage: node dist/bench/duckdb-peer.js <csv> <utf-8|latin-1> <out.duckdb>; prints JSON.
 * It does less than `etl ingest` (no validation, lineage, reconciliation or landing copy).
 */
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { UPS_CHARGES } from '../carriers/ups/charges.js';

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Positions (0-based) in the 250-column UPS Billing Data file (shared/formats.md 1c). */
const COL = { invoice: 5, lead: 13, tracking: 20, dims: 32, cls: 43, code: 44, description: 45, currency: 50, net: 52 };

function peerSql(file: string, encoding: string): string[] {
  const names = Array.from({ length: 250 }, (_, i) => `'c${i}'`).join(', ');
  const c = (k: keyof typeof COL): string => `c${COL[k]}`;
  const byLabel = UPS_CHARGES.labels.map(([label, code]) => `WHEN starts_with(${c('description')}, ${q(label)}) THEN ${q(code)}`).join('\n      ');
  const byCode = Object.entries(UPS_CHARGES.codes).map(([k, code]) => `WHEN ${c('code')} = ${q(k)} THEN ${q(code)}`).join('\n      ');
  const dim = (i: number): string => `TRY_CAST(trim(split_part(${c('dims')}, 'x', ${i})) AS DOUBLE)`;
  return [
    `CREATE OR REPLACE TABLE charges AS
    SELECT
      ${c('invoice')} AS invoice_number,
      coalesce(nullif(${c('lead')}, ''), ${c('tracking')}) AS lead_tracking_number,
      ${c('tracking')} AS tracking_number,
      ${c('description')} AS description,
      CASE WHEN ${c('cls')} = 'FRT' THEN 'freight' WHEN ${c('cls')} = 'TAX' THEN 'vat'
      ${byLabel}
      ${byCode}
      ELSE 'other' END AS charge_code,
      ${c('currency')} AS currency,
      CAST(${c('net')} AS DECIMAL(18, 2)) AS net,
      ${dim(1)} AS length, ${dim(2)} AS width, ${dim(3)} AS height
    FROM read_csv(${q(file)}, header = false, all_varchar = true, encoding = ${q(encoding)}, names = [${names}])
    WHERE NOT (${c('cls')} = 'INF' AND CAST(${c('net')} AS DECIMAL(18, 2)) = 0)`,
    `CREATE OR REPLACE TABLE shipments AS
    PIVOT (SELECT invoice_number, tracking_number, charge_code, net FROM charges) ON charge_code USING sum(net) GROUP BY invoice_number, tracking_number`,
  ];
}

async function main(): Promise<void> {
  const [file, encoding, out] = process.argv.slice(2);
  if (file === undefined || encoding === undefined || out === undefined) throw new Error('usage: duckdb-peer <csv> <utf-8|latin-1> <out.duckdb>');
  fs.rmSync(out, { force: true });
  fs.rmSync(`${out}.wal`, { force: true });
  const start = performance.now();
  const instance = await DuckDBInstance.create(out);
  const conn = await instance.connect();
  for (const statement of peerSql(file, encoding)) await conn.run(statement);
  const counts = await conn.runAndReadAll('SELECT (SELECT count(*) FROM charges) AS charges, (SELECT count(*) FROM shipments) AS shipments');
  const row = counts.getRowObjectsJS()[0] as { charges: bigint; shipments: bigint };
  conn.closeSync();
  instance.closeSync();
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ seconds, charges: Number(row.charges), shipments: Number(row.shipments) })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`duckdb peer failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
