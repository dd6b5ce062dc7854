import type { CarrierAdapter } from '../../src/carrier-kit/index.js';
import { downloadGls } from './download.js';
import { GLS_CHARGES } from './charges.js';
import { detectGls, parseGls } from './parse.js';

/** GLS invoice CSVs: the German legacy detail CSV and the header CSV. See README.md here. */
export const gls: CarrierAdapter = Object.freeze({
  id: 'gls',
  name: 'GLS',
  accepts: Object.freeze(['csv']),
  // Latin-1 legacy files are read as Windows-1252, its superset (the engine's default).
  locale: Object.freeze({
    // The header CSV's format (formats.md 8.4). Each layout also announces its own format on
    // its first batch: the legacy layout's amounts are integer cents.
    number: Object.freeze({ decimal: ',', thousands: '.' }),
    dateFormats: Object.freeze(['DD.MM.YYYY', 'DD-MM-YYYY'] as const),
    // The legacy layout has no currency column; it is a German (EUR) export.
    defaultCurrency: 'EUR',
  }),
  charges: GLS_CHARGES,
  detect: detectGls,
  parse: parseGls,
  download: downloadGls,
});
