/**
 * The report page: one self-contained HTML file (styles, Chart.js, the data as JSON and the
 * page's script all inline), so it opens from a mail attachment or a file share with no network.
 */
import type { ChartLibrary } from './chart-library.js';
import type { EmissionsCurrencyParts } from './emissions-currency.js';
import type { OperatorReportData } from './operators.js';

/** What the page embeds as JSON and its script (src/report/client/) reads. */
export type PageData = OperatorReportData & EmissionsCurrencyParts;

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`, no JS line separators). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f4f6f9; --card: #ffffff; --accent: #1e40af;
  --bad: #b91c1c; --bad-bg: #fef2f2; --warn: #a16207; --warn-bg: #fefce8; --ok: #15803d; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "Liberation Sans", sans-serif; }
header { background: #0f172a; color: #f8fafc; padding: 22px 32px 18px; }
header h1 { margin: 0 0 4px; font-size: 22px; font-weight: 650; letter-spacing: -0.01em; }
header .meta { color: #cbd5e1; font-size: 12.5px; }
header .meta span + span::before { content: "\\00b7"; margin: 0 8px; color: #64748b; }
.filters { position: sticky; top: 0; z-index: 5; background: #ffffff; border-bottom: 1px solid var(--line);
  padding: 10px 32px; display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: end; box-shadow: 0 1px 3px rgba(15,23,42,0.06); }
.filters label { display: flex; flex-direction: column; font-size: 11px; font-weight: 600; color: var(--muted);
  text-transform: uppercase; letter-spacing: 0.04em; gap: 3px; }
.filters select { font: inherit; font-size: 13.5px; color: var(--ink); text-transform: none; letter-spacing: 0; min-width: 150px;
  padding: 5px 8px; border: 1px solid #cbd5e1; border-radius: 6px; background: #fff; }
.filters button { font: inherit; font-size: 13px; padding: 6px 12px; border: 1px solid #cbd5e1; border-radius: 6px; background: #f8fafc; cursor: pointer; }
.filters button:hover { background: #eef2f7; }
.filters #scope { margin-left: auto; color: var(--muted); font-size: 12.5px; align-self: center; }
main { padding: 20px 32px 40px; max-width: 1480px; margin: 0 auto; }
h2 { font-size: 15px; margin: 0 0 2px; font-weight: 650; }
.sub { color: var(--muted); font-size: 12.5px; margin: 0 0 10px; }
.kpis { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; margin-bottom: 14px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.kpi .label { font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; font-weight: 600; }
.kpi .value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; margin-top: 2px; }
.kpi.alert { border-color: #fecaca; background: var(--bad-bg); } .kpi.alert .value { color: var(--bad); }
.kpi.warn { border-color: #fde68a; background: var(--warn-bg); } .kpi.warn .value { color: var(--warn); }
.currencies { margin-bottom: 16px; }
.currencies .head { display: flex; align-items: baseline; gap: 10px; margin-bottom: 8px; }
#currency-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
button.cur { font: inherit; text-align: left; cursor: pointer; background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 9px 12px; min-width: 0; display: flex; flex-direction: column; color: var(--ink); }
button.cur:hover { border-color: #93c5fd; }
button.cur.active { border-color: var(--accent); box-shadow: inset 0 0 0 1px var(--accent); background: #eff6ff; }
.cur-code { font-size: 11.5px; font-weight: 700; color: var(--muted); letter-spacing: 0.06em; }
button.cur.active .cur-code { color: var(--accent); }
.cur-amount { font-size: 19px; font-weight: 650; font-variant-numeric: tabular-nums; }
.cur-meta { font-size: 11.5px; color: var(--muted); white-space: nowrap; line-height: 1.35; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-bottom: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px 18px; min-width: 0; }
.card.wide { grid-column: 1 / -1; }
.chart { position: relative; height: 320px; }
.card.wide .chart { height: 300px; }
.tables .card { margin-bottom: 16px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { text-align: left; font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; font-weight: 600;
  border-bottom: 1px solid var(--line); padding: 6px 10px; white-space: nowrap; background: #f8fafc; }
td { border-bottom: 1px solid #f1f5f9; padding: 6px 10px; vertical-align: top; }
tbody tr:hover td { background: #f8fafc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bad { color: var(--bad); font-weight: 600; } td.warnc { color: var(--warn); font-weight: 600; } td.zero { color: #cbd5e1; }
td.mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
td.msg { color: #334155; font-size: 12.5px; max-width: 560px; }
code.fix { display: inline-block; min-width: 320px; font-size: 12px; user-select: all; }
tr.empty td { color: var(--ok); font-style: italic; padding: 12px 10px; }
.carrier { white-space: nowrap; } .dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 6px; vertical-align: 0; }
.badge { display: inline-block; font-size: 11.5px; font-weight: 600; padding: 1px 8px; border-radius: 999px; background: #e2e8f0; color: #334155; }
.badge.loaded { background: #dcfce7; color: #166534; } .badge.quarantined { background: #fee2e2; color: #991b1b; } .badge.superseded { background: #e0e7ff; color: #3730a3; }
.more { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.muted { color: var(--muted); } #currency-cards .none { grid-column: 1 / -1; margin: 4px 0; }
.audit-head { display: flex; align-items: baseline; gap: 16px; } .audit-head label { font-size: 12px; color: var(--muted); }
.audit-head select { font: inherit; font-size: 13px; margin-left: 6px; padding: 3px 6px; border: 1px solid #cbd5e1; border-radius: 6px; }
.card.wide .chart.audit { height: 240px; } h2.top { margin-top: 14px; }
footer { color: var(--muted); font-size: 12px; padding: 0 32px 28px; max-width: 1480px; margin: 0 auto; }
.reporting { margin: 0 0 10px; padding: 10px 14px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
.reporting .big { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; margin-right: 10px; }
.reporting .note { color: var(--muted); font-size: 12.5px; } .reporting .warnc { color: var(--warn); font-weight: 600; }
h3.minor { font-size: 12px; margin: 14px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
tr.total td { font-weight: 650; border-top: 1px solid var(--line); }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } .kpis { grid-template-columns: repeat(2, 1fr); } }
`;

/** Where the data came from, for the header: a SQLite file by name, a PostgreSQL URL without password. */
function databaseLabel(safeUrl: string): string {
  if (!safeUrl.startsWith('sqlite:')) return safeUrl;
  const file = safeUrl.slice('sqlite:'.length);
  return `SQLite ${file.split(/[\\/]/).pop() ?? file}`;
}

/** The whole page. */
export function renderReportHtml(data: PageData, chart: ChartLibrary, clientScript: string): string {
  const files = new Set(data.files.map((f) => f.file)).size;
  const invoices = data.spend.reduce((s, r) => s + r.invoices, 0);
  const period = data.months.length > 0 ? `, ${data.months[0] ?? ''} to ${data.months[data.months.length - 1] ?? ''}` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="etl report">
<title>Carrier invoice report</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>Carrier invoice report</h1>
  <div class="meta"><span>${invoices} invoice${invoices === 1 ? '' : 's'}${escapeHtml(period)}</span><span>${data.carriers.length} carriers</span><span>${files} files with issues</span><span>generated ${escapeHtml(data.generated_at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</span><span>${escapeHtml(databaseLabel(data.database))}</span></div>
</header>
<nav class="filters" aria-label="Filters">
  <label>Carrier<select id="f-carrier"></select></label>
  <label>Account<select id="f-account"></select></label>
  <label>From month<select id="f-from"></select></label>
  <label>To month<select id="f-to"></select></label>
  <button type="button" id="f-reset">Reset</button>
  <span id="scope"></span>
</nav>
<main>
  <section class="kpis" aria-label="Key figures">
    <div class="kpi" id="kc-invoices"><div class="label">Invoices</div><div class="value" id="k-invoices"></div></div>
    <div class="kpi" id="kc-shipments"><div class="label">Shipments</div><div class="value" id="k-shipments"></div></div>
    <div class="kpi" id="kc-unreconciled"><div class="label">Unreconciled invoices</div><div class="value" id="k-unreconciled"></div></div>
    <div class="kpi" id="kc-unmapped"><div class="label">Unmapped charge lines</div><div class="value" id="k-unmapped"></div></div>
    <div class="kpi" id="kc-files"><div class="label">Files with errors</div><div class="value" id="k-files"></div></div>
  </section>
  <section class="currencies" aria-label="Spend by currency">
    <div class="head"><h2>Spend by currency</h2><span class="sub">Currencies are never added together. Click one to show it in the charts.</span></div>
    <div id="reporting-total" class="reporting"></div>
    <div id="currency-cards"></div>
  </section>
  <section class="grid">
    <div class="card wide"><h2 id="spend-title">Spend per carrier per month</h2><p class="sub" id="spend-sub"></p><div class="chart"><canvas id="chart-spend" role="img" aria-label="Spend per carrier per month"></canvas></div></div>
    <div class="card"><h2 id="ship-title">Cost per shipment</h2><p class="sub" id="ship-sub"></p><div class="chart"><canvas id="chart-shipments" role="img" aria-label="Histogram of shipment totals"></canvas></div></div>
    <div class="card"><h2 id="sur-title">Top surcharges</h2><p class="sub" id="sur-sub"></p><div class="chart"><canvas id="chart-surcharges" role="img" aria-label="Surcharges by charge code and carrier"></canvas></div></div>
  </section>
  <section class="grid" aria-label="Audit">
    <div class="card wide"><div class="audit-head"><h2>Audit: money at stake by rule</h2><label>Rule <select id="f-audit-rule"></select></label></div><p class="sub" id="audit-sub"></p><div class="chart audit"><canvas id="chart-audit" role="img" aria-label="Money at stake by audit rule and carrier"></canvas></div>
      <h2 class="top">Largest findings</h2><p class="sub">The charge lines each finding rests on (file and row) are its evidence; <code>etl audit</code> and <code>etl export --view audit_findings</code> list them all. README: Audit says what each rule needs and where it stops.</p>
      <div class="scroll"><table id="t-audit"></table></div><p class="more" id="t-audit-more"></p></div>
  </section>
  <section class="tables">
    <div class="card"><h2>Unreconciled invoices</h2><p class="sub">The charges do not add up to the total the invoice states. Difference = sum of charges &minus; stated total.</p>
      <div class="scroll"><table id="t-unreconciled"></table></div><p class="more" id="t-unreconciled-more"></p></div>
    <div class="card"><h2>Unmapped charge descriptions</h2><p class="sub">No canonical code yet. Fix = the command that maps it (with the suggested code, or <code>&lt;code&gt;</code> to fill in); then run <code>etl remap</code>. Example = a file and line to look at.</p>
      <div class="scroll"><table id="t-unmapped"></table></div><p class="more" id="t-unmapped-more"></p></div>
    <div class="card"><h2>Charge-map overrides in use</h2><p class="sub">Set by operators (<code>etl charges map</code> or the config file's <code>charges:</code>); they win over the built-in charge maps. Lines = loaded charge lines the override matches and that carry its code.</p>
      <div class="scroll"><table id="t-overrides"></table></div><p class="more" id="t-overrides-more"></p></div>
    <div class="card" id="emissions"><h2>Emissions</h2><p class="sub">Estimated transport emissions (kg CO2e): weight &times; great-circle distance between country centroids &times; distance adjustment &times; emission factor per tonne-km for the service's mode. Estimates, not measurements: see docs/emissions.md for the method and its limits. Shipments without an estimate are counted with the reason.</p>
      <div class="scroll"><table id="t-emissions"></table></div>
      <h3 class="minor">Not computed, why</h3><div class="scroll"><table id="t-emissions-reasons"></table></div>
      <h3 class="minor">Emission factors (estimates = shipments using each)</h3><div class="scroll"><table id="t-emissions-factors"></table></div></div>
    <div class="card"><h2>Data-quality issues by file</h2><p class="sub">Files with stored issues, errors first. Files without current invoices (quarantined, superseded) are filtered by carrier and account only.</p>
      <div class="scroll"><table id="t-files"></table></div><p class="more" id="t-files-more"></p></div>
  </section>
</main>
<footer>Amounts are summed in integer minor units and shown with their currency (ISO 4217 decimals). Spend is by invoice date and includes VAT lines. Charts: Chart.js ${escapeHtml(chart.version)} (MIT), embedded.</footer>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${chart.source}</script>
<script>${clientScript}</script>
</body>
</html>
`;
}
