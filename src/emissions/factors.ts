/**
 * The emission factors the database is seeded with (rows the operator has not got yet are added
 * on migrate; existing rows are never changed, so an operator's imported or edited factors
 * survive upgrades). Every row names its source, where in it, and whether the figure was checked
 * against the publication: only figures that could be read from a source are here (issue 14:
 * "never invent numbers"). Air has no seeded factor: no air freight figure could be verified
 * offline, so air shipments report the missing factor until an operator imports one
 * (`etl emissions factors import`, docs/emissions.md).
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
    verified: 'read from a copy of the published annex (yumpu.com document 38219432, page 35); the 2025 edition\'s HGV figure could not be read offline, so this 2012 figure is the newest verified one',
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
]);
