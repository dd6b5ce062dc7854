/**
 * TEMPLATE: the carrier's charge names → canonical codes (src/model/charge-codes.ts, listed with
 * their meaning in docs/schema.md). Matching order: label prefix (case-insensitive, longest
 * first), then the carrier's own charge code, then its charge class. Anything else loads as
 * `unmapped` with an `unmapped_charge` warning; `etl charges --unmapped` lists those.
 *
 * Replace the examples with labels seen on real invoices (cite the formats.md tag). Prefixes
 * catch abbreviations and trailing rates (`Olietillæg 21,30 %`).
 */
import type { ChargeMap } from '../../src/carrier-kit/index.js';

export const TEMPLATE_CHARGES = {
  labels: [
    ['Freight', 'freight'],
    ['Fracht', 'freight'],
    ['Fuel Surcharge', 'fuel'],
    ['Dieselzuschlag', 'fuel'],
    ['Residential Surcharge', 'residential'],
    ['Toll', 'toll'],
    ['Maut', 'toll'],
    ['VAT', 'vat'],
  ],
  // The carrier's own codes, when the file has a code column with a stable meaning.
  codes: {
    FRT: 'freight',
    FSC: 'fuel',
  },
} as const satisfies ChargeMap;
