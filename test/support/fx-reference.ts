/**
 * An independent reference for currency conversion in tests: the sample rates file read with a
 * few lines of its own, half-to-even division on BigInts, and the rate-date rule (the invoice
 * date or the last date before it, at most 7 days back, with both rates).
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../src/db/connect.js';
import { minorDigits } from '../../src/model/money.js';
import { ROOT } from './paths.js';

export const SAMPLE_RATES = path.join(ROOT, 'fixtures', 'fx', 'eurofxref-sample.csv');

export function divHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n - q * d;
  const twice = 2n * (r < 0n ? -r : r);
  const sign = n < 0n ? -1n : 1n;
  if (twice > d || (twice === d && q % 2n !== 0n)) return q + sign;
  return q;
}

const pow10 = (cur: string) => 10n ** BigInt(minorDigits(cur));

export function convertReference(amount: bigint, from: string, to: string, fromMicro: bigint, toMicro: bigint): bigint {
  return divHalfEven(amount * toMicro * pow10(to), fromMicro * pow10(from));
}

/** date → currency → rate in millionths (EUR = 1 on every date). */
export function sampleRates(file = SAMPLE_RATES): Map<string, Map<string, bigint>> {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = (head ?? '').split(',');
  const out = new Map<string, Map<string, bigint>>();
  for (const line of lines) {
    const cells = line.split(',');
    const m = new Map<string, bigint>([['EUR', 1_000_000n]]);
    cols.forEach((c, i) => {
      const v = cells[i];
      if (i === 0 || c === '' || v === undefined || v === 'N/A' || v === '') return;
      const [int, frac = ''] = v.split('.');
      m.set(c, BigInt(int ?? '0') * 1_000_000n + BigInt(frac.padEnd(6, '0')));
    });
    out.set(cells[0] ?? '', m);
  }
  return out;
}

export function rateDate(rates: Map<string, Map<string, bigint>>, invoiceDate: string, cur: string, to: string): string | undefined {
  const min = new Date(Date.parse(`${invoiceDate}T00:00:00Z`) - 7 * 86400000).toISOString().slice(0, 10);
  return [...rates.keys()].filter((d) => d <= invoiceDate && d >= min && rates.get(d)?.has(cur) && rates.get(d)?.has(to)).sort().pop();
}

/**
 * The total spend in `to`, from the `charges` table: charges grouped as `spend_by_month` rows,
 * each row's part per rate date converted and rounded once, then everything added.
 */
export async function expectedConvertedTotal(db: Db, to: string, rates = sampleRates()): Promise<{ total: bigint; currencies: Set<string> }> {
  const groups = new Map<string, { cur: string; date: string | undefined; amount: bigint }>();
  const currencies = new Set<string>();
  for (const c of (
    await sql<{ k: string; currency: string; invoice_date: string; amount: unknown }>`
      select i.carrier || '|' || i.account_number || '|' || c.charge_code as k, c.currency, cast(i.invoice_date as text) as invoice_date, c.amount_minor as amount
      from charges c join invoices i on i.id = c.invoice_id`.execute(db.db)
  ).rows) {
    const date = rateDate(rates, c.invoice_date, c.currency, to);
    const key = `${c.k}|${c.invoice_date.slice(0, 7)}|${c.currency}|${date}`;
    const g = groups.get(key) ?? { cur: c.currency, date, amount: 0n };
    g.amount += BigInt(String(c.amount));
    groups.set(key, g);
    currencies.add(c.currency);
  }
  let total = 0n;
  for (const g of groups.values()) {
    if (g.cur === to) total += g.amount;
    else {
      if (g.date === undefined) throw new Error(`no sample rate for ${g.cur}`);
      total += convertReference(g.amount, g.cur, to, rates.get(g.date)?.get(g.cur) ?? 0n, rates.get(g.date)?.get(to) ?? 0n);
    }
  }
  return { total, currencies };
}
