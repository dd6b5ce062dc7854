/**
 * DSV charge texts → canonical codes (shared/formats.md 3d). DSV files carry no charge codes,
 * only texts in the billing country's language, sometimes with a rate after the name
 * (`Olietillæg 21,30 %`, `Drivmedelstillägg 35,5 %`), so everything matches by label prefix
 * (case-insensitive, longest first). Texts not confirmed by a source are marked plausible.
 */
import type { ChargeMap } from '../../src/carrier-kit/index.js';

export const DSV_CHARGES = {
  labels: [
    // freight
    ['Fragt', 'freight'], // DK [DSV-MIL]
    ['Frakt', 'freight'], // SE `Frakt-/Transportkostnad` [SENDIFY]; NO
    ['Transportkostnad', 'freight'], // SE [SENDIFY]
    ['Freight', 'freight'],
    ['Fragtbrevsgebyr', 'service_fee'], // plausible: consignment-note fee; longer than `Fragt`, so it wins
    // fuel
    ['Olietillæg', 'fuel'], // DK, DSV Prime Cargo [3d]
    ['Drivmedelstillägg', 'fuel'], // SE [SENDIFY, DSV-WEB]
    ['Drivstofftillegg', 'fuel'], // NO [DSV-WEB]
    ['Dieselskattetillägg', 'fuel'], // SE diesel-tax surcharge [SENDIFY]
    ['Brændstoftillæg', 'fuel'], // plausible DK
    ['Dieseltillæg', 'fuel'], // plausible DK (GLS DK uses it, formats.md 4c)
    ['Fuel surcharge', 'fuel'], // DSV XPress [DSV-WEB]
    // environmental
    ['Miljøtillæg', 'environmental'], // DK [DSV-MIL]
    ['Miljötillägg', 'environmental'], // plausible SE
    // area surcharges
    ['Gotlandstillägg', 'remote_area'], // SE [SENDIFY]
    ['Ortstillägg', 'remote_area'], // SE rural [SENDIFY]
    ['Skärgårdstillägg', 'remote_area'], // SE archipelago [SENDIFY]
    ['Ø-tillæg', 'remote_area'], // plausible DK island surcharge
    ['Remote area', 'remote_area'], // DSV XPress [DSV-WEB]
    // tolls
    ['Trängseltillägg', 'toll'], // SE congestion charge Stockholm/Göteborg [SENDIFY]
    ['Vejafgift', 'toll'], // plausible DK road charge (docs/schema.md toll)
    ['Bompenge', 'toll'], // plausible DK/NO
    // peak and capacity
    ['Säsongstillägg', 'peak'], // SE [SENDIFY]
    ['Kapacitetstillägg', 'peak'], // SE positioning/capacity surcharge [SENDIFY]
    ['Sæsontillæg', 'peak'], // plausible DK
    ['Peak', 'peak'], // DSV XPress [DSV-WEB]
    // fees
    ['Expeditionsavgift', 'service_fee'], // SE [SENDIFY]
    ['Administrationsgebyr', 'admin_fee'], // plausible DK
    ['Fakturagebyr', 'paper_invoice_fee'], // plausible DK invoice fee
    // bilingual printed-invoice labels (issue 10): the fee for a paper invoice, and a fee that
    // names nothing more (a generic fee: service_fee; not a `Gebyr` prefix, so that other
    // `Gebyr for ...` fees stay unmapped until someone knows what they are)
    ['Gebyr for faktura på papir', 'paper_invoice_fee'],
    ['Gebyr / Fee', 'service_fee'],
    ['Gebyr/Fee', 'service_fee'],
    ['Säkerhetsavgift', 'other'], // SE security fee, a percentage [SENDIFY]: no closer code
    // delivery options
    ['Lørdagslevering', 'saturday'], // plausible DK
    ['Saturday delivery', 'saturday'], // DSV XPress [DSV-WEB]
    ['Residential delivery', 'residential'], // DSV XPress [DSV-WEB]
    ['Privatlevering', 'residential'], // plausible DK
    ['Additional handling', 'additional_handling'], // DSV XPress [DSV-WEB]
    ['Large package', 'large_package'], // DSV XPress [DSV-WEB]
    ['Oversize', 'large_package'], // DSV XPress [DSV-WEB]
    // credits
    ['Rabat', 'discount'], // plausible DK/NO
    ['Kreditering', 'adjustment'], // plausible DK
    // VAT billed as its own line: the printed invoice's `Moms 25% / VAT 25%` (formats.md 8.1, 8.5)
    ['Moms', 'vat'],
    ['VAT', 'vat'],
  ],
} as const satisfies ChargeMap;
