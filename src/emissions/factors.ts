/**
 * The emission factors the database is seeded with (rows the operator has not got yet are added
 * on migrate; existing rows are never changed, so an operator's imported or edited factors
 * survive upgrades). Every row names its source, where in it, and whether the figure was checked
 * against the publication: only figures that could be read from a source are here (issue 14:
 * "never invent numbers"). The 2025 rows were read from a third-party copy of the UK flat file,
 * not from gov.uk: each says so in `verified`, and how its column was identified (the copy
 * drops the flat file's "Column Text"). An operator replaces or adds rows with
 * `etl emissions factors import` (docs/emissions.md).
 */
import { z } from 'zod';

export const VEHICLE_CLASSES = ['van', 'hgv', 'air_short_haul', 'air_long_haul'] as const;
export type VehicleClass = (typeof VEHICLE_CLASSES)[number];

function isDate(s: string): boolean {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00Z`) : null;
  return d !== null && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A decimal number from a CSV cell (an empty cell is an error, not 0). */
const number = (message: string) => z.string().trim().regex(/^-?\d+(\.\d+)?$/, message).transform(Number);

/** One factor as imported (CSV columns = these keys). */
export const factorSchema = z.strictObject({
  vehicle_class: z.enum(VEHICLE_CLASSES),
  version: z.string().trim().min(1),
  valid_from: z.string().refine(isDate, 'expected a date YYYY-MM-DD'),
  kg_co2e_per_tkm: number('expected a number (kg CO2e per tonne-km)').pipe(z.number().nonnegative()),
  basis: z.enum(['WTW', 'TTW']),
  distance_factor: number('expected a number').pipe(z.number().min(1, 'a distance factor below 1 would shorten the great circle')),
  distance_add_km: number('expected a number of km').pipe(z.number().nonnegative()),
  source: z.string().trim().min(1),
  reference: z.string().trim().min(1),
  verified: z.string().trim().min(1),
});
export type Factor = z.infer<typeof factorSchema>;

/** The mode a vehicle class belongs to. */
export function modeOf(vehicleClass: VehicleClass): 'road' | 'air' {
  return vehicleClass === 'van' || vehicleClass === 'hgv' ? 'road' : 'air';
}

/**
 * Road distances exceed the great circle between two country centroids (roads wind, depots sit
 * off the straight line): 1.05 is this project's choice, stated as such, not a figure taken from
 * ISO 14083 or the GLEC Framework (their defaults could not be checked offline). An operator who
 * has a sourced factor imports it with the factor row.
 */
export const ROAD_DISTANCE_FACTOR = 1.05;

/**
 * The UK flight factors are applied to the great-circle distance: Climatiq's descriptions of the
 * BEIS/DESNZ flat-file flight factors say an 8 % distance uplift is already in them (for freight
 * "inferred from the methodology"); not checked against the methodology paper.
 */
const UK_AIR_DISTANCE_FACTOR = 1;

/** Where the 2025 rows were read (the same copy for each). */
const UK_2025_COPY = 'github.com/scope3emissiontest-oss/JulesProject, backend/load_factors.py turns defra_factors_2025_v2/scope_3.csv (the 2025 flat file) into backend/insert_statements_part_*.sql';
const UK_2025_SOURCE = 'UK Government GHG Conversion Factors for Company Reporting 2025 (DESNZ/Defra), flat file';

export const SEEDED_FACTORS: readonly Factor[] = Object.freeze([
  {
    vehicle_class: 'hgv',
    version: 'uk-gov-ghg-2012',
    valid_from: '2012-04-01',
    kg_co2e_per_tkm: 0.14993,
    basis: 'WTW',
    distance_factor: ROAD_DISTANCE_FACTOR,
    distance_add_km: 0,
    source: "UK Government (Defra/DECC): 2012 Guidelines to Defra/DECC's GHG Conversion Factors for Company Reporting, Annex 7 - Freight Transport Conversion Tables (last updated Apr-12)",
    reference: 'Table 7e (diesel HGV, UK average vehicle loads, tonne.km basis), row "ALL HGVs UK average" (57% laden), column "Grand Total GHG": direct 0.12366 + indirect 0.02627 = 0.14993 kg CO2e per tonne.km',
    verified: 'read from a copy of the published annex (yumpu.com document 38219432, page 35); used for shipments before 2025; from 2025 the 2025 row (read from an unverified copy, tank-to-wheel) is newer',
  },
  {
    vehicle_class: 'van',
    version: 'uk-gov-ghg-2025',
    valid_from: '2025-01-01',
    kg_co2e_per_tkm: 0.63823,
    basis: 'TTW',
    distance_factor: ROAD_DISTANCE_FACTOR,
    distance_add_km: 0,
    source: 'UK Government GHG Conversion Factors for Company Reporting 2025 (DESNZ/Defra), flat file',
    reference: 'Freighting goods / Vans / Average (up to 3.5 tonnes) / tonne.km / kg CO2e, flat-file ID 27_303_3106_14_1',
    verified: 'NOT verified against gov.uk: transcribed from a third-party copy of the 2025 flat file (github.com/scope3emissiontest-oss/JulesProject, backend/insert_statements_part_6.sql) that drops the fuel column; ID 3106 is read as the "Unknown" fuel column from the sheet\'s column order. Tank-to-wheel only: the well-to-tank share is missing, so the estimate is low',
  },
  {
    vehicle_class: 'hgv',
    version: 'uk-gov-ghg-2025',
    valid_from: '2025-01-01',
    kg_co2e_per_tkm: 0.10163,
    basis: 'TTW',
    distance_factor: ROAD_DISTANCE_FACTOR,
    distance_add_km: 0,
    source: UK_2025_SOURCE,
    reference: 'Freighting goods / HGV (all diesel) / All HGVs / tonne.km / kg CO2e, flat-file ID 27_304_3140_14_1 (Average laden): CO2 0.10012 + CH4 0.00002 + N2O 0.00149',
    verified: `NOT verified against gov.uk: read from a third-party copy of the 2025 flat file (${UK_2025_COPY}; insert_statements_part_6.sql) that drops the "Column Text" (load) column. ID 3140 is read as "Average laden": of the four IDs 3137-3140 of All HGVs, 3137 has no tonne.km figure (0 % laden), and 3140's per-km figure (0.89121) lies between 3138's and 3139's (0.83589, 1.01203: 50 % and 100 % laden), as an average load between 50 % and 100 % does. Tank-to-wheel only: the well-to-tank share is missing, so the estimate is low`,
  },
  {
    vehicle_class: 'air_short_haul',
    version: 'uk-gov-ghg-2025',
    valid_from: '2025-01-01',
    kg_co2e_per_tkm: 1.27835,
    basis: 'TTW',
    distance_factor: UK_AIR_DISTANCE_FACTOR,
    distance_add_km: 0,
    source: UK_2025_SOURCE,
    reference: 'Freighting goods / Freight flights / Short-haul, to/from UK / tonne.km / kg CO2e, With RF, flat-file ID 27_317_3154_14_1: CO2 1.27005 + CH4 0.00008 + N2O 0.00822 (Without RF, ID 3155: 0.75539)',
    verified: `NOT verified against gov.uk: read from a third-party copy of the 2025 flat file (${UK_2025_COPY}; insert_statements_part_7.sql) that drops the "Column Text" (With RF / Without RF) column. ID 3154 is read as "With RF" from the figures themselves: its CH4 and N2O equal ID 3155's and its CO2 is 1.700 times 3155's (1.27005 / 0.74709), which is the radiative-forcing uplift of the CO2 alone. Includes radiative forcing; tank-to-wheel (no well-to-tank share)`,
  },
  {
    vehicle_class: 'air_long_haul',
    version: 'uk-gov-ghg-2025',
    valid_from: '2025-01-01',
    kg_co2e_per_tkm: 0.89939,
    basis: 'TTW',
    distance_factor: UK_AIR_DISTANCE_FACTOR,
    distance_add_km: 0,
    source: UK_2025_SOURCE,
    reference: 'Freighting goods / Freight flights / Long-haul, to/from UK / tonne.km / kg CO2e, With RF, flat-file ID 27_317_3156_14_1: CO2 0.89392 + CH4 0.00006 + N2O 0.00542 (= 0.89940; the published total is rounded on its own) (Without RF, ID 3157: 0.5313)',
    verified: `NOT verified against gov.uk: read from a third-party copy of the 2025 flat file (${UK_2025_COPY}; insert_statements_part_7.sql) that drops the "Column Text" (With RF / Without RF) column. ID 3156 is read as "With RF" from the figures themselves: its CH4 and N2O equal ID 3157's and its CO2 is 1.700 times 3157's (0.89392 / 0.52583), the radiative-forcing uplift of the CO2 alone. Includes radiative forcing; tank-to-wheel (no well-to-tank share)`,
  },
]);
