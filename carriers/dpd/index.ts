/**
 * DPD invoice CSV (README.md here): one row per parcel, freight and surcharges in columns of their
 * own, each melted into a charge named by its column header.
 */
import { defineCarrier, defineLayout, type ChargeDraft } from '../../src/carrier-kit/index.js';
import { DPD_CHARGES } from './charges.js';
import { CHARGE_FIELDS, COLUMNS, LABELS, REQUIRED, type Field } from './columns.js';
import { downloadDpd } from './download.js';

const ZERO_AMOUNT = /^[-+]?0*(?:[.,]0*)?$/;

const invoiceCsv = defineLayout<Field, undefined>({
  id: 'invoice-csv',
  name: 'DPD invoice CSV',
  delimiters: [';'],
  header: { columns: COLUMNS, required: REQUIRED },
  labels: LABELS,
  detect: { confidence: 0.95 },
  toLines(r) {
    const charges: ChargeDraft[] = [];
    for (const f of CHARGE_FIELDS) {
      const amount = r.get(f);
      if (f === 'freight' || (r.has(f) && !ZERO_AMOUNT.test(amount))) charges.push({ description: r.label(f), amount, field: f, descriptionColumn: r.label(f) });
    }
    const weight = r.get('weight');
    return {
      invoice: {
        number: r.get('invoiceNumber'),
        date: r.get('invoiceDate'),
        accountNumber: r.get('accountNumber'),
        currency: r.get('currency'),
        statedTotal: r.get('invoiceTotal'),
      },
      shipment: {
        trackingNumber: r.get('parcelNumber'),
        packageCount: '1',
        service: r.get('product'),
        shipDate: r.get('shipDate'),
        billedWeight: weight,
        weightUnit: weight === '' ? '' : 'kg',
        receiverPostcode: r.get('receiverPostcode'),
        receiverCountry: r.get('receiverCountry'),
      },
      charges,
    };
  },
});

export const dpd = defineCarrier({
  id: 'dpd',
  name: 'DPD',
  locale: {
    number: { decimal: ',', thousands: '.' },
    dateFormats: ['YYYYMMDD', 'DD.MM.YYYY'],
    defaultCurrency: 'EUR',
  },
  charges: DPD_CHARGES,
  // no single published divisor applies to every DPD contract: a configurable default
  volumetricDivisors: [{ dimensionUnit: 'cm', weightUnit: 'kg', divisor: 6000 }],
  layouts: [invoiceCsv],
  download: downloadDpd,
});
