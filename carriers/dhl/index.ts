import { issue, type CarrierAdapter, type ParseInput } from '../../src/carrier-kit/index.js';

/** dhl: placeholder adapter until its parser lands; it claims no file. */
export const dhl: CarrierAdapter = Object.freeze({
  id: 'dhl',
  name: 'dhl',
  accepts: Object.freeze(['csv']),
  locale: Object.freeze({ number: Object.freeze({ decimal: '.', thousands: '' }), dateFormats: Object.freeze(['YYYY-MM-DD'] as const), defaultCurrency: 'EUR' }),
  charges: Object.freeze({ labels: [] }),
  detect: () => 0,
  async *parse(input: ParseInput) {
    yield { lines: [], issues: [issue('error', 'wrong_format', { file: input.file }, 'the dhl parser is not built yet')] };
  },
});
