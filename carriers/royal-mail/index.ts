import { issue, type CarrierAdapter, type ParseInput } from '../../src/carrier-kit/index.js';

/** royal-mail: placeholder adapter until its parser lands; it claims no file. */
export const royalMail: CarrierAdapter = Object.freeze({
  id: 'royal-mail',
  name: 'royal-mail',
  accepts: Object.freeze(['csv']),
  locale: Object.freeze({ number: Object.freeze({ decimal: '.', thousands: '' }), dateFormats: Object.freeze(['YYYY-MM-DD'] as const), defaultCurrency: 'EUR' }),
  charges: Object.freeze({ labels: [] }),
  detect: () => 0,
  async *parse(input: ParseInput) {
    yield { lines: [], issues: [issue('error', 'wrong_format', { file: input.file }, 'the royal-mail parser is not built yet')] };
  },
});
