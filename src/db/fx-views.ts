/**
 * Reporting-currency columns of `cost_per_shipment` and `spend_by_month` (issue 14). The
 * reporting currency is the `reporting_currency` row of `etl_meta` (written from the config's
 * `reporting_currency` by `etl report`, `etl export` and `etl fx import`; absent = none, and the
 * new columns are NULL: today's behaviour). Rates come from `fx_rates` (ECB reference rates per
 * 1 EUR, `etl fx import`): an invoice uses the rates of its invoice date, or the last date
 * published before it, at most FX_MAX_AGE_DAYS earlier, on which both its currency and the
 * reporting currency have a rate. The conversion and its rounding are money.ts's
 * convertedMinorSql; nothing here rounds.
 */
import { convertedMinorSql } from '../model/money.js';
import { dialectAdapter, type Dialect } from './dialect/index.js';

/**
 * How far back a rate may be: the ECB publishes on TARGET working days, so the longest gap is
 * the Easter weekend (Thursday's rate for the Tuesday after Easter Monday: 5 days). An invoice
 * with no rate within a week is left unconverted rather than given a stale rate.
 */
export const FX_MAX_AGE_DAYS = 7;

/** The reporting currency as a one-row derived table `rc(code)` (code NULL when none is set). */
export const REPORTING_CURRENCY_SQL = `(SELECT (SELECT value FROM etl_meta WHERE key = 'reporting_currency') AS code) rc`;

/** The rate date an invoice of `currency` dated `date` uses for conversion to rc.code. */
export function rateDateSql(dialect: Dialect, currency: string, date: string): string {
  const earliest = dialect === 'postgres' ? `${date} - ${FX_MAX_AGE_DAYS}` : `date(${date}, '-${FX_MAX_AGE_DAYS} days')`;
  return `(SELECT MAX(fa.rate_date) FROM fx_rates fa JOIN fx_rates fb ON fb.rate_date = fa.rate_date AND fb.currency = rc.code
    WHERE fa.currency = ${currency} AND fa.rate_date <= ${date} AND fa.rate_date >= ${earliest})`;
}

/** Converted minor units: the identity when the currency is the reporting one, else money.ts's rule. */
function convertedSql(dialect: Dialect, amount: string, currency: string): string {
  return `CASE WHEN rc.code IS NULL THEN NULL WHEN ${currency} = rc.code THEN ${amount} ELSE ${convertedMinorSql(dialect, amount, currency, 'rc.code', 'ra.rate_micro', 'rr.rate_micro')} END`;
}

type Decimal = (expr: string, currencyExpr: string) => string;

/** `cost_per_shipment` (its SELECT `base`) with the shipment total in the reporting currency. */
export function costPerShipmentWithFx(dialect: Dialect, base: string, decimal: Decimal): string {
  return `SELECT
  b.*,
  rc.code AS reporting_currency,
  ${decimal(convertedSql(dialect, 's2.net_total_minor', 'b.currency'), 'rc.code')} AS reporting_total,
  ra.rate AS fx_rate,
  rr.rate AS fx_rate_reporting,
  ra.rate_date AS fx_rate_date
FROM (
${base}
) b
JOIN shipments s2 ON s2.id = b.shipment_id
CROSS JOIN ${REPORTING_CURRENCY_SQL}
LEFT JOIN fx_rates ra ON ra.currency = b.currency AND ra.rate_date = ${rateDateSql(dialect, 'b.currency', 'b.invoice_date')}
LEFT JOIN fx_rates rr ON rr.currency = rc.code AND rr.rate_date = ra.rate_date`;
}

/**
 * `spend_by_month`: charges per carrier, account, month, code and currency, plus the amount in
 * the reporting currency. Invoices of one row may have different rate dates: each rate date's
 * part is converted (rounded once), then the parts are added; the row names the first and last
 * rate date and how many there were. The converted amount is NULL when any part has no rate.
 */
export function spendByMonthSql(dialect: Dialect, month: string, decimal: Decimal): string {
  const bigint = dialectAdapter(dialect).bigintSql;
  return `SELECT
  t.carrier,
  t.account_number,
  t.month,
  t.charge_code,
  t.currency,
  CAST(SUM(t.charge_count) AS ${bigint}) AS charge_count,
  ${decimal('SUM(t.amount_minor)', 't.currency')} AS amount,
  CAST(SUM(t.amount_minor) AS ${bigint}) AS amount_minor,
  MAX(t.reporting_currency) AS reporting_currency,
  CASE WHEN COUNT(t.reporting_minor) = COUNT(*) THEN ${decimal('SUM(t.reporting_minor)', 'MAX(t.reporting_currency)')} END AS reporting_amount,
  CASE WHEN COUNT(t.reporting_minor) = COUNT(*) THEN CAST(SUM(t.reporting_minor) AS ${bigint}) END AS reporting_amount_minor,
  MIN(t.fx_rate_date) AS fx_rate_date_first,
  MAX(t.fx_rate_date) AS fx_rate_date_last,
  COUNT(DISTINCT t.fx_rate_date) AS fx_rate_dates
FROM (
  SELECT
    g.*,
    rc.code AS reporting_currency,
    ${convertedSql(dialect, 'g.amount_minor', 'g.currency')} AS reporting_minor
  FROM (
    SELECT
      iv.carrier,
      iv.account_number,
      ${month} AS month,
      c.charge_code,
      c.currency,
      iv.fx_rate_date,
      COUNT(*) AS charge_count,
      SUM(c.amount_minor) AS amount_minor
    FROM charges c
    JOIN (
      SELECT i.*, ${rateDateSql(dialect, 'i.currency', 'i.invoice_date')} AS fx_rate_date
      FROM invoices i CROSS JOIN ${REPORTING_CURRENCY_SQL}
    ) iv ON iv.id = c.invoice_id
    GROUP BY iv.carrier, iv.account_number, ${month}, c.charge_code, c.currency, iv.fx_rate_date
  ) g
  CROSS JOIN ${REPORTING_CURRENCY_SQL}
  LEFT JOIN fx_rates ra ON ra.currency = g.currency AND ra.rate_date = g.fx_rate_date
  LEFT JOIN fx_rates rr ON rr.currency = rc.code AND rr.rate_date = g.fx_rate_date
) t
GROUP BY t.carrier, t.account_number, t.month, t.charge_code, t.currency`;
}
