/**
 * Charge-map overrides: operator-owned data that wins over a carrier's built-in `charges.ts` map,
 * from `etl.config.yaml` (`charges:`) and from the `charge_map_overrides` table (`etl charges
 * map`). The matching itself is `createChargeClassifier` in clean.ts, the one function ingest and
 * `etl remap` share; this module turns both sources into one list and reads/writes the table.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { isMappableCode, type ChargeCode } from '../model/charge-codes.js';
import type { ChargesConfig } from '../run-config.js';

/** One override: a label prefix (case-insensitive) or the carrier's own charge code → code. */
export interface ChargeOverride {
  readonly carrier: string;
  readonly match: 'label' | 'code';
  readonly pattern: string;
  readonly chargeCode: ChargeCode;
  readonly source: 'config' | 'database';
  readonly createdBy: string | null;
  readonly createdAt: string | null;
}

/** The config file's `charges:` section as overrides. */
export function overridesFromConfig(config: ChargesConfig): ChargeOverride[] {
  const out: ChargeOverride[] = [];
  for (const [carrier, c] of Object.entries(config)) {
    for (const [match, entries] of [['label', c.labels], ['code', c.codes]] as const) {
      for (const [pattern, code] of Object.entries(entries ?? {})) {
        // the schema already refused unknown codes; this keeps the type honest
        if (isMappableCode(code)) out.push({ carrier, match, pattern: pattern.trim(), chargeCode: code, source: 'config', createdBy: null, createdAt: null });
      }
    }
  }
  return out;
}

/** The `charge_map_overrides` rows as overrides (unknown codes, written by hand in SQL, are skipped). */
export async function overridesFromDatabase(db: Kysely<Database>): Promise<ChargeOverride[]> {
  const rows = await db.selectFrom('charge_map_overrides').selectAll().orderBy('id').execute();
  const out: ChargeOverride[] = [];
  for (const r of rows) {
    if (!isMappableCode(r.charge_code)) continue;
    const at = r.created_at instanceof Date ? r.created_at.toISOString() : r.created_at;
    out.push({ carrier: r.carrier, match: r.match, pattern: r.pattern, chargeCode: r.charge_code, source: 'database', createdBy: r.created_by, createdAt: at });
  }
  return out;
}

/**
 * Config and database overrides as one list: on the same carrier, match and pattern the
 * database row wins (it was set by `etl charges map`, explicitly, after the file was written).
 */
export function mergeOverrides(config: readonly ChargeOverride[], database: readonly ChargeOverride[]): ChargeOverride[] {
  const key = (o: ChargeOverride) => `${o.carrier}\u0000${o.match}\u0000${o.match === 'label' ? o.pattern.toLowerCase() : o.pattern}`;
  const taken = new Set(database.map(key));
  return [...database, ...config.filter((o) => !taken.has(key(o)))];
}

export function overridesFor(all: readonly ChargeOverride[], carrier: string): ChargeOverride[] {
  return all.filter((o) => o.carrier === carrier);
}

/** A short hash of what the overrides say (not who or when), '' when there are none. */
export function overridesFingerprint(list: readonly ChargeOverride[]): string {
  if (list.length === 0) return '';
  const lines = list.map((o) => `${o.carrier}\u0000${o.match}\u0000${o.pattern}\u0000${o.chargeCode}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** Adds or replaces a database override; returns the code it replaced, if any. */
export async function saveOverride(
  db: Kysely<Database>,
  o: { carrier: string; match: 'label' | 'code'; pattern: string; chargeCode: ChargeCode; createdBy: string; note: string | null },
): Promise<{ replaced: string | null }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('charge_map_overrides')
      .select(['id', 'charge_code'])
      .where('carrier', '=', o.carrier)
      .where('match', '=', o.match)
      .where('pattern', '=', o.pattern)
      .executeTakeFirst();
    if (existing !== undefined) await trx.deleteFrom('charge_map_overrides').where('id', '=', existing.id).execute();
    await trx
      .insertInto('charge_map_overrides')
      .values({ carrier: o.carrier, match: o.match, pattern: o.pattern, charge_code: o.chargeCode, created_by: o.createdBy, created_at: new Date().toISOString(), note: o.note })
      .execute();
    return { replaced: existing?.charge_code ?? null };
  });
}

/** POSIX shell quoting: safe to paste whatever the description holds (quotes, $, `, newlines). */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The exact command that maps `description` of `carrier` (to `code`, or a placeholder). */
export function chargesMapCommand(carrier: string, description: string, code?: string): string {
  // `--` so a description starting with `-` is not read as an option
  return `etl charges map --carrier ${shellQuote(carrier)} -- ${shellQuote(description.trim())} ${code ?? '<code>'}`;
}
