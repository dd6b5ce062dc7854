/**
 * The emission views (issue 14): `shipment_emissions`, one row per shipment with its estimate or
 * the reason there is none, and `emissions_by_month`, its totals per carrier, account, month and
 * mode. The method is described in docs/emissions.md; every number they use comes from a table
 * (emission_factors, service_modes, geo_centroids, country_areas), none is written here except
 * the earth's radius, the mean-distance-in-a-disc constant, the unit conversions and the 3700 km
 * air short/long-haul boundary.
 */
import { dialectAdapter, type Dialect } from './dialect/index.js';

/** Mean earth radius in km (IUGG R1 = 6371.0088 km), for the great-circle (haversine) distance. */
export const EARTH_RADIUS_KM = 6371.0088;

/**
 * Air freight up to this great-circle distance uses the short-haul factor, beyond it the
 * long-haul one (the UK conversion factors' split between short- and long-haul flights).
 */
export const AIR_SHORT_HAUL_MAX_KM = 3700;

/**
 * The mean distance between two points drawn uniformly at random in a disc of radius R is
 * 128/(45π)·R (a classical result of geometric probability; test/emissions checks it by
 * numerical integration). A country of surface area A taken as a disc has R = √(A/π), so the
 * mean straight-line distance between two random points in it is 128/(45π)·√(A/π) =
 * 128/(45·π^1.5)·√A ≈ 0.5108·√A km: the `country_area` method's estimate for a domestic
 * shipment without postcode coordinates on both sides (docs/emissions.md).
 */
export const MEAN_DISC_DISTANCE_PER_SQRT_AREA = 128 / (45 * Math.PI ** 1.5);

/** Pounds and ounces in kilograms (exact by definition). */
const KG_PER = { kg: 1, lb: 0.45359237, oz: 0.028349523125 } as const;

/** `ROUND(expr, digits)` of a float as a float on both databases: the dialect adapter's. */
function roundFloat(dialect: Dialect, expr: string, digits: number): string {
  return dialectAdapter(dialect).roundFloatSql(expr, digits);
}

/** `YYYY-MM`: the dialect adapter's one definition, the one every view and the report use. */
function monthOf(dialect: Dialect, dateExpr: string): string {
  return dialectAdapter(dialect).monthSql(dateExpr);
}

/** Haversine great-circle distance in km between (lat1, lon1) and (lat2, lon2), in degrees. */
function greatCircleSql(lat1: string, lon1: string, lat2: string, lon2: string): string {
  const half = (a: string, b: string) => `SIN(RADIANS(${b} - ${a}) / 2)`;
  const h = `${half(lat1, lat2)} * ${half(lat1, lat2)} + COS(RADIANS(${lat1})) * COS(RADIANS(${lat2})) * ${half(lon1, lon2)} * ${half(lon1, lon2)}`;
  // MIN(1, h) guards ASIN against float noise for antipodal points; CASE works on both databases.
  return `2 * ${EARTH_RADIUS_KM} * ASIN(SQRT(CASE WHEN (${h}) > 1 THEN 1 ELSE (${h}) END))`;
}

export function shipmentEmissionsSelect(dialect: Dialect): string {
  const weight = 'COALESCE(s.entered_weight, s.billed_weight)';
  const kgPer = `CASE s.weight_unit ${Object.entries(KG_PER).map(([u, k]) => `WHEN '${u}' THEN ${k}`).join(' ')} END`;
  // postcodes are matched without spaces, in upper case; a US ZIP+4 by its 5-digit ZIP
  const postcode = (col: string, country: string) => `CASE WHEN ${country} = 'US' THEN SUBSTR(UPPER(REPLACE(${col}, ' ', '')), 1, 5) ELSE UPPER(REPLACE(${col}, ' ', '')) END`;
  const gcd = greatCircleSql('z.lat1', 'z.lon1', 'z.lat2', 'z.lon2');
  // the straight-line km: a great circle between centroids, or the country-area estimate
  const straight = `CASE WHEN z.tier = 'country_area' THEN ${MEAN_DISC_DISTANCE_PER_SQRT_AREA} * SQRT(z.area_km2) ELSE ${gcd} END`;
  const reason = `CASE
    WHEN y.service IS NULL OR TRIM(y.service) = '' THEN 'no service on the invoice line, so no transport mode'
    WHEN y.mode IS NULL THEN 'unknown service "' || y.service || '" for ' || y.carrier || ': add it to carriers/' || y.carrier || '/modes.ts'
    WHEN y.mode = 'none' THEN 'service "' || y.service || '" moves no goods'
    WHEN y.weight_kg IS NULL AND y.raw_weight IS NULL THEN 'no weight'
    WHEN y.weight_kg IS NULL THEN 'weight unit ' || COALESCE(y.weight_unit, '(none)') || ' cannot be converted to kg'
    WHEN y.origin_country IS NULL THEN 'no origin country'
    WHEN y.destination_country IS NULL THEN 'no destination country'
    WHEN y.tier IS NULL AND y.origin_country = y.destination_country THEN 'domestic (' || y.origin_country || '), no postcode coordinates on both sides and no surface area for ' || y.origin_country || ' in country_areas'
    WHEN y.tier IS NULL AND y.o_lat IS NULL THEN 'no coordinates for origin country ' || y.origin_country
    WHEN y.tier IS NULL THEN 'no coordinates for destination country ' || y.destination_country
    WHEN f.vehicle_class IS NULL THEN 'no emission factor for ' || y.vehicle_class || ' (import one: etl emissions factors import)'
  END`;
  return `SELECT
  w.shipment_id,
  w.carrier,
  w.account_number,
  w.invoice_number,
  w.invoice_date,
  w.tracking_number,
  w.service,
  w.activity_date,
  w.origin_country,
  w.destination_country,
  w.weight_kg,
  w.weight_basis,
  w.mode,
  w.vehicle_class,
  CASE WHEN w.reason IS NULL THEN w.great_circle_km END AS great_circle_km,
  CASE WHEN w.reason IS NULL THEN w.distance_km END AS distance_km,
  CASE WHEN w.reason IS NULL THEN ${roundFloat(dialect, 'w.weight_kg / 1000 * w.distance_km', 6)} END AS tonne_km,
  CASE WHEN w.reason IS NULL THEN ${roundFloat(dialect, 'w.weight_kg / 1000 * w.distance_km * w.factor', 3)} END AS kg_co2e,
  CASE WHEN w.reason IS NULL THEN w.factor END AS factor_kg_co2e_per_tkm,
  CASE WHEN w.reason IS NULL THEN w.factor_version END AS factor_version,
  CASE WHEN w.reason IS NULL THEN w.factor_basis END AS factor_basis,
  CASE WHEN w.reason IS NULL THEN w.tier ELSE 'not_computed' END AS tier,
  w.reason,
  CASE WHEN w.reason IS NULL THEN CASE w.tier WHEN 'postcode' THEN 'great_circle_postcode' WHEN 'country' THEN 'great_circle_country' ELSE w.tier END END AS distance_method
FROM (
  SELECT
    y.*,
    f.kg_co2e_per_tkm AS factor,
    f.version AS factor_version,
    f.basis AS factor_basis,
    ${roundFloat(dialect, `y.great_circle_km * f.distance_factor + f.distance_add_km`, 1)} AS distance_km,
    ${reason} AS reason
  FROM (
  SELECT
    u.*,
    (SELECT MIN(f3.version) FROM emission_factors f3 WHERE f3.vehicle_class = u.vehicle_class AND f3.valid_from = u.chosen_from) AS chosen_version
  FROM (
  SELECT
    v.*,
    -- the factor: the newest version valid on the activity date, else the oldest; found with
    -- MAX/MIN in WHERE (SQLite before 3.44 cannot see an outer row in a subquery's ORDER BY or
    -- a join's ON, and Debian 12's sqlite3 shell is 3.40)
    COALESCE(
      (SELECT MAX(f2.valid_from) FROM emission_factors f2 WHERE f2.vehicle_class = v.vehicle_class AND f2.valid_from <= v.activity_date),
      (SELECT MIN(f2.valid_from) FROM emission_factors f2 WHERE f2.vehicle_class = v.vehicle_class)
    ) AS chosen_from
  FROM (
    SELECT
      z.*,
      CASE WHEN z.tier IS NOT NULL THEN ${roundFloat(dialect, straight, 1)} END AS great_circle_km,
      CASE
        WHEN z.mode = 'air' AND z.tier IS NOT NULL THEN CASE WHEN ${straight} <= ${AIR_SHORT_HAUL_MAX_KM} THEN 'air_short_haul' ELSE 'air_long_haul' END
        WHEN z.mode = 'road' THEN COALESCE(z.declared_vehicle, CASE WHEN z.origin_country = z.destination_country THEN 'van' ELSE 'hgv' END)
      END AS vehicle_class
    FROM (
      SELECT
        x.*,
        co.latitude AS o_lat,
        cd.latitude AS d_lat,
        ca.area_km2,
        CASE
          WHEN po.latitude IS NOT NULL AND pd.latitude IS NOT NULL THEN 'postcode'
          WHEN x.origin_country = x.destination_country THEN CASE WHEN ca.area_km2 IS NOT NULL THEN 'country_area' END
          WHEN co.latitude IS NOT NULL AND cd.latitude IS NOT NULL THEN 'country'
        END AS tier,
        CASE WHEN po.latitude IS NOT NULL AND pd.latitude IS NOT NULL THEN po.latitude ELSE co.latitude END AS lat1,
        CASE WHEN po.latitude IS NOT NULL AND pd.latitude IS NOT NULL THEN po.longitude ELSE co.longitude END AS lon1,
        CASE WHEN po.latitude IS NOT NULL AND pd.latitude IS NOT NULL THEN pd.latitude ELSE cd.latitude END AS lat2,
        CASE WHEN po.latitude IS NOT NULL AND pd.latitude IS NOT NULL THEN pd.longitude ELSE cd.longitude END AS lon2
      FROM (
        SELECT
          s.id AS shipment_id,
          i.carrier,
          i.account_number,
          i.invoice_number,
          i.invoice_date,
          s.tracking_number,
          s.service,
          COALESCE(s.ship_date, i.invoice_date) AS activity_date,
          UPPER(COALESCE(s.sender_country, sm.origin_country)) AS origin_country,
          UPPER(COALESCE(s.receiver_country, CASE WHEN sm.domestic = 1 THEN COALESCE(s.sender_country, sm.origin_country) END)) AS destination_country,
          s.sender_postcode,
          s.receiver_postcode,
          ${weight} AS raw_weight,
          s.weight_unit,
          ${weight} * ${kgPer} AS weight_kg,
          CASE WHEN s.entered_weight IS NOT NULL THEN 'entered' WHEN s.billed_weight IS NOT NULL THEN 'billed' END AS weight_basis,
          sm.mode,
          sm.vehicle_class AS declared_vehicle
        FROM shipments s
        JOIN invoices i ON i.id = s.invoice_id
        LEFT JOIN service_modes sm ON sm.carrier = i.carrier AND sm.service_key = LOWER(TRIM(s.service))
      ) x
      LEFT JOIN geo_centroids co ON co.level = 'country' AND co.postcode = '' AND co.country = x.origin_country
      LEFT JOIN geo_centroids cd ON cd.level = 'country' AND cd.postcode = '' AND cd.country = x.destination_country
      LEFT JOIN geo_centroids po ON po.level = 'postcode' AND po.country = x.origin_country AND po.postcode = ${postcode('x.sender_postcode', 'x.origin_country')}
      LEFT JOIN geo_centroids pd ON pd.level = 'postcode' AND pd.country = x.destination_country AND pd.postcode = ${postcode('x.receiver_postcode', 'x.destination_country')}
      LEFT JOIN country_areas ca ON ca.country = x.origin_country AND x.origin_country = x.destination_country
    ) z
  ) v
  ) u
  ) y
  LEFT JOIN emission_factors f ON f.vehicle_class = y.vehicle_class AND f.version = y.chosen_version
) w`;
}

/** Totals of `shipment_emissions` per carrier, account, invoice month and mode. */
export function emissionsByMonthSelect(dialect: Dialect): string {
  return `SELECT
  e.carrier,
  e.account_number,
  ${monthOf(dialect, 'e.invoice_date')} AS month,
  COALESCE(e.mode, 'unknown') AS mode,
  COUNT(*) AS shipments,
  SUM(CASE WHEN e.reason IS NULL THEN 1 ELSE 0 END) AS estimated,
  SUM(CASE WHEN e.reason IS NULL THEN 0 ELSE 1 END) AS not_computed,
  ${roundFloat(dialect, 'COALESCE(SUM(e.tonne_km), 0)', 6)} AS tonne_km,
  ${roundFloat(dialect, 'COALESCE(SUM(e.kg_co2e), 0)', 3)} AS kg_co2e
FROM (
${shipmentEmissionsSelect(dialect)}
) e
GROUP BY e.carrier, e.account_number, ${monthOf(dialect, 'e.invoice_date')}, COALESCE(e.mode, 'unknown')`;
}
