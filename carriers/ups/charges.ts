/**
 * UPS charge names → canonical codes (shared/formats.md 1e). Descriptions are localized by the
 * account's country and sometimes abbreviated (`Treibstoffzuschl.`), so labels match by prefix;
 * the description code (pos 45) and the classification (pos 44) are the fallbacks.
 */
import type { ChargeMap } from '../../src/carrier-kit/index.js';

export const UPS_CHARGES = {
  labels: [
    // service names (formats.md 1e): freight, also after an adjustment prefix
    // ("Shipping Charge Correction Ground", "Not Previously Billed TB Standard")
    ['Ground', 'freight'],
    ['Next Day Air', 'freight'],
    ['2nd Day Air', 'freight'],
    ['3 Day Select', 'freight'],
    ['UPS SurePost', 'freight'],
    ['SurePost', 'freight'],
    ['Worldwide Express', 'freight'],
    ['Worldwide Expedited', 'freight'],
    ['Worldwide Saver', 'freight'],
    ['TB Standard', 'freight'],
    ['WW Standard', 'freight'],
    ['WW Express Saver', 'freight'],
    ['WW Expedited', 'freight'],
    ['Dom. Standard', 'freight'],
    ['Economy DDP', 'freight'],
    ['UPS WorldEase', 'freight'],
    // fuel
    ['Fuel Surcharge', 'fuel'],
    ['Treibstoffzuschl', 'fuel'],
    // residential / area surcharges
    ['Residential Surcharge', 'residential'],
    ['Privatzustellung', 'residential'],
    ['Extended Area Surcharge', 'remote_area'],
    ['Aussengebiet Zuschlag', 'remote_area'],
    ['Zuschlag abgelegenes Gebiet', 'remote_area'],
    ['Remote Area Surcharge', 'remote_area'],
    ['Delivery Area Surcharge', 'delivery_area'],
    ['Zustellbereichszuschlag', 'delivery_area'],
    // handling and size
    ['Additional Handling', 'additional_handling'],
    ['Zusätzliche Handhabung', 'additional_handling'],
    ['Demand Surcharge-Addl Handling', 'peak'],
    ['Large Package Surcharge', 'large_package'],
    ['Zuschlag für große Pakete', 'large_package'],
    ['Over Maximum Length', 'large_package'],
    ['Über Maximallänge', 'large_package'],
    ['Over Maximum Weight', 'overweight'],
    // delivery options
    ['Saturday Delivery', 'saturday'],
    ['Samstagzustellung', 'saturday'],
    ['Adult Signature Required', 'signature'],
    ['Erwachsenenunterschrift', 'signature'],
    ['Delivery Confirmation Signature', 'signature'],
    ['Declared Value', 'declared_value'],
    ['Deklarierter Wert', 'declared_value'],
    ['C.O.D.', 'cod'],
    ['Nachnahme', 'cod'],
    ['Adresskorrektur', 'address_correction'],
    // fuel on an address correction is fuel ("Address Correction Fuel Surcharge", see adjustments)
    // peak / demand
    ['Surge Fee', 'peak'],
    ['Demand Surcharge', 'peak'],
    // dangerous goods
    ['Lithium Battery', 'dangerous_goods'],
    ['DGoods', 'dangerous_goods'],
    ['Dangerous Goods', 'dangerous_goods'],
    // pickups
    ['Abholung', 'pickup'],
    ['Pickup', 'pickup'],
    ['On Call Pickup', 'pickup'],
    // invoice-level fees
    ['Paper Commercial Invoice', 'paper_invoice_fee'],
    ['Zuschlag für Papier-Handelsrechnung', 'paper_invoice_fee'],
    ['Weekly Service Charge', 'service_fee'],
    ['Wöchentliche Servicepauschale', 'service_fee'],
    ['Daily Service Charge', 'service_fee'],
    ['Tägliche Servicepauschale', 'service_fee'],
    ['Late Payment', 'late_payment'],
    ['Säumnisgebühr', 'late_payment'],
    // invoice-level fees of a real US file (category MIS, class FRT: fees, never freight)
    ['Payment Processing Fee', 'admin_fee'],
    ['Service Charge', 'service_fee'],
    // "Not Previously Billed Missing PLD Fee": billed when no package data was sent
    ['Missing PLD Fee', 'admin_fee'],
    // a negative line per package on a real US file (-1.00 each): a contract discount
    ['Special Incentive Modifier', 'discount'],
    // the fee for a correction (German); UPS's own corrections are in `adjustments`
    ['Versandkorrektur', 'weight_correction'],
    ['Ausgleichsbuchung', 'adjustment'],
    // government and brokerage
    ['Duty Amount', 'duties_taxes'],
    ['Zoll', 'duties_taxes'],
    ['Disbursement Fee', 'customs_clearance'],
    ['Auslagengebühr', 'customs_clearance'],
    ['Gebühr Zölle und Steuern', 'customs_clearance'],
  ],
  // Description codes (pos 45) with a stable meaning across languages (formats.md 1e).
  codes: {
    FSC: 'fuel',
    RES: 'residential',
    ESD: 'remote_area',
    RDC: 'delivery_area',
    RDR: 'delivery_area',
    LDC: 'delivery_area',
    LDR: 'delivery_area',
    AHC: 'additional_handling',
    AHG: 'additional_handling',
    AHL: 'additional_handling',
    AHW: 'additional_handling',
    LPS: 'large_package',
    LPR: 'large_package',
    CAR: 'remote_area',
    SIM: 'discount',
    NPF: 'admin_fee',
    SAT: 'saturday',
    ADS: 'signature',
    DCS: 'signature',
    CSG: 'signature',
    EVS: 'declared_value',
    PFR: 'peak',
    PFC: 'peak',
    PSC: 'peak',
    PSR: 'peak',
    SAH: 'peak',
    LTG: 'dangerous_goods',
    CIS: 'paper_invoice_fee',
    GWN: 'service_fee',
    DSC: 'service_fee',
    LPF: 'late_payment',
    SCC: 'weight_correction',
    OSW: 'pickup',
    OFW: 'pickup',
    // Numeric codes mean something only within their class (formats.md 1e lists them per
    // class): GOV 205 is import VAT, but an invoice-level FRT 205 is a "Service Charge".
    'GOV 201': 'duties_taxes',
    'GOV 205': 'duties_taxes',
    'GOV 206': 'duties_taxes',
    'GOV 212': 'duties_taxes',
    'BRK 405': 'customs_clearance',
    'BRK 412': 'customs_clearance',
  },
  // Classes whose meaning does not depend on the row (pos 44); ACC and MSC are too broad. The
  // engine never makes an invoice-level line (no tracking number) freight by its class alone.
  classes: {
    FRT: 'freight',
    FSC: 'fuel',
    TAX: 'vat',
    GOV: 'duties_taxes',
    BRK: 'customs_clearance',
  },
  // Adjustments keep the code of the charge they name after the prefix (formats.md 1e: the base
  // description with a prefix): "Shipping Charge Correction Fuel Surcharge" is fuel. The code
  // replaces freight: an address correction billed on the service row is the correction fee.
  adjustments: [
    ['Shipping Charge Correction', null],
    ['Not Previously Billed', null],
    ['Noch nicht in Rechnung gestellt', null],
    ['ZONE ADJUSTMENT', null],
    ['Address Correction', 'address_correction'],
    ['Billing Adjustment', 'adjustment'],
  ],
} as const satisfies ChargeMap;

/**
 * Kinds of adjustment (charges.adjustment_kind, docs/schema.md). By description prefix first
 * (the forms NOTES-US and CN-UPS list, and German ones from DE-SURCH), then by Charge Category
 * Detail Code (col 36) of an ADJ row, as a real US file writes them (SCC, ADC, RADJ, CLB on
 * "Not Previously Billed" rows); any other ADJ row is a plain `adjustment`.
 */
export const UPS_ADJUSTMENT_KINDS = {
  prefixes: [
    ['Shipping Charge Correction', 'shipping_charge_correction'],
    ['Address Correction', 'address_correction'],
    ['Not Previously Billed', 'not_previously_billed'],
    ['Noch nicht in Rechnung gestellt', 'not_previously_billed'],
    ['ZONE ADJUSTMENT', 'zone_adjustment'],
    ['Billing Adjustment', 'billing_adjustment'],
    ['Void', 'void'],
  ],
  details: {
    SCC: 'shipping_charge_correction',
    ADC: 'address_correction',
    RADJ: 'residential_adjustment',
    CLB: 'not_previously_billed',
    ZONE: 'zone_adjustment',
    VOID: 'void',
  },
  /** Any other row of category ADJ. */
  other: 'adjustment',
  /**
   * Kinds whose package row states what UPS measured: a correction re-bills the audited weight
   * and dimensions (col 27 then holds the weight billed before); a package billed without
   * package data ("Not Previously Billed ... Missing PLD Fee") is billed at the scanned weight.
   */
  audits: ['shipping_charge_correction', 'not_previously_billed'],
} as const satisfies {
  prefixes: ReadonlyArray<readonly [string, string]>;
  details: Readonly<Record<string, string>>;
  other: string;
  audits: readonly string[];
};
