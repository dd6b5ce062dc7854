import type { CarrierAdapter } from '../../src/carrier-kit/index.js';
import { TEMPLATE_CHARGES } from './charges.js';
import { detectTemplate, parseTemplate } from './parse.js';

/**
 * TEMPLATE: copy this folder to start a carrier (see README.md here). Not registered in
 * carriers/index.ts, so the engine never uses it.
 */
export const template: CarrierAdapter = Object.freeze({
  // Stable id: used in paths, env names and the `carrier` column. Lower case, kebab-case.
  id: 'template',
  name: 'Template Carrier',
  accepts: Object.freeze(['csv']),
  locale: Object.freeze({
    // How the carrier writes amounts and measurements: decimal '.', ',' or 'either' (one of
    // them, no grouping); thousands separator or ''; impliedMinor when integers are cents.
    number: Object.freeze({ decimal: '.', thousands: '' }),
    // Tried in order; the first that gives a real calendar date wins.
    dateFormats: Object.freeze(['YYYY-MM-DD', 'DD.MM.YYYY'] as const),
    // Used when a row names no currency.
    defaultCurrency: 'EUR',
  }),
  charges: TEMPLATE_CHARGES,
  detect: detectTemplate,
  parse: parseTemplate,
});
