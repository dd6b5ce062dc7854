/**
 * Canonical charge codes: the one vocabulary every carrier's localized charge names map to.
 * Analysts group by these; `shipment_costs` has one decimal column per code. Add a code when a
 * real charge needs it: long-form rows are the source of truth, so no data migration is needed
 * (the views are re-created from this list by `etl migrate`).
 */
export const CHARGE_CODES = [
  'freight',
  'fuel',
  'residential',
  'delivery_area',
  'remote_area',
  'additional_handling',
  'large_package',
  'overweight',
  'saturday',
  'signature',
  'declared_value',
  'cod',
  'address_correction',
  'weight_correction',
  'peak',
  'toll',
  'environmental',
  'weighing',
  'non_sortable',
  'dangerous_goods',
  'duties_taxes',
  'customs_clearance',
  'vat',
  'service_fee',
  'paper_invoice_fee',
  'late_payment',
  'admin_fee',
  'pickup',
  'return',
  'storage',
  'adjustment',
  'discount',
  'other',
  'unmapped',
] as const;

export type ChargeCode = (typeof CHARGE_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(CHARGE_CODES);

/** True when `value` is one of the canonical charge codes. */
export function isChargeCode(value: string): value is ChargeCode {
  return CODE_SET.has(value);
}

/**
 * Codes that are not surcharges: the base freight, taxes passed through, and discounts. Everything
 * else billed is a surcharge, in the dashboard and in the `surcharge_share` view alike.
 */
export const NOT_SURCHARGES = ['freight', 'vat', 'duties_taxes', 'discount'] as const satisfies readonly ChargeCode[];

/** Codes an operator may map a charge to: every canonical code except `unmapped`. */
export const MAPPABLE_CODES: readonly ChargeCode[] = CHARGE_CODES.filter((c) => c !== 'unmapped');

/** True when `value` is a canonical code a charge can be mapped to (not `unmapped`). */
export function isMappableCode(value: string): value is ChargeCode {
  return value !== 'unmapped' && CODE_SET.has(value);
}

/** The refusal for an override to an unknown code, listing the valid ones. */
export function unknownCodeMessage(value: string): string {
  return `"${value}" is not a canonical charge code; valid codes: ${MAPPABLE_CODES.join(', ')}`;
}
