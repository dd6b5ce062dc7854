/**
 * Analyst views, generated from the canonical charge codes and the money rules so that they can
 * never disagree with the code. Decimals are computed from minor units per currency exponent.
 * `ANALYST_VIEWS` describes every view's columns (what kind of value each holds) for exports;
 * a test checks it against the columns the databases really return.
 */
import { CHARGE_CODES } from '../model/charge-codes.js';
import { FX_RATE_DIGITS, minorDigitExceptions } from '../model/money.js';
import { dialectAdapter, type Dialect } from './dialect/index.js';
import { emissionsByMonthSelect, shipmentEmissionsSelect } from './emission-views.js';
import { costPerShipmentWithFx, spendByMonthSql } from './fx-views.js';

/**
 * SQL turning integer minor units `expr` into a decimal, for the currency in `currencyExpr`.
 * PostgreSQL: an exact numeric. SQLite has no decimal type: analysts' views get a REAL (exact to
 * the cent only below 2^52 / 10^digits, about 4.5e13 euros); with `exactText` (what exports
 * read, see viewSelects) the decimal is built as text from the integer, exact over all 64 bits.
 */
export function decimalSql(dialect: Dialect, expr: string, currencyExpr: string, exactText = false): string {
  const byDigits = new Map<number, string[]>();
  for (const [cur, d] of minorDigitExceptions()) byDigits.set(d, [...(byDigits.get(d) ?? []), cur]);
  const adapter = dialectAdapter(dialect);
  if (!adapter.exactDecimals && exactText) {
    // integer division and remainder of the magnitude, the remainder zero-padded; NULL stays NULL
    const sign = `CASE WHEN ${expr} < 0 THEN '-' ELSE '' END`;
    const text = (d: number) => (d === 0 ? `CAST(${expr} AS TEXT)` : `${sign} || (ABS(${expr}) / ${10 ** d}) || '.' || substr('${'0'.repeat(d)}' || (ABS(${expr}) % ${10 ** d}), -${d})`);
    const cases = [...byDigits.entries()].map(([d, curs]) => `WHEN ${currencyExpr} IN (${curs.map((c) => `'${c}'`).join(', ')}) THEN ${text(d)}`);
    return `CASE ${cases.join(' ')} ELSE ${text(2)} END`;
  }
  const whens = [...byDigits.entries()].map(([d, curs]) => `WHEN ${currencyExpr} IN (${curs.map((c) => `'${c}'`).join(', ')}) THEN ${d}`);
  const digits = `CASE ${whens.join(' ')} ELSE 2 END`;
  const divisor = `CASE ${[...byDigits.entries()].map(([d, curs]) => `WHEN ${currencyExpr} IN (${curs.map((c) => `'${c}'`).join(', ')}) THEN ${10 ** d}`).join(' ')} ELSE 100 END`;
  return adapter.decimalSql(expr, divisor, digits);
}

/** DROP + CREATE statements for every view, in order. */
export function viewStatements(dialect: Dialect): string[] {
  // PostgreSQL: CREATE OR REPLACE keeps analysts' own views on ours working (a DROP would fail
  // on them); it only appends columns, which is how new charge codes arrive. SQLite has no
  // OR REPLACE for views, and its DROP does not check dependants.
  const { create, dropFirst } = dialectAdapter(dialect).views;
  const drops = dropFirst ? ANALYST_VIEW_NAMES.map((name) => `DROP VIEW IF EXISTS ${name}`) : [];
  const selects = viewSelects(dialect);
  return [...drops, ...ANALYST_VIEW_NAMES.map((name) => `${create} ${name} AS\n${selects[name]}`)];
}

/**
 * The SELECT behind every view. `exactText` (SQLite): money columns as exact decimal text, not
 * REAL; exports read these instead of the views themselves so that no amount goes through a
 * float (the same rows and columns; only the type of the decimals differs).
 */
export function viewSelects(dialect: Dialect, exactText = false): Record<AnalystViewName, string> {
  const dec = (expr: string) => decimalSql(dialect, expr, 'i.currency', exactText);
  const reconciled = dialectAdapter(dialect).boolColumnSql('i.reconciled');
  return {
    shipment_costs: shipmentSelect(dialect, exactText, ['s.billed_weight', 's.weight_unit']),
    invoice_summary: `SELECT
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
    ...analystViewSelects(dialect, exactText),
    shipment_emissions: shipmentEmissionsSelect(dialect),
    emissions_by_month: emissionsByMonthSelect(dialect),
    ...dashboardViewSelects(dialect, exactText),
  };
}

/** Every view `etl export` can write, in the order they are created. */
export const ANALYST_VIEW_NAMES = [
  'shipment_costs',
  'invoice_summary',
  'cost_per_shipment',
  'spend_by_month',
  'surcharge_share',
  'billed_weight_check',
  'shipment_emissions',
  'emissions_by_month',
  'invoice_spend_by_month',
  'unreconciled_invoices',
  'unmapped_charges',
] as const;

export type AnalystViewName = (typeof ANALYST_VIEW_NAMES)[number];

/**
 * What a view column holds, which decides how exports write it:
 * - `text`: free text and identifiers (account, invoice, tracking numbers, zones, postcodes),
 *   always written as text, never as a number.
 * - `date`: `YYYY-MM-DD`.
 * - `money`: a decimal with as many digits as the row's `currency` has (ISO 4217).
 * - `decimal`: a decimal with a fixed number of digits (`scale`), e.g. a share.
 * - `integer`: counts and ids.
 * - `measure`: a float measurement (weights, dimensions, divisors).
 * - `boolean`: 0/1 in SQLite, boolean in PostgreSQL.
 */
export type ColumnKind = 'text' | 'date' | 'money' | 'decimal' | 'integer' | 'measure' | 'boolean';

export interface ViewColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Digits after the point, for `decimal` columns. */
  readonly scale?: number;
  /** For `money` columns in another currency than the row's `currency`: the column naming it. */
  readonly currencyColumn?: string;
}

export interface AnalystView {
  readonly name: ExportName;
  /** Every column, in the view's order. */
  readonly columns: readonly ViewColumn[];
  /** Columns that order the rows uniquely (exports read in this order). */
  readonly orderBy: readonly string[];
}

/** Digits of `surcharge_share.share` (a fraction: 0.1234 = 12.34 %). */
export const SHARE_SCALE = 4;

/** Surcharges in `surcharge_share`: every code except these. */
export { NOT_SURCHARGES } from '../model/charge-codes.js';
import { NOT_SURCHARGES } from '../model/charge-codes.js';

const col = (kind: ColumnKind) => (...names: string[]): ViewColumn[] => names.map((name) => ({ name, kind }));
const text = col('text');
const date = col('date');
const money = col('money');
const integer = col('integer');
const measure = col('measure');
/** Money in the reporting currency (issue 14): its digits follow `reporting_currency`. */
const reportingMoney = (...names: string[]): ViewColumn[] => names.map((name) => ({ name, kind: 'money', currencyColumn: 'reporting_currency' }));

/** Column descriptions of every analyst view (docs/schema.md documents their meaning). */
export const ANALYST_VIEWS: Readonly<Record<AnalystViewName, AnalystView>> = Object.freeze({
  shipment_costs: {
    name: 'shipment_costs',
    columns: [
      ...integer('shipment_id'),
      ...text('carrier', 'account_number', 'invoice_number'),
      ...date('invoice_date'),
      ...text('tracking_number', 'lead_tracking_number', 'service'),
      ...date('ship_date'),
      ...text('zone'),
      ...measure('billed_weight'),
      ...text('weight_unit', 'currency'),
      ...money('total', ...CHARGE_CODES),
    ],
    orderBy: ['shipment_id'],
  },
  invoice_summary: {
    name: 'invoice_summary',
    columns: [
      ...integer('invoice_id'),
      ...text('carrier', 'account_number', 'invoice_number'),
      ...date('invoice_date'),
      ...text('currency'),
      ...money('stated_total', 'net_total', 'difference'),
      { name: 'reconciled', kind: 'boolean' },
      ...integer('shipment_count', 'charge_count'),
      ...text('source_file'),
      ...integer('file_errors', 'file_warnings'),
    ],
    orderBy: ['invoice_id'],
  },
  cost_per_shipment: {
    name: 'cost_per_shipment',
    columns: [
      ...integer('shipment_id'),
      ...text('carrier', 'account_number', 'invoice_number'),
      ...date('invoice_date'),
      ...text('tracking_number', 'lead_tracking_number', 'service'),
      ...date('ship_date'),
      ...text('zone'),
      ...integer('package_count'),
      ...measure('entered_weight', 'billed_weight', 'volumetric_weight'),
      ...text('weight_unit'),
      ...measure('length', 'width', 'height'),
      ...text('dimension_unit', 'receiver_postcode', 'receiver_country', 'currency'),
      ...money('total', ...CHARGE_CODES),
      ...text('reporting_currency'),
      ...reportingMoney('reporting_total'),
      { name: 'fx_rate', kind: 'decimal', scale: FX_RATE_DIGITS },
      { name: 'fx_rate_reporting', kind: 'decimal', scale: FX_RATE_DIGITS },
      ...date('fx_rate_date'),
    ],
    orderBy: ['shipment_id'],
  },
  spend_by_month: {
    name: 'spend_by_month',
    columns: [
      ...text('carrier', 'account_number', 'month', 'charge_code', 'currency'),
      ...integer('charge_count'),
      ...money('amount'),
      ...integer('amount_minor'),
      ...text('reporting_currency'),
      ...reportingMoney('reporting_amount'),
      ...integer('reporting_amount_minor'),
      ...date('fx_rate_date_first', 'fx_rate_date_last'),
      ...integer('fx_rate_dates'),
    ],
    orderBy: ['carrier', 'account_number', 'month', 'currency', 'charge_code'],
  },
  surcharge_share: {
    name: 'surcharge_share',
    columns: [
      ...text('carrier', 'month', 'currency'),
      ...money('total', 'freight', 'surcharges', 'taxes', 'discounts'),
      { name: 'share', kind: 'decimal', scale: SHARE_SCALE },
    ],
    orderBy: ['carrier', 'month', 'currency'],
  },
  billed_weight_check: {
    name: 'billed_weight_check',
    columns: [
      ...integer('shipment_id'),
      ...text('carrier', 'account_number', 'invoice_number'),
      ...date('invoice_date'),
      ...text('tracking_number'),
      ...measure('entered_weight', 'billed_weight'),
      ...text('weight_unit'),
      ...measure('length', 'width', 'height'),
      ...text('dimension_unit'),
      ...measure('divisor', 'volumetric_weight_recomputed', 'billed_minus_actual'),
      ...text('reason'),
      // appended (migration 0005): PostgreSQL's CREATE OR REPLACE VIEW only adds columns at the end
      ...measure('declared_weight'),
      ...text('weight_source'),
    ],
    orderBy: ['shipment_id'],
  },
  shipment_emissions: {
    name: 'shipment_emissions',
    columns: [
      ...integer('shipment_id'),
      ...text('carrier', 'account_number', 'invoice_number'),
      ...date('invoice_date'),
      ...text('tracking_number', 'service'),
      ...date('activity_date'),
      ...text('origin_country', 'destination_country'),
      ...measure('weight_kg'),
      ...text('weight_basis', 'mode', 'vehicle_class'),
      ...measure('great_circle_km', 'distance_km', 'tonne_km', 'kg_co2e', 'factor_kg_co2e_per_tkm'),
      ...text('factor_version', 'factor_basis', 'tier', 'reason'),
      // appended (migration 0011): PostgreSQL's CREATE OR REPLACE VIEW only adds columns at the end
      ...text('distance_method'),
    ],
    orderBy: ['shipment_id'],
  },
  emissions_by_month: {
    name: 'emissions_by_month',
    columns: [
      ...text('carrier', 'account_number', 'month', 'mode'),
      ...integer('shipments', 'estimated', 'not_computed'),
      ...measure('tonne_km', 'kg_co2e'),
    ],
    orderBy: ['carrier', 'account_number', 'month', 'mode'],
  },
  invoice_spend_by_month: {
    name: 'invoice_spend_by_month',
    columns: [
      ...text('carrier', 'account_number', 'month', 'currency'),
      ...integer('invoice_count', 'shipment_count'),
      ...money('spend'),
      ...integer('spend_minor'),
    ],
    orderBy: ['carrier', 'account_number', 'month', 'currency'],
  },
  unreconciled_invoices: {
    name: 'unreconciled_invoices',
    columns: [
      ...integer('invoice_id'),
      ...text('carrier', 'account_number', 'invoice_number'),
      ...date('invoice_date'),
      ...text('month', 'currency'),
      ...money('stated_total', 'net_total', 'difference'),
      ...integer('stated_total_minor', 'net_total_minor', 'difference_minor'),
      ...text('source_file'),
    ],
    orderBy: ['invoice_id'],
  },
  unmapped_charges: {
    name: 'unmapped_charges',
    columns: [
      ...text('carrier', 'account_number', 'month', 'currency', 'charge_description'),
      ...integer('charge_count'),
      ...money('amount'),
      ...integer('amount_minor', 'example_charge_id'),
      ...text('example_file'),
      ...integer('example_row'),
    ],
    orderBy: ['carrier', 'account_number', 'month', 'currency', 'charge_description'],
  },
});

function isAnalystViewName(name: string): name is AnalystViewName {
  return (ANALYST_VIEW_NAMES as readonly string[]).includes(name);
}

/**
 * Tables exports read like views (`etl export --view audit_findings`): their SELECT adds the
 * decimal amounts. They are not created as views (the name is the table's).
 */
export const TABLE_EXPORT_NAMES = ['audit_findings'] as const;
export type ExportName = AnalystViewName | (typeof TABLE_EXPORT_NAMES)[number];

export const TABLE_EXPORTS: Readonly<Record<(typeof TABLE_EXPORT_NAMES)[number], AnalystView>> = Object.freeze({
  audit_findings: {
    name: 'audit_findings',
    columns: [
      ...integer('id'),
      ...text('rule', 'severity'),
      { name: 'heuristic', kind: 'boolean' },
      ...text('carrier', 'account_number', 'invoice_number'),
      ...date('invoice_date'),
      ...text('tracking_number', 'currency'),
      ...money('amount'),
      ...integer('amount_minor'),
      ...text('explanation', 'charge_ids', 'evidence'),
    ],
    orderBy: ['id'],
  },
});

/** The SELECT an export reads for `name`: a view's own SELECT, or a table's with its decimals. */
export function exportSelect(dialect: Dialect, name: ExportName, exactText = false): string {
  if (isAnalystViewName(name)) return viewSelects(dialect, exactText)[name];
  return `SELECT a.*, ${decimalSql(dialect, 'a.amount_minor', 'a.currency', exactText)} AS amount FROM audit_findings a`;
}

/** True for the names that are views in the database (the others are tables read by exportSelect). */
export function isCreatedView(name: string): boolean {
  return isAnalystViewName(name);
}

/** The view (or table) called `name`, if exports may read it. */
export function analystView(name: string): AnalystView | undefined {
  if (isAnalystViewName(name)) return ANALYST_VIEWS[name];
  return (TABLE_EXPORT_NAMES as readonly string[]).includes(name) ? TABLE_EXPORTS[name as (typeof TABLE_EXPORT_NAMES)[number]] : undefined;
}

/**
 * `shipment_costs` and `cost_per_shipment`: one shipment per row with its total and one column
 * per canonical charge code. They differ only in the shipment columns between `zone` and
 * `currency` (`columns`), which stay in their published order: PostgreSQL's CREATE OR REPLACE
 * may only append columns.
 */
function shipmentSelect(dialect: Dialect, exactText: boolean, columns: readonly string[]): string {
  const dec = (expr: string) => decimalSql(dialect, expr, 'i.currency', exactText);
  const perCode = CHARGE_CODES.map((code) => `  ${dec(`SUM(CASE WHEN c.charge_code = '${code}' THEN c.amount_minor ELSE 0 END)`)} AS "${code}"`).join(',\n');
  return `SELECT
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
${columns.map((c) => `  ${c},`).join('\n')}
  i.currency,
  ${dec('s.net_total_minor')} AS total,
${perCode}
FROM shipments s
JOIN invoices i ON i.id = s.invoice_id
LEFT JOIN charges c ON c.shipment_id = s.id
GROUP BY s.id, i.id`;
}

/**
 * The four views added with migration 0003-analyst. Each reads the base tables directly (none is
 * built on another view), so any of them can be replaced on PostgreSQL without the others.
 */
function analystViewSelects(dialect: Dialect, exactText: boolean): Pick<Record<AnalystViewName, string>, 'cost_per_shipment' | 'spend_by_month' | 'surcharge_share' | 'billed_weight_check'> {
  const decimal = (expr: string, currencyExpr: string) => decimalSql(dialect, expr, currencyExpr, exactText);
  const adapter = dialectAdapter(dialect);
  const month = adapter.monthSql('i.invoice_date');
  const share = adapter.decimalSql('t.surcharges_minor', 'NULLIF(t.total_minor, 0)', SHARE_SCALE);
  const notSurcharges = NOT_SURCHARGES.map((c) => `'${c}'`).join(', ');
  return {
    cost_per_shipment: costPerShipmentWithFx(dialect, shipmentSelect(dialect, exactText, [
      's.package_count', 's.entered_weight', 's.billed_weight', 's.volumetric_weight', 's.weight_unit',
      's.length', 's.width', 's.height', 's.dimension_unit', 's.receiver_postcode', 's.receiver_country',
    ]), decimal),
    spend_by_month: spendByMonthSql(dialect, adapter.monthSql('iv.invoice_date'), decimal),
    surcharge_share: `SELECT
  t.carrier,
  t.month,
  t.currency,
  ${decimal('t.total_minor', 't.currency')} AS total,
  ${decimal('t.freight_minor', 't.currency')} AS freight,
  ${decimal('t.surcharges_minor', 't.currency')} AS surcharges,
  ${decimal('t.taxes_minor', 't.currency')} AS taxes,
  ${decimal('t.discounts_minor', 't.currency')} AS discounts,
  ${share} AS share
FROM (
  SELECT
    i.carrier,
    ${month} AS month,
    c.currency,
    SUM(c.amount_minor) AS total_minor,
    SUM(CASE WHEN c.charge_code = 'freight' THEN c.amount_minor ELSE 0 END) AS freight_minor,
    SUM(CASE WHEN c.charge_code NOT IN (${notSurcharges}) THEN c.amount_minor ELSE 0 END) AS surcharges_minor,
    SUM(CASE WHEN c.charge_code IN ('vat', 'duties_taxes') THEN c.amount_minor ELSE 0 END) AS taxes_minor,
    SUM(CASE WHEN c.charge_code = 'discount' THEN c.amount_minor ELSE 0 END) AS discounts_minor
  FROM charges c
  JOIN invoices i ON i.id = c.invoice_id
  GROUP BY i.carrier, ${month}, c.currency
) t`,
    // Carriers round the billable weight up to a step (0.5 kg; a whole lb or oz: UPS's US rates
    // bill 233.1 lb of volume as 234 lb), so a billed weight is explained by volume when the
    // recomputed volumetric weight reaches the billed weight less one step, and by rounding
    // alone when the entered weight does (most UPS rows: 16.6 kg billed as 17.0). 0.0001
    // absorbs float noise in the comparisons.
    billed_weight_check: `SELECT
  x.shipment_id,
  x.carrier,
  x.account_number,
  x.invoice_number,
  x.invoice_date,
  x.tracking_number,
  x.entered_weight,
  x.billed_weight,
  x.weight_unit,
  x.length,
  x.width,
  x.height,
  x.dimension_unit,
  x.divisor,
  x.volumetric_weight_recomputed,
  x.billed_minus_actual,
  CASE
    WHEN x.volumetric_weight_recomputed + 0.0001 >= x.billed_weight - x.step THEN 'volumetric'
    WHEN x.entered_weight + 0.0001 >= x.billed_weight - x.step THEN 'rounding'
    ELSE 'unexplained'
  END AS reason,
  x.declared_weight,
  x.weight_source
FROM (
  SELECT
    s.id AS shipment_id,
    i.carrier,
    i.account_number,
    i.invoice_number,
    i.invoice_date,
    s.tracking_number,
    s.entered_weight,
    s.billed_weight,
    s.weight_unit,
    s.length,
    s.width,
    s.height,
    s.dimension_unit,
    d.divisor,
    ${adapter.roundFloatSql('s.length * s.width * s.height / d.divisor', 1)} AS volumetric_weight_recomputed,
    ${adapter.roundFloatSql('s.billed_weight - s.entered_weight', 3)} AS billed_minus_actual,
    CASE WHEN s.weight_unit = 'kg' THEN 0.5 ELSE 1 END AS step,
    s.declared_weight,
    s.weight_source
  FROM shipments s
  JOIN invoices i ON i.id = s.invoice_id
  LEFT JOIN volumetric_divisors d
    ON d.carrier = i.carrier AND d.dimension_unit = s.dimension_unit AND d.weight_unit = s.weight_unit
  WHERE s.billed_weight > s.entered_weight
) x`,
  };
}

/**
 * The views the dashboard reads (`etl report`), which analysts and exports can read too: spend
 * per account and month (the invoices' own totals), the invoices that do not add up, and the
 * charge descriptions without a canonical code, each with the first line to look at. Each
 * carries exact integer `_minor` columns next to its decimals, for readers that add amounts up.
 */
function dashboardViewSelects(dialect: Dialect, exactText: boolean): Pick<Record<AnalystViewName, string>, 'invoice_spend_by_month' | 'unreconciled_invoices' | 'unmapped_charges'> {
  const decimal = (expr: string, currencyExpr: string) => decimalSql(dialect, expr, currencyExpr, exactText);
  const adapter = dialectAdapter(dialect);
  const month = adapter.monthSql('i.invoice_date');
  const bigint = adapter.bigintSql;
  const notReconciled = `i.reconciled = ${adapter.boolSql(false)}`;
  return {
    invoice_spend_by_month: `SELECT
  i.carrier,
  i.account_number,
  ${month} AS month,
  i.currency,
  COUNT(*) AS invoice_count,
  CAST(SUM(i.shipment_count) AS ${bigint}) AS shipment_count,
  ${decimal('SUM(i.net_total_minor)', 'i.currency')} AS spend,
  CAST(SUM(i.net_total_minor) AS ${bigint}) AS spend_minor
FROM invoices i
GROUP BY i.carrier, i.account_number, ${month}, i.currency`,
    unreconciled_invoices: `SELECT
  i.id AS invoice_id,
  i.carrier,
  i.account_number,
  i.invoice_number,
  i.invoice_date,
  ${month} AS month,
  i.currency,
  ${decimal('i.stated_total_minor', 'i.currency')} AS stated_total,
  ${decimal('i.net_total_minor', 'i.currency')} AS net_total,
  ${decimal('i.net_total_minor - i.stated_total_minor', 'i.currency')} AS difference,
  i.stated_total_minor,
  i.net_total_minor,
  i.net_total_minor - i.stated_total_minor AS difference_minor,
  f.original_name AS source_file
FROM invoices i
JOIN source_files f ON f.id = i.source_file_id
WHERE ${notReconciled}`,
    unmapped_charges: `SELECT
  u.carrier,
  u.account_number,
  u.month,
  u.currency,
  u.charge_description,
  u.charge_count,
  ${decimal('u.amount_minor', 'u.currency')} AS amount,
  u.amount_minor,
  u.example_charge_id,
  f.original_name AS example_file,
  e.source_row AS example_row
FROM (
  SELECT
    i.carrier,
    i.account_number,
    ${month} AS month,
    c.currency,
    c.charge_description,
    COUNT(*) AS charge_count,
    CAST(SUM(c.amount_minor) AS ${bigint}) AS amount_minor,
    MIN(c.id) AS example_charge_id
  FROM charges c
  JOIN invoices i ON i.id = c.invoice_id
  WHERE c.charge_code = 'unmapped'
  GROUP BY i.carrier, i.account_number, ${month}, c.currency, c.charge_description
) u
JOIN charges e ON e.id = u.example_charge_id
JOIN source_files f ON f.id = e.source_file_id`,
  };
}

/**
 * Row types of the views TypeScript reads (the dashboard), for `db.withTables<ViewTables>()`.
 * Integer `_minor` sums may come back from PostgreSQL as text (bigint): read them with
 * money.ts's exactMinorFrom.
 */
// a type alias, not an interface: kysely's withTables wants an index-signature-compatible record
export type ViewTables = {
  invoice_spend_by_month: {
    carrier: string;
    account_number: string;
    month: string;
    currency: string;
    invoice_count: number | string;
    shipment_count: number | string;
    spend_minor: number | string;
  };
  spend_by_month: {
    carrier: string;
    account_number: string;
    month: string;
    charge_code: string;
    currency: string;
    charge_count: number | string;
    amount_minor: number | string;
  };
  unreconciled_invoices: {
    invoice_id: number;
    carrier: string;
    account_number: string;
    invoice_number: string;
    invoice_date: string;
    month: string;
    currency: string;
    stated_total_minor: number | string | null;
    net_total_minor: number | string;
    difference_minor: number | string | null;
    source_file: string;
  };
  unmapped_charges: {
    carrier: string;
    account_number: string;
    month: string;
    currency: string;
    charge_description: string;
    charge_count: number | string;
    amount_minor: number | string;
    example_charge_id: number;
    example_file: string;
    example_row: number;
  };
};
