import type { CarrierAdapter } from '../../src/carrier-kit/index.js';
import { downloadRoyalMail } from './download.js';
import { ROYAL_MAIL_CHARGES } from './charges.js';
import { detectRoyalMail, parseRoyalMail } from './parse.js';

/**
 * Royal Mail: the single-invoice download (pipe-separated, cp1252) and the SAP BEx analytics
 * export (comma, two header rows). The layout is recognized from the content. See README.md.
 */
export const royalMail: CarrierAdapter = Object.freeze({
  id: 'royal-mail',
  name: 'Royal Mail',
  accepts: Object.freeze(['csv']),
  // Files that are not valid UTF-8 are cp1252, the engine's default (the `£` is byte 0xA3).
  locale: Object.freeze({
    // Dot decimals in both layouts; BEx groups thousands with commas inside quotes (`"1,234.56"`).
    number: Object.freeze({ decimal: '.', thousands: ',' }),
    // Invoice Date `02 Mar 2026` and Posting Date dd/mm/yyyy (pipe); DD.MM.YYYY (BEx).
    dateFormats: Object.freeze(['DD MMM YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY'] as const),
    defaultCurrency: 'GBP',
  }),
  charges: ROYAL_MAIL_CHARGES,
  detect: detectRoyalMail,
  parse: parseRoyalMail,
  download: downloadRoyalMail,
});
