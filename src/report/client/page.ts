/// <reference lib="dom" />
/**
 * The page's kit, shared by every section: the embedded data, the filter state, scoping, money
 * labels, DOM and table helpers, and chart drawing. Browser code: compiled by the project's tsc
 * like everything else, then linked into one inline script by src/report/client-script.ts (so
 * no module here may use Node, and names must be unique across the client's modules).
 *
 * Money rule (src/model/money.ts): amounts are summed as integers and formatted by the same
 * minor-units.ts the server uses; floats only place bars on an axis. Currencies are never added
 * together: charts show one currency at a time and tables label every amount with its currency.
 */
import type { Chart as ChartJs, ChartConfiguration, ChartDataset } from 'chart.js';
import { formatMinorDigits, groupThousands } from '../../model/minor-units.js';
import type { PageData } from '../html.js';

/** Chart.js's UMD build, inlined before this script, defines the global `Chart`. */
declare const Chart: typeof ChartJs;

export const DATA: PageData = JSON.parse(byId('report-data').textContent ?? '{}');
export const MAX_ROWS = 200;

/** What the filters select; `account` is accountKey(carrier, account). */
export const state = { carrier: '', account: '', from: '', to: '', currency: '' };

const NAMES = new Map(DATA.carriers.map((c) => [c.id, c.name]));
const COLORS: Readonly<Record<string, string>> = { ups: '#8a5a2b', dhl: '#f2b705', gls: '#2355d8', dsv: '#0f8f83', 'royal-mail': '#d42a3c' };
const SPARE = ['#7c3aed', '#db2777', '#0891b2', '#65a30d', '#ea580c', '#475569', '#9333ea'];

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`report page: no element #${id}`);
  return e as T;
}

export function colorOf(id: string): string {
  const c = COLORS[id];
  if (c !== undefined) return c;
  const i = DATA.carriers.findIndex((x) => x.id === id);
  return SPARE[(i < 0 ? 0 : i) % SPARE.length] ?? '#475569';
}
export function nameOf(id: string): string {
  return NAMES.get(id) ?? id;
}
export function digits(cur: string): number {
  return DATA.currencies[cur] ?? 2;
}
/** An amount with thousands separators, no currency. */
export function formatAmount(minor: number, cur: string): string {
  return groupThousands(formatMinorDigits(minor, digits(cur)));
}
export function money(minor: number, cur: string): string {
  return `${formatAmount(minor, cur)}\u00a0${cur}`;
}
/** For placing bars only; labels always come from formatAmount. */
export function plotValue(minor: number, cur: string): number {
  return minor / 10 ** digits(cur);
}
export function tickLabel(value: number | string, cur: string): string {
  return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits(cur) });
}
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
export function accountKey(carrier: string, account: string): string {
  return `${carrier}\u0001${account}`;
}
export function nextMonth(m: string): string {
  let y = Number(m.slice(0, 4));
  let mo = Number(m.slice(5, 7)) + 1;
  if (mo > 12) {
    mo = 1;
    y += 1;
  }
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}`;
}
export function monthRange(a: string, b: string): string[] {
  const out: string[] = [];
  for (let m = a; m <= b && out.length < 600; m = nextMonth(m)) out.push(m);
  return out;
}

export function el(tag: string, attrs?: Readonly<Record<string, string>> | null, text?: string | number | null): HTMLElement {
  const e = document.createElement(tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
export function note(id: string, text: string): void {
  byId(id).textContent = text;
}

/** A row at the filters' grain. */
export interface Scoped {
  readonly carrier: string;
  readonly account: string;
  readonly month: string;
}
export function inScope(r: Scoped): boolean {
  if (state.carrier && r.carrier !== state.carrier) return false;
  if (state.account && accountKey(r.carrier, r.account) !== state.account) return false;
  if (state.from && r.month < state.from) return false;
  if (state.to && r.month > state.to) return false;
  return true;
}

/**
 * Files are matched through their current invoices; a file without any (quarantined,
 * superseded) by carrier and by the account it names, whatever the months.
 */
export function fileInScope(f: PageData['files'][number]): boolean {
  if (state.carrier && f.carrier !== state.carrier) return false;
  if (f.invoices.length === 0) return !state.account || (f.account !== null && accountKey(f.carrier, f.account) === state.account);
  return f.invoices.some((i) => inScope({ carrier: f.carrier, account: i.account, month: i.month }));
}

/** Sums `fields` of `rows` per `keyOf(row)`, keeping the first row of each group. */
export function sumBy<T, F extends keyof T & string>(rows: readonly T[], keyOf: (r: T) => string, fields: readonly F[]): Map<string, { row: T } & Record<F, number>> {
  const map = new Map<string, { row: T } & Record<F, number>>();
  for (const r of rows) {
    const k = keyOf(r);
    let acc = map.get(k);
    if (!acc) {
      acc = { row: r } as { row: T } & Record<F, number>;
      for (const f of fields) (acc as Record<string, unknown>)[f] = 0;
      map.set(k, acc);
    }
    const sums = acc as Record<string, number>;
    for (const f of fields) sums[f] = (sums[f] ?? 0) + Number(r[f]);
  }
  return map;
}

// ---- tables ----------------------------------------------------------------------------------
export interface Column<T> {
  readonly label: string;
  readonly num?: boolean;
  readonly value: (r: T) => Node | string | number | null;
  readonly cls?: (r: T) => string;
}

export function fillTable<T>(id: string, columns: ReadonlyArray<Column<T>>, rows: readonly T[], empty: string): void {
  const table = byId(id);
  table.textContent = '';
  const head = el('thead');
  const tr = el('tr');
  for (const c of columns) tr.appendChild(el('th', c.num ? { class: 'num' } : null, c.label));
  head.appendChild(tr);
  table.appendChild(head);
  const body = el('tbody');
  if (rows.length === 0) {
    const row = el('tr', { class: 'empty' });
    row.appendChild(el('td', { colspan: String(columns.length) }, empty));
    body.appendChild(row);
  }
  for (const r of rows.slice(0, MAX_ROWS)) {
    const row = el('tr');
    for (const c of columns) {
      const cell = el('td', c.num ? { class: 'num' } : null);
      const v = c.value(r);
      if (v instanceof Node) cell.appendChild(v);
      else cell.textContent = v === null ? '' : String(v);
      const cls = c.cls?.(r);
      if (cls) cell.classList.add(cls);
      row.appendChild(cell);
    }
    body.appendChild(row);
  }
  table.appendChild(body);
  const more = document.getElementById(`${id}-more`);
  if (more) more.textContent = rows.length > MAX_ROWS ? `${rows.length - MAX_ROWS} more rows not shown: narrow the filters.` : '';
}
export function badge(text: string, kind: string): HTMLElement {
  return el('span', { class: `badge ${kind}` }, text);
}
export function carrierCell(id: string): HTMLElement {
  const s = el('span', { class: 'carrier' });
  const dot = el('i', { class: 'dot' });
  dot.style.background = colorOf(id);
  s.appendChild(dot);
  s.appendChild(document.createTextNode(nameOf(id)));
  return s;
}

// ---- charts ----------------------------------------------------------------------------------
/** A bar dataset of one carrier; `minor` keeps the exact amounts behind the plotted decimals. */
export type CarrierDataset = ChartDataset<'bar', number[]> & {
  readonly carrier: string;
  readonly minor: number[] | null;
  readonly lines?: number[];
  readonly counts?: number[];
};
export type BarConfig = ChartConfiguration<'bar', number[], string>;

const charts = new Map<string, ChartJs<'bar', number[], string>>();

export function setupCharts(): void {
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#475569';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
}
export function draw(id: string, config: BarConfig): void {
  charts.get(id)?.destroy();
  charts.set(id, new Chart(byId<HTMLCanvasElement>(id), config));
}
/** An empty chart, for a selection without data. */
export function drawEmpty(id: string): void {
  draw(id, { type: 'bar', data: { labels: [], datasets: [] }, options: { scales: { x: { display: false }, y: { display: false } }, plugins: { legend: { display: false } } } });
}
export function carrierDataset(carrier: string, plot: number[], minor: number[] | null, extra?: Partial<CarrierDataset>): CarrierDataset {
  return { label: nameOf(carrier), carrier, data: plot, minor, backgroundColor: colorOf(carrier), borderColor: '#ffffff', borderWidth: 1, borderRadius: 2, maxBarThickness: 90, ...extra };
}
export function datasetOf(d: unknown): CarrierDataset {
  return d as CarrierDataset;
}
/** Carriers with rows, in the data's carrier order. */
export function carriersIn(rows: ReadonlyArray<{ readonly carrier: string }>): string[] {
  const seen = new Set(rows.map((r) => r.carrier));
  return DATA.carriers.map((c) => c.id).filter((id) => seen.has(id));
}
