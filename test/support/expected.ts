/**
 * Reads a fixture's `.expected.json`: the generic multi-invoice format (fixtures/generate/expected.ts)
 * or UPS's original single-invoice one, normalized to the generic shape.
 */
import fs from 'node:fs';
import { z } from 'zod';

const invoice = z.object({
  invoice_number: z.string(),
  account_number: z.string(),
  invoice_date: z.string(),
  currency: z.string(),
  stated_total_minor: z.number().int().nullable(),
  net_total_minor: z.number().int(),
  reconciled: z.boolean().nullable(),
  shipment_count: z.number().int(),
  charge_count: z.number().int(),
});
const shipment = z.record(z.string(), z.unknown());
const charge = z.object({
  source_row: z.number().int(),
  tracking_number: z.string().nullable(),
  charge_code: z.string(),
  charge_description: z.string(),
  amount_minor: z.number().int(),
  incentive_minor: z.number().int().nullable(),
  /** Stated only by cases that check migration 0005's columns. */
  adjustment_kind: z.string().nullable().optional(),
});
const issue = z.object({ severity: z.string(), code: z.string(), source_row: z.number().nullable(), source_column: z.string().nullable() });

const generic = z.object({
  carrier: z.string(),
  layout: z.string(),
  invoices: z.array(invoice),
  shipments: z.array(shipment.and(z.object({ invoice_number: z.string() }))),
  charges: z.array(charge.extend({ invoice_number: z.string() })),
  issues: z.array(issue),
});
const upsOriginal = z.object({
  carrier: z.literal('ups'),
  invoice,
  shipments: z.array(shipment),
  charges: z.array(charge),
  issues: z.array(issue),
});

export type NormalizedExpected = z.infer<typeof generic>;

export function readExpected(file: string): NormalizedExpected {
  const raw: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const g = generic.safeParse(raw);
  if (g.success) return { ...g.data, charges: g.data.charges.map((c) => ({ invoice_number: c.invoice_number, ...charge.parse(c) })) };
  const u = upsOriginal.parse(raw);
  const n = u.invoice.invoice_number;
  return {
    carrier: 'ups',
    layout: 'billing-data',
    invoices: [u.invoice],
    shipments: u.shipments.map((s) => ({ invoice_number: n, volumetric_weight: null, ...s })),
    charges: u.charges.map((c) => ({ invoice_number: n, ...c })),
    issues: u.issues,
  };
}
