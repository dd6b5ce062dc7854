import { defineCarrier } from '../../src/carrier-kit/index.js';
import { downloadGls } from './download.js';
import { GLS_CHARGES } from './charges.js';
import { header, legacy } from './layouts.js';

/** GLS invoice CSVs: the header CSV and the German legacy detail CSV. See README.md here. */
export const gls = defineCarrier({
  id: 'gls',
  name: 'GLS',
  // Latin-1 legacy files are read as Windows-1252, its superset (the engine's default).
  locale: {
    // The header CSV's format (formats.md 8.4); the legacy layout's amounts are integer cents.
    number: { decimal: ',', thousands: '.' },
    dateFormats: ['DD.MM.YYYY', 'DD-MM-YYYY'],
    // The legacy layout has no currency column; it is a German (EUR) export.
    defaultCurrency: 'EUR',
  },
  charges: GLS_CHARGES,
  // GLS publishes no single parcel divisor for every contract: a configurable default
  volumetricDivisors: [{ dimensionUnit: 'cm', weightUnit: 'kg', divisor: 6000 }],
  layouts: [header, legacy],
  download: downloadGls,
});
