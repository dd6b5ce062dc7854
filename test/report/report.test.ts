/**
 * `etl report`: every carrier's sample invoices, plus one UPS invoice whose stated total is off by
 * a cent and one quarantined UPS file, go into a fresh database; the report is written through
 * the CLI; its embedded data must equal SQL computed here on the same database (on SQLite and on
 * PostgreSQL), and the page must render in real Chromium with the network blocked, show the same
 * numbers, follow the carrier and month filters, and leave a screenshot in docs/report.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { sql, type RawBuilder } from 'kysely';
import { chromium, type Browser, type Page } from 'playwright';
import { z } from 'zod';
import { CARRIERS } from '../../carriers/index.js';
import type { Db } from '../../src/db/connect.js';
import { formatMinor } from '../../src/model/money.js';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { ingest } from '../support/ingest.js';
import { fixtureDirOf, goldenCases, ROOT, tempDir, UPS_FIXTURES } from '../support/paths.js';
import { addCents, rewriteCsv } from '../support/rewrite.js';

const TOTAL = 10; // UPS column 11 Invoice Amount
const SCREENSHOT = path.join(ROOT, 'docs', 'report.png');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** 2025-06-30T00:00:00Z: a fixed "generated" time, so the page and the screenshot are reproducible. */
const EPOCH = '1751241600';

/** The report's embedded data, as the test reads it back (zod: it is external data here). */
const grain = { carrier: z.string(), account: z.string(), month: z.string(), currency: z.string() };
const reportData = z.object({
  version: z.literal(1),
  generated_at: z.string(),
  chart_library: z.object({ name: z.string(), version: z.string() }),
  currencies: z.record(z.string(), z.number().int()),
  carriers: z.array(z.object({ id: z.string(), name: z.string() })),
  months: z.array(z.string()),
  not_surcharges: z.array(z.string()),
  spend: z.array(z.object({ ...grain, invoices: z.number().int(), shipments: z.number().int(), spend_minor: z.number().int() })),
  surcharges: z.array(z.object({ ...grain, code: z.string(), lines: z.number().int(), amount_minor: z.number().int() })),
  shipment_bins: z.record(z.string(), z.object({ start_minor: z.number().int(), width_minor: z.number().int().positive(), count: z.number().int(), overflow: z.boolean() })),
  shipments: z.array(z.object({ ...grain, bin: z.number().int(), shipments: z.number().int(), total_minor: z.number().int() })),
  unmapped: z.array(z.object({ ...grain, description: z.string(), lines: z.number().int(), amount_minor: z.number().int(), example_file: z.string(), example_row: z.number().int() })),
  unreconciled: z.array(
    z.object({ ...grain, invoice: z.string(), invoice_date: z.string(), stated_minor: z.number().int(), net_minor: z.number().int(), difference_minor: z.number().int(), file: z.string() }),
  ),
  files: z.array(
    z.object({
      file: z.string(),
      carrier: z.string(),
      account: z.string().nullable(),
      status: z.string(),
      errors: z.number().int(),
      warnings: z.number().int(),
      infos: z.number().int(),
      first_message: z.string(),
      invoices: z.array(z.object({ account: z.string(), month: z.string() })),
    }),
  ),
});
type ReportData = z.infer<typeof reportData>;

/** formatMinor (the money rule) with the page's thousands separators. */
function shown(minor: number, currency: string): string {
  const s = formatMinor(minor, currency);
  const [int = '', frac] = s.replace('-', '').split('.');
  return `${minor < 0 ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`}`;
}
const money = (minor: number, currency: string) => `${shown(minor, currency)}\u00a0${currency}`;

function readEmbedded(html: string): ReportData {
  const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  assert.ok(m?.[1], 'the page embeds #report-data');
  return reportData.parse(JSON.parse(m[1]));
}

/** Every carrier's golden files, an unreconciled UPS invoice and a quarantined UPS file. */
async function loadSamples(db: Db, dataDir: string, scratch: string): Promise<void> {
  for (const carrier of CARRIERS) {
    const results = await ingest(db, dataDir, goldenCases(fixtureDirOf(carrier.id)).map((c) => c.file), carrier.id);
    assert.deepEqual(results.map((r) => r.status), results.map(() => 'loaded'), carrier.id);
  }
  const off = path.join(scratch, 'us-off-by-a-cent.csv');
  rewriteCsv(path.join(UPS_FIXTURES, 'us-multipiece-inches.csv'), off, ',', (f) => {
    f[5] = `9${(f[5] ?? '').slice(1)}`; // a new invoice number, so nothing is replaced
    f[TOTAL] = addCents(f[TOTAL] ?? '', 1);
  });
  const bad = path.join(UPS_FIXTURES, 'bad', 'non-numeric-amount.csv');
  const results = await ingest(db, dataDir, [off, bad], 'ups');
  assert.deepEqual(results.map((r) => r.status), ['loaded', 'quarantined']);
}

async function rows<T>(db: Db, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db.db)).rows;
}
const n = (v: unknown): number => {
  const x = Number(v);
  assert.ok(Number.isSafeInteger(x), `integer from SQL: ${String(v)}`);
  return x;
};
const MONTH = sql`substr(cast(i.invoice_date as text), 1, 7)`;

/** The figures the report must show, computed independently from the long-form `charges` table. */
interface Expected {
  /** carrier|month|currency → sum of charges, non-zero only */
  spend: Map<string, number>;
  /** currency → sum of charges */
  spendByCurrency: Map<string, number>;
  invoicesByCarrier: Map<string, number>;
  /** carrier|code|currency → [lines, amount] for surcharge codes */
  surcharges: Map<string, [number, number]>;
  /** currency → [shipments, sum of shipment charges] */
  shipments: Map<string, [number, number]>;
  /** invoices whose charges do not add up to the stated total, from the charges themselves */
  unreconciled: Array<{ carrier: string; account: string; invoice: string; date: string; currency: string; stated: number; sum: number; file: string }>;
  /** carrier|description|currency → [lines, amount] */
  unmapped: Map<string, [number, number]>;
  /** file name → [errors, warnings] */
  issues: Map<string, [number, number]>;
}

async function expectedFromSql(db: Db): Promise<Expected> {
  const spend = new Map<string, number>();
  const spendByCurrency = new Map<string, number>();
  for (const r of await rows<{ carrier: string; month: string; currency: string; total: unknown }>(
    db,
    sql`select i.carrier, ${MONTH} as month, c.currency, sum(c.amount_minor) as total
        from charges c join invoices i on i.id = c.invoice_id group by i.carrier, ${MONTH}, c.currency`,
  )) {
    if (n(r.total) !== 0) spend.set(`${r.carrier}|${r.month}|${r.currency}`, n(r.total));
    spendByCurrency.set(r.currency, (spendByCurrency.get(r.currency) ?? 0) + n(r.total));
  }
  const invoicesByCarrier = new Map<string, number>();
  for (const r of await rows<{ carrier: string; k: unknown }>(db, sql`select carrier, count(*) as k from invoices group by carrier`)) invoicesByCarrier.set(r.carrier, n(r.k));
  const surcharges = new Map<string, [number, number]>();
  for (const r of await rows<{ carrier: string; code: string; currency: string; lines: unknown; total: unknown }>(
    db,
    sql`select i.carrier, c.charge_code as code, c.currency, count(*) as lines, sum(c.amount_minor) as total
        from charges c join invoices i on i.id = c.invoice_id
        where c.charge_code not in ('freight', 'vat', 'duties_taxes', 'discount') group by i.carrier, c.charge_code, c.currency`,
  )) surcharges.set(`${r.carrier}|${r.code}|${r.currency}`, [n(r.lines), n(r.total)]);
  const shipments = new Map<string, [number, number]>();
  for (const r of await rows<{ currency: string; k: unknown; total: unknown }>(
    db,
    sql`select i.currency, count(distinct s.id) as k, coalesce(sum(c.amount_minor), 0) as total
        from shipments s join invoices i on i.id = s.invoice_id left join charges c on c.shipment_id = s.id group by i.currency`,
  )) shipments.set(r.currency, [n(r.k), n(r.total)]);
  const unreconciled = (
    await rows<{ carrier: string; account: string; invoice: string; date: string; currency: string; stated: unknown; total: unknown; file: string }>(
      db,
      sql`select i.carrier, i.account_number as account, i.invoice_number as invoice, cast(i.invoice_date as text) as date, i.currency,
                 i.stated_total_minor as stated, sum(c.amount_minor) as total, f.original_name as file
          from invoices i join charges c on c.invoice_id = i.id join source_files f on f.id = i.source_file_id
          where i.stated_total_minor is not null
          group by i.id, i.carrier, i.account_number, i.invoice_number, i.invoice_date, i.currency, i.stated_total_minor, f.original_name
          having sum(c.amount_minor) <> i.stated_total_minor
          order by i.invoice_number`,
    )
  ).map((r) => ({ carrier: r.carrier, account: r.account, invoice: r.invoice, date: r.date, currency: r.currency, stated: n(r.stated), sum: n(r.total), file: r.file }));
  const unmapped = new Map<string, [number, number]>();
  for (const r of await rows<{ carrier: string; description: string; currency: string; lines: unknown; total: unknown }>(
    db,
    sql`select i.carrier, c.charge_description as description, c.currency, count(*) as lines, sum(c.amount_minor) as total
        from charges c join invoices i on i.id = c.invoice_id where c.charge_code = 'unmapped'
        group by i.carrier, c.charge_description, c.currency`,
  )) unmapped.set(`${r.carrier}|${r.description}|${r.currency}`, [n(r.lines), n(r.total)]);
  const issues = new Map<string, [number, number]>();
  for (const r of await rows<{ file: string; errors: unknown; warnings: unknown }>(
    db,
    sql`select file_name as file, sum(case when severity = 'error' then 1 else 0 end) as errors,
               sum(case when severity = 'warning' then 1 else 0 end) as warnings
        from data_issues group by file_name`,
  )) issues.set(r.file, [n(r.errors), n(r.warnings)]);
  return { spend, spendByCurrency, invoicesByCarrier, surcharges, shipments, unreconciled, unmapped, issues };
}

function add(map: Map<string, number>, key: string, v: number): void {
  map.set(key, (map.get(key) ?? 0) + v);
}
const nonZero = (m: Map<string, number>) => new Map([...m].filter(([, v]) => v !== 0));

/** The embedded data must say exactly what SQL on the same database says. */
function assertDataMatches(data: ReportData, exp: Expected): void {
  const spend = new Map<string, number>();
  for (const r of data.spend) add(spend, `${r.carrier}|${r.month}|${r.currency}`, r.spend_minor);
  assert.deepEqual(nonZero(spend), exp.spend, 'spend per carrier, month and currency');

  const surcharges = new Map<string, [number, number]>();
  for (const r of data.surcharges) {
    const k = `${r.carrier}|${r.code}|${r.currency}`;
    const [l, a] = surcharges.get(k) ?? [0, 0];
    surcharges.set(k, [l + r.lines, a + r.amount_minor]);
  }
  assert.deepEqual(surcharges, exp.surcharges, 'surcharges per carrier, code and currency');
  assert.ok(data.surcharges.every((r) => !['freight', 'vat'].includes(r.code)));

  const ships = new Map<string, [number, number]>();
  for (const r of data.shipments) {
    const [k, t] = ships.get(r.currency) ?? [0, 0];
    ships.set(r.currency, [k + r.shipments, t + r.total_minor]);
    const bins = data.shipment_bins[r.currency];
    assert.ok(bins !== undefined && r.bin >= 0 && r.bin <= bins.count && (r.bin < bins.count || bins.overflow), `bin ${r.bin} of ${r.currency}`);
  }
  assert.deepEqual(ships, exp.shipments, 'shipments and their totals per currency');

  assert.deepEqual(
    data.unreconciled.map((u) => ({ carrier: u.carrier, account: u.account, invoice: u.invoice, date: u.invoice_date, currency: u.currency, stated: u.stated_minor, sum: u.net_minor, file: u.file })),
    exp.unreconciled,
  );
  for (const u of data.unreconciled) assert.equal(u.difference_minor, u.net_minor - u.stated_minor);

  const unmapped = new Map<string, [number, number]>();
  for (const r of data.unmapped) {
    const k = `${r.carrier}|${r.description}|${r.currency}`;
    const [l, a] = unmapped.get(k) ?? [0, 0];
    unmapped.set(k, [l + r.lines, a + r.amount_minor]);
  }
  assert.deepEqual(unmapped, exp.unmapped, 'unmapped descriptions');

  assert.deepEqual(new Map(data.files.map((f) => [f.file, [f.errors, f.warnings]])), exp.issues, 'issues per file');
}

async function assertExamplesExist(db: Db, data: ReportData): Promise<void> {
  for (const u of data.unmapped) {
    const hit = await rows<{ k: unknown }>(
      db,
      sql`select count(*) as k from charges c join source_files f on f.id = c.source_file_id
          where c.charge_description = ${u.description} and c.charge_code = 'unmapped' and f.original_name = ${u.example_file} and c.source_row = ${u.example_row}`,
    );
    assert.equal(n(hit[0]?.k), 1, `example ${u.example_file} row ${u.example_row} is a "${u.description}" charge`);
  }
}

// ---- the page in Chromium ---------------------------------------------------------------------

const chartShape = z.object({
  labels: z.array(z.string()),
  datasets: z.array(z.object({ carrier: z.string(), data: z.array(z.number()), minor: z.array(z.number()).nullable(), lines: z.array(z.number()).optional() })),
  width: z.number(),
  height: z.number(),
  painted: z.number(),
});
type ChartShape = z.infer<typeof chartShape>;

async function chartOf(page: Page, id: string): Promise<ChartShape> {
  const v: unknown = await page.evaluate(`(() => {
    const c = Chart.getChart(${JSON.stringify(id)});
    if (!c) return null;
    const canvas = c.canvas;
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) painted++;
    return {
      labels: c.data.labels.map(String),
      datasets: c.data.datasets.map((d) => ({ carrier: d.carrier, data: d.data, minor: d.minor, lines: d.lines })),
      width: canvas.width, height: canvas.height, painted,
    };
  })()`);
  return chartShape.parse(v);
}

async function tableRows(page: Page, id: string): Promise<string[][]> {
  const v: unknown = await page.evaluate(
    `Array.from(document.querySelectorAll(${JSON.stringify(`#${id} tbody tr:not(.empty)`)})).map((tr) => Array.from(tr.cells).map((td) => td.textContent.trim()))`,
  );
  return z.array(z.array(z.string())).parse(v);
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? '').trim();
}

async function selectedCurrency(page: Page): Promise<string> {
  return z.string().parse(await page.getAttribute('#currency-cards button[aria-pressed="true"]', 'data-currency'));
}

/** Spend per carrier per month in `currency` from SQL, as the chart must hold it (zeros between). */
function spendSeries(exp: Expected, currency: string, carriers: readonly string[], months: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of carriers) out.set(c, months.map((m) => exp.spend.get(`${c}|${m}|${currency}`) ?? 0));
  return out;
}

async function assertSpendChart(page: Page, exp: Expected, only?: string): Promise<void> {
  const currency = await selectedCurrency(page);
  const chart = await chartOf(page, 'chart-spend');
  const keys = [...exp.spend.keys()].map((k) => k.split('|')).filter(([c, , cur]) => cur === currency && (only === undefined || c === only));
  const carriers = CARRIERS.map((c) => c.id).filter((id) => keys.some(([c]) => c === id));
  const months = keys.map(([, m]) => m ?? '').sort();
  assert.equal(chart.labels[0], months[0]);
  assert.equal(chart.labels[chart.labels.length - 1], months[months.length - 1]);
  assert.deepEqual(chart.datasets.map((d) => d.carrier), carriers, `carriers in the ${currency} spend chart`);
  const want = spendSeries(exp, currency, carriers, chart.labels);
  for (const d of chart.datasets) {
    assert.deepEqual(d.minor, want.get(d.carrier), `${d.carrier} spend in ${currency} per month`);
    // the bar heights are the same amounts as decimals
    assert.deepEqual(d.data, (d.minor ?? []).map((v) => Number(formatMinor(v, currency))));
  }
  assert.match(await text(page, '#spend-title'), new RegExp(`${currency}$`));
}

function sumMatching(exp: Expected, pred: (carrier: string, month: string, currency: string) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of exp.spend) {
    const [c = '', m = '', cur = ''] = k.split('|');
    if (pred(c, m, cur)) add(out, cur, v);
  }
  return out;
}

async function currencyCards(page: Page): Promise<Map<string, string>> {
  const v: unknown = await page.evaluate(
    `Array.from(document.querySelectorAll('#currency-cards button')).map((b) => [b.getAttribute('data-currency'), b.querySelector('.cur-amount').textContent])`,
  );
  return new Map(z.array(z.tuple([z.string(), z.string()])).parse(v));
}

describe('etl report', () => {
  const t = useTestDatabase('sqlite');
  const tmp = tempDir('etl-report-');
  let browser: Browser;
  let page: Page;
  let exp: Expected;
  let data: ReportData;
  const blocked: string[] = [];
  const errors: string[] = [];
  const out = path.join(tmp.dir, 'out', 'report.html');

  before(async () => {
    await loadSamples(t.db, t.tdb.dataDir, tmp.dir);
    exp = await expectedFromSql(t.db);
    browser = await chromium.launch({ executablePath: process.env.ETL_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    tmp.cleanup();
  });

  test('the CLI writes one self-contained HTML file', async () => {
    const r = await runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, 'report', '--out', out], { SOURCE_DATE_EPOCH: EPOCH });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote .*report\.html \(\d+ KB\): \d+ invoices in 7 currencies, 1 unreconciled, \d+ unmapped charge descriptions/);
    const html = fs.readFileSync(out, 'utf8');
    // no external resource of any kind: scripts, styles, images and fonts are all inline
    assert.doesNotMatch(html, /<(script|link|img|iframe)\b[^>]*\b(src|href)=/i);
    assert.doesNotMatch(html, /url\(\s*['"]?(https?:|\/\/)/i);
    assert.doesNotMatch(html, /sourceMappingURL/);
    assert.ok(html.length < 600_000, `reasonably small: ${html.length} bytes`);
    data = readEmbedded(html);
    assert.equal(data.generated_at, '2025-06-30T00:00:00.000Z');
    assert.equal(data.chart_library.name, 'chart.js');
    // the same database gives the same bytes (SOURCE_DATE_EPOCH fixes the time)
    const again = path.join(tmp.dir, 'again.html');
    assert.equal((await runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, 'report', '--out', again], { SOURCE_DATE_EPOCH: EPOCH })).code, 0);
    assert.equal(fs.readFileSync(again, 'utf8'), html);
  });

  test('its embedded data equals SQL on the same database', async () => {
    assertDataMatches(data, exp);
    await assertExamplesExist(t.db, data);
    assert.equal(exp.unreconciled.length, 1, 'the off-by-a-cent invoice, found from the charges');
    assert.equal(data.unreconciled[0]?.difference_minor, -1);
    assert.equal(data.unreconciled[0]?.file, 'us-off-by-a-cent.csv');
    assert.ok(exp.unmapped.size >= 5, 'the samples have unmapped charges from several carriers');
    assert.equal(data.files.find((f) => f.file === 'non-numeric-amount.csv')?.status, 'quarantined');
    assert.deepEqual(Object.keys(data.currencies).sort(), [...exp.spendByCurrency.keys()].sort());
  });

  test('the page renders in Chromium with the network blocked', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(out).href);
    await page.waitForSelector('body[data-rendered]');
    assert.deepEqual(errors, []);
    assert.deepEqual(blocked, [], 'the page asked for nothing over the network');
    assert.equal(await page.evaluate('typeof Chart === "function" ? Chart.version : null'), data.chart_library.version);
    for (const id of ['chart-spend', 'chart-shipments', 'chart-surcharges']) {
      const c = await chartOf(page, id);
      assert.ok(c.width > 300 && c.height > 200, `${id} has a size`);
      assert.ok(c.datasets.length > 0 && c.datasets.some((d) => d.data.some((v) => v !== 0)), `${id} has data`);
      assert.ok(c.painted > 5000, `${id} is drawn (${c.painted} pixels)`);
    }
  });

  test('the numbers shown equal SQL', async () => {
    // currency cards: total spend per currency, never added across currencies
    const cards = await currencyCards(page);
    assert.deepEqual(new Map([...cards].sort()), new Map([...exp.spendByCurrency].map(([c, v]): [string, string] => [c, shown(v, c)]).sort()));
    assert.equal(await text(page, '#k-invoices'), String([...exp.invoicesByCarrier.values()].reduce((a, b) => a + b, 0)));
    await assertSpendChart(page, exp);
    // another currency
    await page.click('#currency-cards button[data-currency="GBP"]');
    assert.equal(await selectedCurrency(page), 'GBP');
    await assertSpendChart(page, exp);

    // surcharges chart: per carrier and code, in the selected currency
    const sur = await chartOf(page, 'chart-surcharges');
    for (const d of sur.datasets) {
      sur.labels.forEach((code, i) => {
        const [lines, amount] = exp.surcharges.get(`${d.carrier}|${code}|GBP`) ?? [0, 0];
        assert.equal(d.minor?.[i], amount, `${d.carrier} ${code} GBP`);
        assert.equal(d.lines?.[i], lines);
      });
    }
    assert.ok(!sur.labels.includes('freight') && !sur.labels.includes('vat'));

    // histogram: every GBP shipment counted once
    const hist = await chartOf(page, 'chart-shipments');
    const counted = hist.datasets.reduce((s, d) => s + d.data.reduce((a, b) => a + b, 0), 0);
    assert.equal(counted, exp.shipments.get('GBP')?.[0]);
    assert.match(await text(page, '#ship-sub'), new RegExp(`^${exp.shipments.get('GBP')?.[0]} shipments · average `));
    assert.match(await text(page, '#ship-title'), /GBP$/);

    // unreconciled invoices, with the difference to the cent
    const unrec = await tableRows(page, 't-unreconciled');
    assert.deepEqual(
      unrec,
      exp.unreconciled.map((u) => [
        CARRIERS.find((c) => c.id === u.carrier)?.name ?? u.carrier,
        u.account,
        u.invoice,
        u.date,
        money(u.stated, u.currency),
        money(u.sum, u.currency),
        `${u.sum - u.stated > 0 ? '+' : ''}${money(u.sum - u.stated, u.currency)}`,
        u.file,
      ]),
    );
    assert.equal(unrec[0]?.[6], '-0.01\u00a0USD');
    assert.equal(await text(page, '#k-unreconciled'), '1');

    // unmapped descriptions with counts, amounts and an example
    const unmapped = await tableRows(page, 't-unmapped');
    assert.equal(unmapped.length, exp.unmapped.size);
    for (const [k, [lines, amount]] of exp.unmapped) {
      const [carrier = '', description = '', currency = ''] = k.split('|');
      const row = unmapped.find((r) => r[1] === description && r[0] === (CARRIERS.find((c) => c.id === carrier)?.name ?? carrier));
      assert.ok(row, `unmapped "${description}" is listed`);
      assert.equal(row[2], String(lines));
      assert.equal(row[3], money(amount, currency));
      assert.ok(data.unmapped.some((u) => u.description === description && u.example_file === row[4] && String(u.example_row) === row[5]));
    }

    // data quality by file
    const files = await tableRows(page, 't-files');
    assert.deepEqual(new Map(files.map((r) => [r[0], [Number(r[3]), Number(r[4])]])), exp.issues);
    const q = files.find((r) => r[0] === 'non-numeric-amount.csv');
    assert.equal(q?.[2], 'quarantined');
    assert.match(q?.[6] ?? '', /^non-numeric-amount\.csv, row \d+/);
  });

  test('filters by carrier and month update every chart and table', async () => {
    await page.selectOption('#f-carrier', 'ups');
    const ups = sumMatching(exp, (c) => c === 'ups');
    const cards = await currencyCards(page);
    assert.deepEqual(new Map([...cards].sort()), new Map([...ups].map(([c, v]): [string, string] => [c, shown(v, c)]).sort()));
    assert.equal(await text(page, '#k-invoices'), String(exp.invoicesByCarrier.get('ups')));
    await assertSpendChart(page, exp, 'ups');
    for (const id of ['chart-spend', 'chart-shipments', 'chart-surcharges']) {
      assert.deepEqual((await chartOf(page, id)).datasets.map((d) => d.carrier), ['ups'], `${id} shows UPS only`);
    }
    assert.equal((await tableRows(page, 't-unreconciled')).length, 1);
    const um = await tableRows(page, 't-unmapped');
    assert.deepEqual(um.map((r) => r[0]), [...exp.unmapped.keys()].filter((k) => k.startsWith('ups|')).map(() => 'UPS'));
    assert.ok((await tableRows(page, 't-files')).every((r) => r[1] === 'UPS'));

    // a carrier whose invoices all reconcile: the table says so
    await page.selectOption('#f-carrier', 'dhl');
    assert.equal(await text(page, '#k-invoices'), String(exp.invoicesByCarrier.get('dhl')));
    assert.deepEqual(await tableRows(page, 't-unreconciled'), []);
    assert.match(await text(page, '#t-unreconciled tbody'), /adds up/);
    await assertSpendChart(page, exp, 'dhl');

    // a month range across carriers
    await page.selectOption('#f-carrier', '');
    await page.selectOption('#f-from', '2025-03');
    await page.selectOption('#f-to', '2025-04');
    const march = sumMatching(exp, (_c, m) => m >= '2025-03' && m <= '2025-04');
    const shownCards = await currencyCards(page);
    assert.deepEqual(new Map([...shownCards].sort()), new Map([...march].map(([c, v]): [string, string] => [c, shown(v, c)]).sort()));
    const spend = await chartOf(page, 'chart-spend');
    assert.ok(spend.labels.every((m) => m >= '2025-03' && m <= '2025-04'));
    const inRange = ([k]: [string, number]) => {
      const m = k.split('|')[1] ?? '';
      return m >= '2025-03' && m <= '2025-04';
    };
    await assertSpendChart(page, { ...exp, spend: new Map([...exp.spend].filter(inRange)) });
    assert.deepEqual(errors, []);
  });

  test('a screenshot of the whole page goes to docs/report.png', async () => {
    await page.click('#f-reset');
    await page.click('#currency-cards button[data-currency="EUR"]');
    // The same data must give the same PNG, so the committed picture only changes with the page:
    // no hover or focus styles, and the sticky filter bar laid out in place (Chromium composites
    // a sticky element on its own layer, whose rounded edges came out differently between runs).
    await page.mouse.move(0, 0);
    await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
    await page.addStyleTag({ content: '.filters { position: static; }' });
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = fs.readFileSync(SCREENSHOT);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(png.readUInt32BE(16), 1280, 'width');
    assert.ok(png.readUInt32BE(20) > 1200, 'the whole page');
    assert.ok(png.length > 50_000 && png.length < 2_000_000, `size ${png.length}`);
    assert.deepEqual(errors, []);
  });
});

// The same report from PostgreSQL (and SQLite again, through the same path): the queries are
// portable and the embedded data equals SQL on that database.
for (const dialect of DIALECTS) {
  describe(`etl report's data on ${dialect}`, () => {
    const t = useTestDatabase(dialect);
    const tmp = tempDir('etl-report-');
    after(() => tmp.cleanup());

    test('equals SQL on the same database', async () => {
      await loadSamples(t.db, t.tdb.dataDir, tmp.dir);
      const out = path.join(tmp.dir, 'report.html');
      const r = await runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, '--json', 'report', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      const summary = z.object({ out: z.string(), unreconciled: z.number() }).parse(JSON.parse(r.stdout));
      assert.equal(summary.out, out);
      assert.equal(summary.unreconciled, 1);
      const data = readEmbedded(fs.readFileSync(out, 'utf8'));
      assertDataMatches(data, await expectedFromSql(t.db));
      await assertExamplesExist(t.db, data);
    });
  });
}
