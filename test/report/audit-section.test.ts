/**
 * The dashboard's Audit section in real Chromium: the planted fixture set (fixtures/audit/), a GLS invoice
 * without problems and the example fuel rates are loaded through the CLI, the report is written, and the page must
 * show the money at stake by rule (the chart's exact amounts equal the audit_findings table),
 * list the findings with their evidence, and follow the rule and carrier filters.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright';
import { z } from 'zod';
import { runCli } from '../support/cli.js';
import { useTestDatabase } from '../support/databases.js';
import { ROOT, tempDir } from '../support/paths.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function auditChart(page: Page): Promise<{ labels: string[]; minor: Record<string, number[]> }> {
  const v: unknown = await page.evaluate(`(() => {
    const c = Chart.getChart('chart-audit');
    if (!c) return null;
    return { labels: c.data.labels.map(String), minor: Object.fromEntries(c.data.datasets.map((d) => [d.carrier, d.minor])) };
  })()`);
  return z.object({ labels: z.array(z.string()), minor: z.record(z.string(), z.array(z.number())) }).parse(v);
}

async function auditRows(page: Page): Promise<string[][]> {
  const v: unknown = await page.evaluate(`Array.from(document.querySelectorAll('#t-audit tbody tr:not(.empty)')).map((tr) => Array.from(tr.cells).map((td) => td.textContent.trim()))`);
  return z.array(z.array(z.string())).parse(v);
}

describe('the dashboard\'s Audit section', () => {
  const t = useTestDatabase('sqlite');
  const tmp = tempDir('etl-audit-report-');
  const out = path.join(tmp.dir, 'report.html');
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const cli = (...args: string[]) => runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, ...args]);

  before(async () => {
    assert.equal((await cli('ingest', '--carrier', 'ups', path.join(ROOT, 'fixtures', 'audit'))).code, 0);
    // a GLS invoice without problems: a carrier the filter can select that has no findings
    assert.equal((await cli('ingest', '--carrier', 'gls', path.join(ROOT, 'fixtures', 'invoices', 'gls', 'de-header-two-invoices.csv'))).code, 0);
    assert.equal((await cli('audit', '--fuel-rates', path.join(ROOT, 'docs', 'fuel-rates.example.csv'))).code, 0);
    const r = await cli('report', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    browser = await chromium.launch({ executablePath: process.env.ETL_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(out).href);
    await page.waitForSelector('body[data-rendered]');
  });
  after(async () => {
    await browser?.close();
    tmp.cleanup();
  });

  test('money at stake by rule equals the audit_findings table, largest first', async () => {
    assert.deepEqual(errors, []);
    const rows = await t.db.db.selectFrom('audit_findings').select(['rule', 'amount_minor']).execute();
    const want = rows.map((r) => [r.rule.replace(/_/g, ' '), Number(r.amount_minor)] as const).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const chart = await auditChart(page);
    assert.deepEqual(chart.labels, want.map(([rule]) => rule));
    assert.deepEqual(chart.minor.ups, want.map(([, v]) => v));
    assert.match((await page.textContent('#audit-sub')) ?? '', /^60\.05\u00a0EUR at stake in 7 findings in EUR/);
  });

  test('the findings table shows each finding with its evidence lines', async () => {
    const rows = await auditRows(page);
    assert.equal(rows.length, 7);
    const dup = rows.find((r) => r[0] === 'duplicate billing');
    assert.deepEqual(dup?.slice(1, 6), ['UPS', '0000PLANT1', '000090000002', '1ZPLANT00000000011', '10.00\u00a0EUR']);
    assert.equal(dup?.[7], 'planted-a.csv row 1; planted-b.csv row 1');
    assert.equal(rows.find((r) => r[0] === 'charges after credit')?.[7], 'planted-a.csv row 7; planted-b.csv row 2; planted-b.csv row 3');
  });

  test('the rule filter and the page\'s carrier filter narrow it', async () => {
    await page.selectOption('#f-audit-rule', 'rate_drift');
    await page.waitForFunction('document.querySelectorAll("#t-audit tbody tr").length === 1');
    assert.deepEqual((await auditRows(page)).map((r) => [r[0], r[5]]), [['rate drift', '1.90\u00a0EUR']]);
    assert.deepEqual((await auditChart(page)).labels, ['rate drift']);
    await page.selectOption('#f-audit-rule', '');
    await page.selectOption('#f-carrier', 'gls');
    await page.waitForFunction('document.querySelector("#t-audit tbody tr.empty") !== null');
    assert.deepEqual(await auditRows(page), []);
    assert.equal(((await page.textContent('#audit-sub')) ?? '').trim(), 'No audit findings in this selection.');
    assert.deepEqual(errors, []);
  });
});
