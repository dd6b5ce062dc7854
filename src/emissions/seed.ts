/**
 * Reference data the emission views join, seeded on migrate like the volumetric divisors: rows
 * that are missing are added; rows already there (which operators may have edited or imported)
 * are never changed. Read-only when nothing is missing.
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

const countriesSchema = z.array(z.looseObject({ alpha2: z.string().length(2), latitude: z.string().optional(), longitude: z.string().optional() }));

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
}
