/**
 * Royal Mail service and product names → canonical charge codes (shared/formats.md 5, 8.1).
 * A pipe-download docket is billed under its Service (`ROYAL MAIL TRACKED 24`), a BEx row under
 * its Product Name, with the product code (`TPM`, `RXA`) as the fallback. A docket's commentary
 * splits its Net Value into the postage and the surcharges it names (layouts.ts).
 */
import type { ChargeMap } from '../../src/carrier-kit/index.js';

export const ROYAL_MAIL_CHARGES = {
  labels: [
    // postage (pipe Service names [CA-RM]; BEx product names [RM-SAP, T-RM])
    ['Royal Mail Tracked', 'freight'],
    ['Tracked 24', 'freight'],
    ['Tracked 48', 'freight'],
    ['Tracked Small', 'freight'],
    ['Tracked Parcel', 'freight'],
    ['Royal Mail Signed For', 'freight'],
    ['Royal Mail 1st Class', 'freight'],
    ['Royal Mail 2nd Class', 'freight'],
    ['Special Delivery', 'freight'],
    ['International Business', 'freight'],
    ['Intl Business', 'freight'],
    ['International Tracked', 'freight'],
    // administration and adjustments (formats.md 5A test, 5B, 8.1)
    ['Sales Order Admin Charge', 'admin_fee'],
    ['International Administration', 'admin_fee'],
    ['International Adjustment', 'adjustment'],
    // per-item correction after Average Daily Weight sampling (formats.md 5C)
    ['Average Daily Weight', 'weight_correction'],
    // The pipe download's commentary `Total Cost Pre Surcharge £53.25, Surcharge of £5.86`
    // names no kind of surcharge; it is loaded as `Surcharge`. On Tracked 24/48 the percentage
    // surcharge Royal Mail applies "on the product price after any discounts, and before VAT"
    // is its fuel surcharge (royalmail.com/business/mail/surcharges; 11 % in the real hhbyte
    // file). `Surcharge` is only ever this commentary's name (no service starts with it).
    ['Surcharge', 'fuel'],
    // surcharges, should one be billed as its own docket or row (names seen in configs, 5C)
    ['Fuel Surcharge', 'fuel'],
    ['Peak Letter Surcharge', 'peak'],
    ['Peak Parcel Surcharge', 'peak'],
    ['Peak Surcharge', 'peak'],
    ['Green Surcharge', 'environmental'],
  ],
  // BEx product codes (formats.md 5B [RM-SAP]; TSS and TPN from T-RM's synthetic sample)
  codes: {
    TPS: 'freight',
    TPM: 'freight',
    SD1: 'freight',
    SD9: 'freight',
    MPR: 'freight',
    MP7: 'freight',
    TSS: 'freight',
    TPN: 'freight',
    RXA: 'admin_fee',
    IFB: 'admin_fee',
    IBB: 'adjustment',
  },
} as const satisfies ChargeMap;
