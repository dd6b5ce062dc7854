/**
 * The dashboard's reporting-currency total and Emissions section (issue 14), on SQLite and
 * PostgreSQL, rendered in real Chromium with the network blocked: with the sample rates imported
 * and `reporting_currency: EUR`, the page shows one EUR total across all 7 sample currencies,
 * equal to a total recomputed here from the charges and the rates file (test/support/fx-reference);
 * the Emissions section's total equals the view's, and both follow the carrier filter; without a
 * reporting currency the page says so and keeps the per-currency cards.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { chromium, type Browser, type Page } from 'playwright';
import { formatMinor } from '../../src/model/money.js';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { expectedConvertedTotal, SAMPLE_RATES } from '../support/fx-reference.js';
import { tempDir } from '../support/paths.js';
import { loadGoldenSamples } from '../support/samples.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const grouped = (s: string) => {
  const [int = '', frac] = s.replace('-', '').split('.');
  return `${s.startsWith('-') ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`}`;
};

async function open(browser: Browser, file: string): Promise<{ page: Page; errors: string[]; blocked: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-rendered]');
  return { page, errors, blocked };
}

for (const dialect of DIALECTS) {
  describe(`dashboard: reporting currency and emissions on ${dialect}`, () => {
    const t = useTestDatabase(dialect);
    const tmp = tempDir('etl-report14-');
    let browser: Browser;
    const eur = path.join(tmp.dir, 'eur.yaml');
    const cli = (...args: string[]) => runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, ...args]);
    before(async () => {
      await loadGoldenSamples(t.db, t.tdb.dataDir);
      fs.writeFileSync(eur, 'reporting_currency: EUR\n');
      const r = await cli('fx', 'import', SAMPLE_RATES, '--config', eur);
      assert.equal(r.code, 0, r.stderr);
      browser = await chromium.launch({ executablePath: process.env.ETL_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    });
    after(async () => {
      await browser?.close();
      tmp.cleanup();
    });

    test('one EUR total across all 7 currencies, recomputed independently', async () => {
      const out = path.join(tmp.dir, 'eur.html');
      const r = await cli('report', '--out', out, '--config', eur);
      assert.equal(r.code, 0, r.stderr);
      const { page, errors, blocked } = await open(browser, out);
      assert.deepEqual(errors, []);
      assert.deepEqual(blocked, []);
      const { total, currencies } = await expectedConvertedTotal(t.db, 'EUR');
      assert.equal(currencies.size, 7, 'the sample invoices use 7 currencies');
      assert.equal(await page.getAttribute('#reporting-amount', 'data-minor'), total.toString());
      assert.equal(await page.textContent('#reporting-amount'), `${grouped(formatMinor(total, 'EUR'))}\u00a0EUR`);
      const note = (await page.textContent('#reporting-note')) ?? '';
      assert.match(note, /^7 currencies converted \(DKK, EUR, GBP, SEK, TWD, USD, VND\) at ECB-format reference rates of 2024-09-\d\d to 2026-05-05/);
      assert.match(note, /rates from eurofxref-sample\.csv/);
      assert.equal(await page.$('#reporting-missing'), null, 'nothing left out');
      // the per-currency view is still there
      assert.equal(await page.locator('#currency-cards button.cur').count(), 7);

      // the carrier filter narrows the total to that carrier's converted spend
      await page.selectOption('#f-carrier', 'dsv');
      const dsv = (await sql<{ v: unknown }>`select sum(reporting_amount_minor) as v from spend_by_month where carrier = 'dsv'`.execute(t.db.db)).rows[0]?.v;
      assert.equal(await page.getAttribute('#reporting-amount', 'data-minor'), String(dsv));
      assert.match((await page.textContent('#reporting-note')) ?? '', /^2 currencies converted \(DKK, SEK\)/);
      await page.context().close();
    });

    test('the Emissions section: totals equal the view, reasons and factors shown, filters apply', async () => {
      const out = path.join(tmp.dir, 'eur.html');
      const { page, errors } = await open(browser, out);
      assert.deepEqual(errors, []);
      const grams = async (where: ReturnType<typeof sql>) =>
        String((await sql<{ g: unknown }>`select coalesce(sum(round(kg_co2e * 1000)), 0) as g from shipment_emissions where reason is null and ${where}`.execute(t.db.db)).rows[0]?.g).replace(/\.0*$/, '');
      assert.equal(await page.getAttribute('#emissions-total', 'data-grams'), await grams(sql`1 = 1`));
      const reasons = (await page.textContent('#t-emissions-reasons')) ?? '';
      assert.doesNotMatch(reasons, /domestic/, 'every domestic sample shipment is estimated (postcode or country_area)');
      assert.match(reasons, /no origin country/);
      const factors = (await page.textContent('#t-emissions-factors')) ?? '';
      assert.match(factors, /uk-gov-ghg-2012/);
      assert.match(factors, /air_long_haul/);
      assert.match(factors, /NOT verified/);
      await page.selectOption('#f-carrier', 'ups');
      assert.equal(await page.getAttribute('#emissions-total', 'data-grams'), await grams(sql`carrier = 'ups'`));
      await page.context().close();
    });

    test('without a reporting currency the page says so and adds nothing across currencies', async () => {
      const none = path.join(tmp.dir, 'none.yaml');
      fs.writeFileSync(none, 'charges: {}\n');
      const out = path.join(tmp.dir, 'none.html');
      const r = await cli('report', '--out', out, '--config', none);
      assert.equal(r.code, 0, r.stderr);
      const { page, errors } = await open(browser, out);
      assert.deepEqual(errors, []);
      assert.equal(await page.$('#reporting-amount'), null);
      assert.match((await page.textContent('#reporting-total')) ?? '', /No reporting currency set/);
      assert.equal(await page.locator('#currency-cards button.cur').count(), 7);
      await page.context().close();
    });
  });
}
