/**
 * DHL Express charge names and XC codes → canonical codes (shared/formats.md 2A, 8.3).
 *
 * Extra charges are keyed by their XC code first in meaning, but `clean` tries labels before
 * codes, so every label here must agree with the code it is billed under. Names are billed in
 * English upper case, and a German account mixes in German ones (`SAMSTAGSZUSTELLUNG`,
 * `Lagergebühr`) [AT-IMP]; prefixes also catch `Importabfertigung mit 3 Zeilen`.
 *
 * `Extrakosten` [AT-IMP] is deliberately not mapped: "extra costs" says nothing about what was
 * billed, so it loads as `unmapped` with a warning until someone looks at the invoice.
 */
import type { ChargeMap } from '../../src/carrier-kit/index.js';

/** Classes the layout gives the amounts that do not come from an XC slot (index.ts). */
export const CHARGE_CLASSES = {
  /** Weight Charge: the freight of the product. */
  weight: 'WEIGHT',
  /** Invoice Fee column on a shipment row. */
  invoiceFee: 'INVOICE_FEE',
  /** Discount n / Discount n Amount. */
  discount: 'DISCOUNT',
  /** Other Charges n / Other Charges n Amount: mapped by their label only. */
  other: 'OTHER',
} as const;

export const DHL_CHARGES = {
  labels: [
    // fuel, demand, environment
    ['FUEL SURCHARGE', 'fuel'],
    ['TREIBSTOFFZUSCHLAG', 'fuel'],
    ['DEMAND SURCHARGE', 'peak'],
    ['GOGREEN', 'environmental'],
    // area and address
    ['REMOTE AREA DELIVERY', 'remote_area'],
    ['REMOTE AREA PICKUP', 'remote_area'],
    ['ADDRESS CORRECTION', 'address_correction'],
    ['BAD ADDRESS', 'address_correction'],
    ['RESTRICTED DESTINATION', 'other'],
    // piece size and weight (formats.md 2A: YY overweight, YB oversize, YL/YO non-conveyable)
    ['OVER WEIGHT PIECE', 'overweight'],
    ['OVERWEIGHT PIECE', 'overweight'],
    ['OVER SIZED PIECE', 'large_package'],
    ['OVERSIZE PIECE', 'large_package'],
    ['OVERSIZED PIECE', 'large_package'],
    ['OVER HANDLED PIECE', 'non_sortable'],
    ['NON-CONVEYABLE PIECE', 'non_sortable'],
    ['NON CONVEYABLE PIECE', 'non_sortable'],
    // delivery options
    ['SAMSTAGSZUSTELLUNG', 'saturday'],
    ['SATURDAY DELIVERY', 'saturday'],
    ['DIRECT SIGNATURE', 'signature'],
    ['SHIPMENT INSURANCE', 'declared_value'],
    ['INSURANCE', 'declared_value'],
    ['CASH ON DELIVERY', 'cod'],
    ['PREMIUM 9:00', 'other'],
    ['PREMIUM 10:30', 'other'],
    ['PREMIUM 12:00', 'other'],
    ['NEUTRAL DELIVERY', 'other'],
    ['DELIVERY NOTIFICATION', 'other'],
    ['ELEVATED RISK', 'other'],
    // dangerous goods
    ['DRY ICE', 'dangerous_goods'],
    ['LITHIUM', 'dangerous_goods'],
    ['EXCEPTED QUANTITIES', 'dangerous_goods'],
    ['LIMITED QUANTITIES', 'dangerous_goods'],
    ['DANGEROUS GOODS', 'dangerous_goods'],
    // administration
    ['CHANGE OF BILLING', 'admin_fee'],
    ['DATA ENTRY', 'admin_fee'],
    ['RELABELING DATA ENTRY', 'admin_fee'],
    ['ROAD TOLL', 'toll'],
    ['MAUT', 'toll'],
    // storage
    ['Lagergebühr', 'storage'],
    ['BONDED STORAGE', 'storage'],
    ['STORAGE', 'storage'],
    // customs: DHL's own fees (formats.md 2A: DD, WC, WD; DE and IN names)
    ['DUTIES & TAXES PAID', 'customs_clearance'],
    ['DUTIES TAXES PAID', 'customs_clearance'],
    ['DUTY TAX PAID', 'customs_clearance'],
    ['CLEARANCE PROCESSING', 'customs_clearance'],
    ['MERCHANDISE PROCESS', 'customs_clearance'],
    ['EXPORTER VALIDATION', 'customs_clearance'],
    ['FORMAL CLEARANCE', 'customs_clearance'],
    ['ADVANCE PAYMENT', 'customs_clearance'],
    ['Einholung eine Verzollungsverfügung', 'customs_clearance'],
    ['Importabfertigung', 'customs_clearance'],
    ['Weiterleitung von Zollgut', 'customs_clearance'],
    ['Handover to Broker', 'customs_clearance'],
    ['Post Clearance Modification', 'customs_clearance'],
    // customs: duties and import taxes passed through (formats.md 2A: XB, XX)
    ['IMPORT EXPORT DUTIES', 'duties_taxes'],
    ['IMPORT EXPORT TAXES', 'duties_taxes'],
    ['REGULATORY CHARGES', 'other'],
  ],
  // XC codes (formats.md 2A, 8.3). Any code may sit in any slot [DX-FR].
  codes: {
    FF: 'fuel',
    NX: 'peak',
    FD: 'environmental',
    OO: 'remote_area',
    OB: 'remote_area',
    MA: 'address_correction',
    YY: 'overweight',
    YB: 'large_package',
    YL: 'non_sortable',
    YO: 'non_sortable',
    RD: 'toll',
    DD: 'customs_clearance',
    WC: 'customs_clearance',
    WD: 'customs_clearance',
    WB: 'customs_clearance',
    WW: 'customs_clearance',
    XB: 'duties_taxes',
    XX: 'duties_taxes',
    XK: 'duties_taxes',
    XS: 'duties_taxes',
    XE: 'duties_taxes',
    II: 'declared_value',
    AA: 'saturday',
    SF: 'signature',
    YK: 'other',
    CA: 'other',
    WP: 'other',
  },
  // Amounts the layout takes from named columns rather than XC slots (index.ts).
  classes: {
    [CHARGE_CLASSES.weight]: 'freight',
    [CHARGE_CLASSES.invoiceFee]: 'admin_fee',
    [CHARGE_CLASSES.discount]: 'discount',
  },
} as const satisfies ChargeMap;
