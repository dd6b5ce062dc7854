/**
 * Reporting currency (issue 14): the ECB CSV reader, the conversion rule (money.ts
 * convertedMinorSql) against a BigInt reference on both databases, `etl fx import` (idempotent,
 * all-or-nothing with row and column named), and the converted columns of `cost_per_shipment`
 * and `spend_by_month` on the sample invoices, recomputed here from the sample rates file read
 * independently.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { parseEcbCsv, rateMicro } from '../../src/fx/ecb.js';
import { convertedMinorSql, formatMinor } from '../../src/model/money.js';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { convertReference, expectedConvertedTotal, rateDate, SAMPLE_RATES, sampleRates } from '../support/fx-reference.js';
import { tempDir } from '../support/paths.js';
import { loadGoldenSamples } from '../support/samples.js';

const SAMPLE = SAMPLE_RATES;
const reference = convertReference;

describe('the ECB CSV reader', () => {
  test('reads the format: Date column, rates per 1 EUR, N/A skipped, trailing commas', () => {
    const p = parseEcbCsv('Date,USD,JPY,GBP,\n2024-09-26,1.1155,160.78,N/A,\n2024-09-25,1.1194,,0.83653,\n');
    assert.deepEqual(p.problems, []);
    assert.deepEqual(
      p.rates.map((r) => [r.date, r.currency, r.rate, r.micro]),
      [
        ['2024-09-26', 'USD', '1.1155', 1115500],
        ['2024-09-26', 'JPY', '160.78', 160780000],
        ['2024-09-25', 'USD', '1.1194', 1119400],
        ['2024-09-25', 'GBP', '0.83653', 836530],
      ],
    );
  });
  test('names the row and column of every bad cell', () => {
    const p = parseEcbCsv('Date,USD,GBP\n2024-02-30,1.1,0.8\n2024-09-25,1,1a\n2024-09-24,0,0.1234567\n2024-09-25,1,1\n');
    assert.deepEqual(
      p.problems.map((x) => [x.row, x.column]),
      [[2, 'Date'], [3, 'GBP'], [4, 'USD'], [4, 'GBP'], [5, 'Date']],
    );
    assert.equal(parseEcbCsv('Currency,USD\n').problems[0]?.row, 1);
  });
  test('rates are exact in millionths', () => {
    assert.equal(rateMicro('0.84293'), 842930);
    assert.equal(rateMicro('27500'), 27500000000);
    assert.equal(rateMicro('1.1234567'), null);
    assert.equal(rateMicro('-1'), null);
  });
});

for (const dialect of DIALECTS) {
  describe(`reporting currency on ${dialect}`, () => {
    const t = useTestDatabase(dialect);
    const tmp = tempDir('etl-fx-');
    const eur = path.join(tmp.dir, 'eur.yaml');
    const none = path.join(tmp.dir, 'none.yaml');
    const cli = (...args: string[]) => runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, ...args]);
    before(async () => {
      fs.writeFileSync(eur, 'reporting_currency: EUR\n');
      fs.writeFileSync(none, '# no reporting currency\n');
      await loadGoldenSamples(t.db, t.tdb.dataDir);
    });

    test('the conversion rounds once, half to even, like the BigInt reference', async () => {
      const cases: Array<[bigint, string, string, bigint, bigint]> = [
        [1n, 'USD', 'EUR', 2_000_000n, 1_000_000n], // 0.5 → 0
        [3n, 'USD', 'EUR', 2_000_000n, 1_000_000n], // 1.5 → 2
        [5n, 'USD', 'EUR', 2_000_000n, 1_000_000n], // 2.5 → 2
        [-1n, 'USD', 'EUR', 2_000_000n, 1_000_000n], // -0.5 → 0
        [-3n, 'USD', 'EUR', 2_000_000n, 1_000_000n], // -1.5 → -2
        [10000n, 'USD', 'EUR', 1_115_500n, 1_000_000n],
        [37848499n, 'VND', 'EUR', 27_472_500_000n, 1_000_000n], // VND has no minor digits
        [6643n, 'GBP', 'JPY', 844_050n, 160_780_000n], // to a 0-digit currency
        [123457n, 'KWD', 'USD', 335_000n, 1_115_500n], // from a 3-digit currency
        [9_000_000_000n, 'SEK', 'DKK', 11_369_800n, 7_462_000n],
      ];
      for (let i = 0; i < 200; i++) {
        const a = BigInt(Math.floor(Math.sin(i + 1) * 1e9));
        cases.push([a, 'USD', 'GBP', BigInt(900_000 + ((i * 7919) % 400_000)), BigInt(800_000 + ((i * 104729) % 100_000))]);
      }
      for (const [amount, from, to, fm, tm] of cases) {
        const expr = convertedMinorSql(dialect, String(amount), `'${from}'`, `'${to}'`, String(fm), String(tm));
        const got = (await sql<{ v: unknown }>`select ${sql.raw(expr)} as v`.execute(t.db.db)).rows[0]?.v;
        assert.equal(BigInt(String(got)), reference(amount, from, to, fm, tm), `${amount} ${from}→${to}`);
      }
    });

    test('etl fx import is idempotent and applies reporting_currency', async () => {
      const r1 = await cli('fx', 'import', SAMPLE, '--config', eur);
      assert.equal(r1.code, 0, r1.stderr);
      assert.match(r1.stderr, /(\d+) new, 0 revised, 0 unchanged; reporting currency: EUR/);
      const before = await t.db.db.selectFrom('fx_rates').select(['currency', 'rate_date', 'rate', 'rate_micro', 'loaded_at']).orderBy('currency').orderBy('rate_date').execute();
      const r2 = await cli('fx', 'import', SAMPLE, '--config', eur);
      assert.equal(r2.code, 0, r2.stderr);
      assert.match(r2.stderr, / 0 new, 0 revised, \d+ unchanged/);
      const again = await t.db.db.selectFrom('fx_rates').select(['currency', 'rate_date', 'rate', 'rate_micro', 'loaded_at']).orderBy('currency').orderBy('rate_date').execute();
      assert.deepEqual(again, before);
      assert.ok(before.some((r) => r.currency === 'TWD') && before.some((r) => r.currency === 'VND'));
    });

    test('a bad rates file is refused whole, naming row and column', async () => {
      const bad = path.join(tmp.dir, 'bad.csv');
      fs.writeFileSync(bad, 'Date,USD,GBP,\n2030-01-02,1.2,0.8,\n2030-01-01,1.2,x,\n');
      const r = await cli('fx', 'import', bad, '--config', eur);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /row 3, column GBP: "x" is not a positive rate/);
      const n = await t.db.db.selectFrom('fx_rates').select('currency').where('rate_date', '=', '2030-01-02').execute();
      assert.equal(n.length, 0, 'nothing from the bad file');
    });

    test('cost_per_shipment: every total converted with the rate of its date, recomputed here', async () => {
      const rates = sampleRates();
      const rows = (
        await sql<{ shipment_id: number; currency: string; invoice_date: string; net_total_minor: number; reporting_currency: string | null; reporting_total: unknown; fx_rate: string | null; fx_rate_date: string | null }>`
          select c.shipment_id, c.currency, cast(c.invoice_date as text) as invoice_date, s.net_total_minor, c.reporting_currency, c.reporting_total, c.fx_rate, cast(c.fx_rate_date as text) as fx_rate_date
          from cost_per_shipment c join shipments s on s.id = c.shipment_id`.execute(t.db.db)
      ).rows;
      const invoiceCurrencies = await t.db.db.selectFrom('invoices').select('currency').distinct().execute();
      assert.equal(invoiceCurrencies.length, 7, 'the sample invoices use 7 currencies');
      assert.ok(new Set(rows.map((r) => r.currency)).size >= 6);
      for (const r of rows) {
        assert.equal(r.reporting_currency, 'EUR');
        const d = rateDate(rates, r.invoice_date, r.currency, 'EUR');
        assert.ok(d, `a rate for ${r.currency} on ${r.invoice_date}`);
        assert.equal(r.fx_rate_date, d, `rate date of shipment ${r.shipment_id}`);
        const from = rates.get(d)?.get(r.currency) ?? 0n;
        const expected = r.currency === 'EUR' ? BigInt(r.net_total_minor) : reference(BigInt(r.net_total_minor), r.currency, 'EUR', from, 1_000_000n);
        assert.equal(Number(r.reporting_total).toFixed(2), formatMinor(expected, 'EUR'), `shipment ${r.shipment_id} ${r.currency}`);
      }
      // the TWD gap on 2025-06-12 falls back to the day before, if an invoice is dated then
      const twd = rows.filter((r) => r.currency === 'TWD');
      for (const r of twd) assert.ok(r.fx_rate_date !== '2025-06-12');
    });

    test('spend_by_month: converted per rate date, rounded once per part, with the dates beside', async () => {
      const expected = (await expectedConvertedTotal(t.db, 'EUR')).total;
      const got = (await sql<{ total: unknown; missing: unknown }>`select sum(reporting_amount_minor) as total, sum(case when reporting_amount_minor is null then 1 else 0 end) as missing from spend_by_month`.execute(t.db.db)).rows[0];
      assert.equal(Number(got?.missing), 0);
      assert.equal(BigInt(String(got?.total)), expected);
    });

    test('without reporting_currency the converted columns are empty and the rows unchanged', async () => {
      const count = async () => Number((await sql<{ n: unknown }>`select count(*) as n from spend_by_month`.execute(t.db.db)).rows[0]?.n);
      const withEur = await count();
      const r = await cli('export', '--view', 'spend_by_month', '--out', path.join(tmp.dir, 'spend.csv'), '--config', none);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await count(), withEur);
      const nulls = (await sql<{ n: unknown }>`select count(*) as n from spend_by_month where reporting_currency is null and reporting_amount_minor is null`.execute(t.db.db)).rows[0]?.n;
      assert.equal(Number(nulls), withEur);
      const csv = fs.readFileSync(path.join(tmp.dir, 'spend.csv'), 'utf8');
      assert.match(csv.split('\n')[0] ?? '', /amount_minor,reporting_currency,reporting_amount,reporting_amount_minor,fx_rate_date_first,fx_rate_date_last,fx_rate_dates/);
      const again = await cli('export', '--view', 'cost_per_shipment', '--out', path.join(tmp.dir, 'cps.csv'), '--config', eur);
      assert.equal(again.code, 0, again.stderr);
      assert.match(fs.readFileSync(path.join(tmp.dir, 'cps.csv'), 'utf8'), /,EUR,\d+\.\d{2},/);
    });
  });
}
