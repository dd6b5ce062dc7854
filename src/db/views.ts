/**
 * Analyst views, generated from the canonical charge codes and the money rules so that they can
 * never disagree with the code. Decimals are computed from minor units per currency exponent.
 */
import { CHARGE_CODES } from '../model/charge-codes.js';
import { minorDigitExceptions } from '../model/money.js';
import type { Dialect } from './connect.js';

/** SQL turning integer minor units `expr` into a decimal, for the currency in `currencyExpr`. */
export function decimalSql(dialect: Dialect, expr: string, currencyExpr: string): string {
  const byDigits = new Map<number, string[]>();
  for (const [cur, d] of minorDigitExceptions()) byDigits.set(d, [...(byDigits.get(d) ?? []), cur]);
  const whens = [...byDigits.entries()].map(([d, curs]) => `WHEN ${currencyExpr} IN (${curs.map((c) => `'${c}'`).join(', ')}) THEN ${d}`);
  const digits = `CASE ${whens.join(' ')} ELSE 2 END`;
  const divisor = `CASE ${[...byDigits.entries()].map(([d, curs]) => `WHEN ${currencyExpr} IN (${curs.map((c) => `'${c}'`).join(', ')}) THEN ${10 ** d}`).join(' ')} ELSE 100 END`;
  return dialect === 'postgres'
    ? `ROUND(CAST(${expr} AS NUMERIC) / ${divisor}, ${digits})`
    : `ROUND(CAST(${expr} AS REAL) / ${divisor}, ${digits})`;
}

/** DROP + CREATE statements for every view, in order. */
export function viewStatements(dialect: Dialect): string[] {
  const dec = (expr: string) => decimalSql(dialect, expr, 'i.currency');
  const perCode = CHARGE_CODES.map(
    (code) => `  ${dec(`SUM(CASE WHEN c.charge_code = '${code}' THEN c.amount_minor ELSE 0 END)`)} AS "${code}"`,
  ).join(',\n');
  const reconciled = dialect === 'postgres' ? 'i.reconciled' : 'CASE WHEN i.reconciled IS NULL THEN NULL WHEN i.reconciled = 1 THEN 1 ELSE 0 END';
  // PostgreSQL: CREATE OR REPLACE keeps analysts' own views on ours working (a DROP would fail
  // on them); it only appends columns, which is how new charge codes arrive. SQLite has no
  // OR REPLACE for views, and its DROP does not check dependants.
  const create = dialect === 'postgres' ? 'CREATE OR REPLACE VIEW' : 'CREATE VIEW';
  const drops = dialect === 'postgres' ? [] : ['DROP VIEW IF EXISTS shipment_costs', 'DROP VIEW IF EXISTS invoice_summary'];
  return [
    ...drops,
    `${create} shipment_costs AS
SELECT
  s.id AS shipment_id,
  i.carrier,
  i.account_number,
  i.invoice_number,
  i.invoice_date,
  s.tracking_number,
  s.lead_tracking_number,
  s.service,
  s.ship_date,
  s.zone,
  s.billed_weight,
  s.weight_unit,
  i.currency,
  ${dec('s.net_total_minor')} AS total,
${perCode}
FROM shipments s
JOIN invoices i ON i.id = s.invoice_id
LEFT JOIN charges c ON c.shipment_id = s.id
GROUP BY s.id, i.id`,
    `${create} invoice_summary AS
SELECT
  i.id AS invoice_id,
  i.carrier,
  i.account_number,
  i.invoice_number,
  i.invoice_date,
  i.currency,
  ${dec('i.stated_total_minor')} AS stated_total,
  ${dec('i.net_total_minor')} AS net_total,
  ${dec('i.net_total_minor - i.stated_total_minor')} AS difference,
  ${reconciled} AS reconciled,
  i.shipment_count,
  i.charge_count,
  f.original_name AS source_file,
  (SELECT COUNT(*) FROM data_issues d WHERE d.source_file_id = i.source_file_id AND d.severity = 'error') AS file_errors,
  (SELECT COUNT(*) FROM data_issues d WHERE d.source_file_id = i.source_file_id AND d.severity = 'warning') AS file_warnings
FROM invoices i
JOIN source_files f ON f.id = i.source_file_id`,
  ];
}
