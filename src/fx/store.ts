/**
 * Rates and the reporting currency in the database. Importing the same file twice changes
 * nothing; a rate the ECB revised is updated (and counted as revised). EUR is stored with rate 1
 * on every imported date so that every conversion looks up two rows of one date, EUR included.
 */
import path from 'node:path';
import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { FX_RATE_DIGITS } from '../model/money.js';
import type { EcbRate } from './ecb.js';

export interface FxImportSummary {
  readonly rates: number;
  readonly currencies: readonly string[];
  readonly first: string | null;
  readonly last: string | null;
  readonly added: number;
  readonly revised: number;
  readonly unchanged: number;
}

export async function storeRates(db: Kysely<Database>, file: string, parsed: readonly EcbRate[]): Promise<FxImportSummary> {
  const dates = [...new Set(parsed.map((r) => r.date))].sort();
  const eur = parsed.some((r) => r.currency === 'EUR') ? [] : dates.map((date) => ({ currency: 'EUR', date, rate: '1', micro: 10 ** FX_RATE_DIGITS }));
  const rows = [...parsed, ...eur];
  const source = `${path.basename(file)} (ECB euro reference rates format)`;
  const now = new Date().toISOString();
  let added = 0;
  let revised = 0;
  let unchanged = 0;
  await db.transaction().execute(async (trx) => {
    const existing = new Map<string, number>();
    for (let i = 0; i < dates.length; i += 500) {
      const chunk = dates.slice(i, i + 500);
      for (const r of await trx.selectFrom('fx_rates').select(['currency', 'rate_date', 'rate_micro']).where('rate_date', 'in', chunk).execute()) {
        existing.set(`${r.currency} ${r.rate_date}`, Number(r.rate_micro));
      }
    }
    const inserts: Insertable<Database['fx_rates']>[] = [];
    for (const r of rows) {
      const have = existing.get(`${r.currency} ${r.date}`);
      if (have === r.micro) unchanged++;
      else if (have === undefined) {
        added++;
        inserts.push({ currency: r.currency, rate_date: r.date, rate: r.rate, rate_micro: r.micro, source, loaded_at: now });
      } else {
        revised++;
        await trx.updateTable('fx_rates').set({ rate: r.rate, rate_micro: r.micro, source, loaded_at: now }).where('currency', '=', r.currency).where('rate_date', '=', r.date).execute();
      }
    }
    for (let i = 0; i < inserts.length; i += 200) await trx.insertInto('fx_rates').values(inserts.slice(i, i + 200)).execute();
  });
  return {
    rates: rows.length,
    currencies: [...new Set(rows.map((r) => r.currency))].sort(),
    first: dates[0] ?? null,
    last: dates[dates.length - 1] ?? null,
    added,
    revised,
    unchanged,
  };
}

/** Writes the reporting currency the views read (`etl_meta`), or removes it for none. Returns whether it changed. */
export async function setReportingCurrency(db: Kysely<Database>, currency: string | null): Promise<boolean> {
  const current = await db.selectFrom('etl_meta').select('value').where('key', '=', 'reporting_currency').executeTakeFirst();
  if ((current?.value ?? null) === currency) return false;
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('etl_meta').where('key', '=', 'reporting_currency').execute();
    if (currency !== null) await trx.insertInto('etl_meta').values({ key: 'reporting_currency', value: currency }).execute();
  });
  return true;
}

/** The reporting currency the views use now, or null. */
export async function reportingCurrency(db: Kysely<Database>): Promise<string | null> {
  return (await db.selectFrom('etl_meta').select('value').where('key', '=', 'reporting_currency').executeTakeFirst())?.value ?? null;
}

/** First and last rate date and the currencies with rates (for the dashboard's note). */
export async function rateCoverage(db: Kysely<Database>): Promise<{ first: string | null; last: string | null; sources: string[] }> {
  const r = await db.selectFrom('fx_rates').select((eb) => [eb.fn.min<string>('rate_date').as('first'), eb.fn.max<string>('rate_date').as('last')]).executeTakeFirst();
  const sources = (await db.selectFrom('fx_rates').select('source').distinct().orderBy('source').execute()).map((s) => s.source);
  return { first: r?.first ?? null, last: r?.last ?? null, sources };
}
