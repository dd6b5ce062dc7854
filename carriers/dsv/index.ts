import { defineCarrier } from '../../src/carrier-kit/index.js';
import { downloadDsv } from './download.js';
import { DSV_CHARGES } from './charges.js';
import { printed, spec } from './layouts.js';

/**
 * DSV: the printed invoice (.xls laid out like a PDF) and the Danish "fakturaspecifikation"
 * CSV. See README.md in this folder.
 */
export const dsv = defineCarrier({
  id: 'dsv',
  name: 'DSV',
  // Danish specifications are ISO-8859-10 (formats.md 3b [DSV-BKI]), not cp1252.
  legacyEncoding: 'iso-8859-10',
  locale: {
    // The CSV layout: amounts are integer øre, weights may group thousands with `,` (`1,250`),
    // decimals (if any) use `.` (formats.md 3b: pandas thousands=','). The printed invoice
    // overrides this with plain decimals (layouts.ts).
    number: { decimal: '.', thousands: ',', impliedMinor: true },
    // YYYYMMDD in the CSV; date cells come as YYYY-MM-DD; dates typed as text on a printed
    // invoice are Danish DD-MM-YYYY or DD.MM.YYYY (inferred).
    dateFormats: ['YYYYMMDD', 'DD-MM-YYYY', 'DD.MM.YYYY', 'YYYY-MM-DD'],
    defaultCurrency: 'DKK',
  },
  charges: DSV_CHARGES,
  // no single published parcel divisor for every contract: a configurable default
  volumetricDivisors: [{ dimensionUnit: 'cm', weightUnit: 'kg', divisor: 5000 }],
  layouts: [spec, printed],
  download: downloadDsv,
});
