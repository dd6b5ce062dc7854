/**
 * `fuel_rates` from a CSV the user keeps (docs/fuel-rates.example.csv): one row per carrier,
 * charge code and period, with the published rate and where it was published. A bad row is a
 * UsageError naming the file, row and column; loading replaces the table's rows in one
 * transaction, so a bad file changes nothing.
 */
import fs from 'node:fs';
import type { Db } from '../db/connect.js';
import { UsageError } from '../errors.js';
import { CsvReader } from '../parsing/csv.js';
import type { FuelRate } from './rules/rate-drift.js';

export const FUEL_RATE_COLUMNS = ['carrier', 'charge_code', 'valid_from', 'valid_to', 'rate_percent', 'base', 'source'] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseFuelRates(text: string, file: string): FuelRate[] {
  const reader = new CsvReader(',');
  // comment lines (# ...) become empty lines, so row numbers stay the file's
  const body = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/^#.*$/gm, '');
  const records = [...reader.push(body), ...reader.end().records].filter((r) => !(r.fields.length === 1 && r.fields[0]?.trim() === ''));
  const [header, ...rows] = records;
  const names = (header?.fields ?? []).map((f) => f.trim());
  const missing = FUEL_RATE_COLUMNS.filter((c) => !names.includes(c));
  if (header === undefined || missing.length > 0) throw new UsageError(`${file}: the header must name the columns ${FUEL_RATE_COLUMNS.join(', ')} (missing: ${missing.join(', ')})`);
  const out: FuelRate[] = [];
  for (const r of rows) {
    const get = (col: (typeof FUEL_RATE_COLUMNS)[number]): string => (r.fields[names.indexOf(col)] ?? '').trim();
    const bad = (col: string, why: string): never => {
      throw new UsageError(`${file} row ${r.row}, column ${col}: ${why}`);
    };
    const carrier = get('carrier') || bad('carrier', 'empty');
    const chargeCode = get('charge_code') || bad('charge_code', 'empty');
    const validFrom = get('valid_from');
    if (!DATE.test(validFrom)) bad('valid_from', `"${validFrom}" is not a YYYY-MM-DD date`);
    const validTo = get('valid_to');
    if (validTo !== '' && (!DATE.test(validTo) || validTo < validFrom)) bad('valid_to', `"${validTo}" is not a YYYY-MM-DD date on or after valid_from (or empty: still in effect)`);
    const ratePercent = get('rate_percent');
    if (!/^\d{1,3}(\.\d{1,4})?$/.test(ratePercent)) bad('rate_percent', `"${ratePercent}" is not a percentage such as 18.25`);
    const base = get('base');
    if (base !== 'freight' && base !== 'freight_and_surcharges') bad('base', `"${base}" is neither freight nor freight_and_surcharges`);
    const source = get('source') || bad('source', 'empty: say where the rate was published');
    out.push({ carrier, chargeCode, validFrom, validTo: validTo === '' ? null : validTo, ratePercent, base: base as FuelRate['base'], source });
  }
  const seen = new Set<string>();
  for (const r of out) {
    const key = `${r.carrier} ${r.chargeCode} ${r.validFrom}`;
    if (seen.has(key)) throw new UsageError(`${file}: two rows for ${r.carrier} ${r.chargeCode} from ${r.validFrom}`);
    seen.add(key);
  }
  return out;
}

export function readFuelRatesFile(file: string): FuelRate[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`fuel rates file ${file} not found`);
  }
  return parseFuelRates(text, file);
}

/** Replaces every row of fuel_rates with `rates`. */
export async function replaceFuelRates(handle: Db, rates: readonly FuelRate[]): Promise<void> {
  await handle.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('fuel_rates').execute();
    if (rates.length > 0) {
      await trx
        .insertInto('fuel_rates')
        .values(rates.map((r) => ({ carrier: r.carrier, charge_code: r.chargeCode, valid_from: r.validFrom, valid_to: r.validTo, rate_percent: r.ratePercent, base: r.base, source: r.source })))
        .execute();
    }
  });
}
