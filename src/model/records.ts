/**
 * Normalized records, after `clean`: what the loader writes. zod schemas are the contract;
 * the TypeScript types are inferred from them (design.md habit 6).
 */
import { z } from 'zod';
import { CHARGE_CODES } from './charge-codes.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code');
// zod 4's int() is a safe integer (±2^53 - 1); a refine saying so again cost a tenth of the
// charge check
const minor = z.number().int({ error: (iss) => (iss.code === 'too_big' || iss.code === 'too_small' ? 'amount out of range' : undefined) });
const measure = z.number().finite().nonnegative().nullable();
const text = z.string().min(1).nullable();

export const invoiceHeaderSchema = z.object({
  invoiceNumber: z.string().min(1, 'invoice number is empty'),
  accountNumber: z.string(),
  invoiceDate: isoDate,
  currency,
  statedTotalMinor: minor.nullable(),
});
export type InvoiceHeader = z.infer<typeof invoiceHeaderSchema>;

export const shipmentFactsSchema = z.object({
  trackingNumber: z.string().min(1),
  leadTrackingNumber: text,
  service: text,
  shipDate: isoDate.nullable(),
  zone: text,
  packageCount: z.number().int().nonnegative(),
  enteredWeight: measure,
  billedWeight: measure,
  weightUnit: z.enum(['kg', 'lb', 'oz']).nullable(),
  length: measure,
  width: measure,
  height: measure,
  dimensionUnit: z.enum(['cm', 'in']).nullable(),
  volumetricWeight: measure,
  senderPostcode: text,
  senderCountry: text,
  receiverPostcode: text,
  receiverCountry: text,
  netTotalMinor: minor,
  /** Billed weight and dimensions the package row stated before any audit. */
  declaredWeight: measure,
  declaredLength: measure,
  declaredWidth: measure,
  declaredHeight: measure,
  /** Where billedWeight comes from; null when there is none. */
  weightSource: z.enum(['declared', 'audited']).nullable(),
  /** The receiver's company name as printed; null when the file states none. */
  receiverCompany: text,
});
export type ShipmentFacts = z.infer<typeof shipmentFactsSchema>;

export const chargeSchema = z.object({
  chargeCode: z.enum(CHARGE_CODES),
  chargeDescription: z.string(),
  amountMinor: minor,
  incentiveMinor: minor.nullable(),
  currency,
  trackingNumber: z.string().min(1).nullable(),
  sourceRow: z.number().int().positive(),
});
export type ChargeRecord = z.infer<typeof chargeSchema>;
