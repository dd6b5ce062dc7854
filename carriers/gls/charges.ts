/**
 * GLS charge texts (Danish and German) → canonical codes (shared/formats.md 4c, 8.4). GLS files
 * carry no charge codes, only texts, so everything matches by label prefix (case-insensitive,
 * longest first): `Maut` also matches `Maut Verkehr National` and `Maut Verkehr International`.
 * The legacy layout's surcharge column names (columns.ts `LEGACY_SURCHARGES`) must be here too.
 */
import type { ChargeMap } from '../../src/carrier-kit/index.js';

export const GLS_CHARGES = {
  labels: [
    // freight: the parcel's transport price (formats.md 8.4)
    ['Fragt', 'freight'],
    ['Fracht', 'freight'],
    // fuel: diesel surcharges [GLS-WEB, GLS-PR]
    ['Dieseltillæg', 'fuel'],
    ['Dieselzuschlag', 'fuel'],
    ['Diesel Floater', 'fuel'],
    ['Diesel', 'fuel'],
    // Energy surcharge: GLS DE introduced "Energy" as the replacement of the diesel surcharge,
    // shown where "Diesel" used to be [GLS-WEB]; GLS DK likewise [GLS-WEB]. It is the same
    // cost in our terms (energy for transport), so it is `fuel`, not a code of its own.
    ['Energitillæg', 'fuel'],
    ['Energiezuschlag', 'fuel'],
    ['Energie', 'fuel'],
    ['Energy', 'fuel'],
    // road toll: German toll passed on per parcel, DK "vejafgift"/"vejskat" [GLS-WEB, GLS-PR]
    ['Maut', 'toll'],
    ['Vejafgift', 'toll'],
    ['Vejskat', 'toll'],
    // delivery to a private address [GLS-PR]
    ['Zustellung Privatadresse', 'residential'],
    ['Privatzustellung', 'residential'],
    // islands and remote areas (legacy column 13; our name, formats.md 8.4)
    ['Insel', 'remote_area'],
    // handling [GLS-PR]
    ['Weighing Service', 'weighing'],
    ['NSG', 'non_sortable'],
    ['Nicht sortierfähig', 'non_sortable'],
    // peak season [GLS-PR]; DK capacity fee [GLS-WEB] is a peak-time surcharge (inferred)
    ['Black Week', 'peak'],
    ['Saison', 'peak'],
    ['Peak', 'peak'],
    ['Kapacitetstillæg', 'peak'],
    // climate-neutral shipping [GLS-PR]
    ['KlimaProtect', 'environmental'],
    // invoice-level pre-financing [GLS-SP]: a fee for the account, not for a parcel
    ['Vorfinanzierung', 'service_fee'],
    // discounts billed as their own line [GLS-SP]
    ['Rabatt', 'discount'],
    ['Rabat', 'discount'],
    ['Discount', 'discount'],
    // legacy column 17 (formats.md 8.4: "other")
    ['Sonstige Zuschläge', 'other'],
  ],
} as const satisfies ChargeMap;

/**
 * Label prefixes of the freight charge: the header CSV row with the freight is the package row
 * (weight, product). Derived from the map so the two never disagree.
 */
export const FREIGHT_LABELS: readonly string[] = GLS_CHARGES.labels
  .filter(([, code]) => code === 'freight')
  .map(([label]) => label.toLowerCase());
