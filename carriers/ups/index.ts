import type { CarrierAdapter } from '../../src/carrier-kit/index.js';
import { UPS_CHARGES } from './charges.js';
import { downloadUps } from './download.js';
import { detectUps, parseUps } from './parse.js';

/** UPS Billing Data (.csv, 250 data elements). See README.md in this folder. */
export const ups: CarrierAdapter = Object.freeze({
  id: 'ups',
  name: 'UPS',
  accepts: Object.freeze(['csv']),
  locale: Object.freeze({
    // The GB semicolon variant writes decimal commas; UPS never groups thousands (formats.md 1d).
    number: Object.freeze({ decimal: 'either', thousands: '' }),
    // ISO normally; DD/MM/YYYY in the GB variant; M/D/YY when someone re-saved it in Excel.
    dateFormats: Object.freeze(['YYYY-MM-DD', 'DD/MM/YYYY', 'M/D/YY'] as const),
    defaultCurrency: 'EUR',
  }),
  charges: UPS_CHARGES,
  detect: detectUps,
  parse: parseUps,
  download: downloadUps,
});
