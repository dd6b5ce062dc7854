import type { CarrierAdapter } from '../../src/carrier-kit/index.js';
import { DHL_CHARGES } from './charges.js';
import { downloadDhl } from './download.js';
import { detectDhl, parseDhl } from './parse.js';

/** DHL Express MyBill invoice CSV (153 columns, Line Type I/S). See README.md in this folder. */
export const dhl: CarrierAdapter = Object.freeze({
  id: 'dhl',
  name: 'DHL Express',
  accepts: Object.freeze(['csv']),
  locale: Object.freeze({
    // Invariant culture: `1302.0`, `1847069.00`, never grouped (formats.md 2A).
    number: Object.freeze({ decimal: '.', thousands: '' }),
    // Invoice Date, Due Date and Shipment Date are `20240906` (formats.md 2A).
    dateFormats: Object.freeze(['YYYYMMDD'] as const),
    // Every source shows the Currency column filled; EUR only if a file leaves it empty.
    defaultCurrency: 'EUR',
  }),
  charges: DHL_CHARGES,
  // DHL Express's published rule: cm / 5000 → kg
  volumetricDivisors: Object.freeze([Object.freeze({ dimensionUnit: 'cm', weightUnit: 'kg', divisor: 5000 } as const)]),
  detect: detectDhl,
  parse: parseDhl,
  download: downloadDhl,
});
