import type { CarrierAdapter } from '../../src/carrier-kit/index.js';
import { downloadDsv } from './download.js';
import { DSV_CHARGES } from './charges.js';
import { detectDsv, parseDsv } from './parse.js';

/**
 * DSV: the printed invoice (.xls laid out like a PDF) and the Danish "fakturaspecifikation"
 * CSV. See README.md in this folder.
 */
export const dsv: CarrierAdapter = Object.freeze({
  id: 'dsv',
  name: 'DSV',
  // .xls arrives converted to xlsx (the engine runs LibreOffice); .xlsx is read as it is.
  accepts: Object.freeze(['xls', 'xlsx', 'csv']),
  // Danish specifications are ISO-8859-10 (formats.md 3b [DSV-BKI]), not cp1252.
  legacyEncoding: 'iso-8859-10',
  locale: Object.freeze({
    // The CSV layout: amounts are integer øre, weights may group thousands with `,` (`1,250`),
    // decimals (if any) use `.` (formats.md 3b: pandas thousands=','). The printed invoice
    // overrides this per file with plain decimals (parse.ts WORKBOOK_LOCALE).
    number: Object.freeze({ decimal: '.', thousands: ',', impliedMinor: true }),
    // YYYYMMDD in the CSV; date cells come as YYYY-MM-DD; dates typed as text on a printed
    // invoice are Danish DD-MM-YYYY or DD.MM.YYYY (inferred).
    dateFormats: Object.freeze(['YYYYMMDD', 'DD-MM-YYYY', 'DD.MM.YYYY', 'YYYY-MM-DD'] as const),
    defaultCurrency: 'DKK',
  }),
  charges: DSV_CHARGES,
  // no single published parcel divisor for every contract: a configurable default
  volumetricDivisors: Object.freeze([Object.freeze({ dimensionUnit: 'cm', weightUnit: 'kg', divisor: 5000 } as const)]),
  detect: detectDsv,
  parse: parseDsv,
  download: downloadDsv,
});
