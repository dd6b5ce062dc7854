import { defineCarrier } from '../../src/carrier-kit/index.js';
import { downloadRoyalMail } from './download.js';
import { ROYAL_MAIL_CHARGES } from './charges.js';
import { NUMBER_FORMAT } from './columns.js';
import { bex, consolidated, pipe } from './layouts.js';

/**
 * Royal Mail: the single-invoice download (pipe-separated, cp1252), the consolidated download
 * of several invoices (the same columns, comma-separated) and the SAP BEx analytics export
 * (comma, read by column name). The layout is recognized from the content. See README.md.
 */
export const royalMail = defineCarrier({
  id: 'royal-mail',
  name: 'Royal Mail',
  // Files that are not valid UTF-8 are cp1252, the engine's default (the `£` is byte 0xA3).
  locale: {
    number: NUMBER_FORMAT,
    // Invoice Date `02 Mar 2026` and Posting Date dd/mm/yyyy (pipe); DD.MM.YYYY (BEx).
    dateFormats: ['DD MMM YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY'],
    defaultCurrency: 'GBP',
  },
  charges: ROYAL_MAIL_CHARGES,
  // no single published parcel divisor for every contract: a configurable default
  volumetricDivisors: [{ dimensionUnit: 'cm', weightUnit: 'kg', divisor: 5000 }],
  layouts: [pipe, consolidated, bex],
  download: downloadRoyalMail,
});
