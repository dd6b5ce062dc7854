import { issue, type CarrierAdapter, type ParseInput } from '../../src/carrier-kit/index.js';

/** gls: placeholder adapter until its parser lands; it claims no file. */
export const gls: CarrierAdapter = Object.freeze({
  id: 'gls',
  name: 'gls',
  accepts: Object.freeze(['csv']),
  locale: Object.freeze({ number: Object.freeze({ decimal: '.', thousands: '' }), dateFormats: Object.freeze(['YYYY-MM-DD'] as const), defaultCurrency: 'EUR' }),
  charges: Object.freeze({ labels: [] }),
  detect: () => 0,
  async *parse(input: ParseInput) {
    yield { lines: [], issues: [issue('error', 'wrong_format', { file: input.file }, 'the gls parser is not built yet')] };
  },
});
