/**
 * The audit rules as pure functions, on facts shaped like loaded UPS and DHL lines (tracking
 * numbers, charge codes and descriptions as the carriers write them, amounts in cents).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultAuditConfig } from '../../src/audit/config.js';
import { findingKey, type AuditFacts, type ChargeFact, type ShipmentFact } from '../../src/audit/model.js';
import { chargesAfterCredit } from '../../src/audit/rules/charges-after-credit.js';
import { addressCorrections, residentialBusiness, weightCorrections, CORRECTION_DEFAULTS } from '../../src/audit/rules/corrections.js';
import { dimWeightOverbilling, DIM_WEIGHT_STEPS } from '../../src/audit/rules/dim-weight.js';
import { duplicateBilling, DUPLICATE_BILLING_DEFAULTS } from '../../src/audit/rules/duplicate-billing.js';
import { effectiveDivisors, runRules } from '../../src/audit/rules/index.js';
import { percentOf, rateDrift, type FuelRate } from '../../src/audit/rules/rate-drift.js';
import { parseFuelRates } from '../../src/audit/fuel-rates.js';
import { parseAuditConfig } from '../../src/run-config.js';

let nextId = 1;
function line(p: Partial<ChargeFact> & Pick<ChargeFact, 'invoiceNumber' | 'code' | 'amountMinor'>): ChargeFact {
  const id = nextId++;
  return {
    id,
    invoiceId: Number(p.invoiceNumber.slice(-3)),
    invoiceDate: '2025-03-08',
    carrier: 'ups',
    account: '0000ARRZPZ',
    currency: 'EUR',
    shipmentId: null,
    trackingNumber: '1ZARRZPZ0332215817',
    description: p.code === 'freight' ? 'Dom. Standard' : p.code,
    file: `ups_${p.invoiceNumber}.csv`,
    sourceFileId: Number(p.invoiceNumber.slice(-3)),
    row: id,
    ...p,
  };
}
function shipment(p: Partial<ShipmentFact> & Pick<ShipmentFact, 'id'>): ShipmentFact {
  return {
    invoiceId: 101,
    carrier: 'ups',
    trackingNumber: '1ZARRZPZ0332215817',
    shipDate: '2025-03-04',
    declaredWeight: null,
    billedWeight: null,
    weightSource: 'declared',
    weightUnit: 'kg',
    length: null,
    width: null,
    height: null,
    dimensionUnit: null,
    receiverPostcode: '01067',
    receiverCountry: 'DE',
    receiverCompany: null,
    ...p,
  };
}
const facts = (charges: ChargeFact[], shipments: ShipmentFact[] = []): AuditFacts => ({ charges, shipments });

describe('duplicate billing', () => {
  test('the same tracking number and code on a second invoice is a duplicate, at the repeated amount', () => {
    const first = line({ invoiceNumber: '000083475101', code: 'freight', amountMinor: 432 });
    const fuel = line({ invoiceNumber: '000083475101', code: 'fuel', amountMinor: 75 });
    const again = line({ invoiceNumber: '000083475102', invoiceDate: '2025-03-15', code: 'freight', amountMinor: 432 });
    const found = duplicateBilling(facts([first, fuel, again]), DUPLICATE_BILLING_DEFAULTS);
    assert.deepEqual(found.map((f) => [f.rule, f.amountMinor, f.subject.id, f.evidence.map((c) => c.id)]), [['duplicate_billing', 432, again.id, [first.id, again.id]]]);
    assert.match(found[0]?.explanation ?? '', /charged freight again on invoice 000083475102 \(2025-03-15.*after invoice 000083475101/);
  });

  test('not a duplicate: lines of one invoice (multi-piece), a credited group, taxes, another tracking number', () => {
    const a = line({ invoiceNumber: '000083475101', code: 'freight', amountMinor: 432 });
    const b = line({ invoiceNumber: '000083475101', code: 'freight', amountMinor: 120 });
    assert.deepEqual(duplicateBilling(facts([a, b]), DUPLICATE_BILLING_DEFAULTS), []);
    const credit = line({ invoiceNumber: '000083475102', code: 'freight', amountMinor: -432 });
    const rebill = line({ invoiceNumber: '000083475103', code: 'freight', amountMinor: 432 });
    assert.deepEqual(duplicateBilling(facts([a, credit, rebill]), DUPLICATE_BILLING_DEFAULTS), []);
    const vat1 = line({ invoiceNumber: '000083475101', code: 'vat', amountMinor: 82 });
    const vat2 = line({ invoiceNumber: '000083475102', code: 'vat', amountMinor: 82 });
    assert.deepEqual(duplicateBilling(facts([vat1, vat2]), DUPLICATE_BILLING_DEFAULTS), []);
    const other = line({ invoiceNumber: '000083475102', code: 'freight', amountMinor: 432, trackingNumber: '1ZARRZPZ0332215818' });
    assert.deepEqual(duplicateBilling(facts([a, other]), DUPLICATE_BILLING_DEFAULTS), []);
  });
});

describe('charges after a credit', () => {
  test('credited freight billed again on a later invoice; a credit and re-bill on one invoice is a correction', () => {
    const orig = line({ invoiceNumber: '000083475101', code: 'freight', amountMinor: 1200 });
    const credit = line({ invoiceNumber: '000083475102', invoiceDate: '2025-03-15', code: 'freight', amountMinor: -1200 });
    const sameInvoice = line({ invoiceNumber: '000083475102', invoiceDate: '2025-03-15', code: 'freight', amountMinor: 1100 });
    assert.deepEqual(chargesAfterCredit(facts([orig, credit, sameInvoice]), { codes: ['freight'] }), []);
    const later = line({ invoiceNumber: '000083475103', invoiceDate: '2025-03-22', code: 'freight', amountMinor: 1200 });
    const found = chargesAfterCredit(facts([orig, credit, sameInvoice, later]), { codes: ['freight'] });
    assert.deepEqual(found.map((f) => [f.amountMinor, f.subject.id, f.evidence.map((c) => c.id)]), [[1200, later.id, [orig.id, credit.id, later.id]]]);
  });
});

describe('dimensional-weight overbilling', () => {
  const divisors = [{ carrier: 'ups', dimensionUnit: 'cm', weightUnit: 'kg', divisor: 5000 }];
  const params = { divisors, steps: DIM_WEIGHT_STEPS };
  test('billed above both the declared and the volumetric weight: the excess at the freight rate per kg', () => {
    const s = shipment({ id: 7, declaredWeight: 3.2, billedWeight: 8, length: 30, width: 20, height: 20, dimensionUnit: 'cm' });
    const freight = line({ invoiceNumber: '000083475101', code: 'freight', amountMinor: 2000, shipmentId: 7 });
    const found = dimWeightOverbilling(facts([freight], [s]), params);
    assert.deepEqual(found.map((f) => f.amountMinor), [1125]); // 20.00 × (8 − 3.5) / 8
    assert.match(found[0]?.explanation ?? '', /billed 8 kg; declared 3.2 kg, volumetric 2.4 kg \(30×20×20 cm \/ 5000\), so at most 3.5 kg/);
  });
  test('explained weights are left alone: rounding up to the step, volume, whole kg above 10 kg, no dimensions', () => {
    const cases: ShipmentFact[] = [
      shipment({ id: 1, declaredWeight: 16.6, billedWeight: 17, length: 49.5, width: 29, height: 6.5, dimensionUnit: 'cm' }),
      shipment({ id: 2, declaredWeight: 24.2, billedWeight: 76, length: 107.5, width: 71, height: 49.5, dimensionUnit: 'cm' }),
      shipment({ id: 3, declaredWeight: 11.46, billedWeight: 12, length: 53, width: 23, height: 23, dimensionUnit: 'cm' }),
      shipment({ id: 4, declaredWeight: 1, billedWeight: 30 }),
      shipment({ id: 5, declaredWeight: 4.6, billedWeight: 5, length: 30, width: 20, height: 20, dimensionUnit: 'cm' }),
      // re-weighed by the carrier: its measured 8 kg is the actual weight (a weight correction, not overbilling)
      shipment({ id: 6, declaredWeight: 3.2, billedWeight: 8, weightSource: 'audited', length: 30, width: 20, height: 20, dimensionUnit: 'cm' }),
    ];
    const lines = cases.map((s) => line({ invoiceNumber: '000083475101', code: 'freight', amountMinor: 1000, shipmentId: s.id }));
    assert.deepEqual(dimWeightOverbilling(facts(lines, cases), params), []);
  });
  test('the config replaces a carrier\'s divisor', () => {
    const config = parseAuditConfig('audit:\n  dim_weight_overbilling:\n    divisors:\n      ups: { cm: 4000 }\n');
    assert.deepEqual(effectiveDivisors(divisors, config).map((d) => d.divisor), [4000]);
  });
});

describe('corrections and fees', () => {
  test('a shipment re-billed by a correction is one finding (its lines together); a credited correction none; fees separately', () => {
    const s = shipment({ id: 9, declaredWeight: 9, billedWeight: 9.5 });
    const scc = line({ invoiceNumber: '000015739276', code: 'weight_correction', description: 'Shipping Charge Correction Ground', amountMinor: 1053, shipmentId: 9 });
    const sccFuel = line({ invoiceNumber: '000015739276', code: 'weight_correction', description: 'Shipping Charge Correction Fuel Surcharge', amountMinor: 190, shipmentId: 9 });
    const credited = line({ invoiceNumber: '000015739276', code: 'weight_correction', description: 'Shipping Charge Correction Ground', amountMinor: -1225, trackingNumber: '1Z4BN2YB6876732393' });
    const fee = line({ invoiceNumber: '000015739276', code: 'weight_correction', description: 'Shipping Charge Correction Audit Fee', amountMinor: 500, trackingNumber: '1Z4BN2YB6876732393' });
    const found = weightCorrections(facts([scc, sccFuel, credited, fee], [s]), CORRECTION_DEFAULTS);
    assert.deepEqual(found.map((f) => [f.rule, f.amountMinor, f.evidence.length]), [['weight_correction', 1243, 2], ['audit_fee', 500, 1]]);
    assert.match(found[0]?.explanation ?? '', /declared 9 kg, billed 9.5 kg/);
  });
  test('address corrections with the receiver postcode; residential on a company receiver is a marked heuristic', () => {
    const s = shipment({ id: 3, receiverPostcode: '5197', receiverCountry: 'AT', receiverCompany: 'Bäckerei Huber GmbH' });
    const adc = line({ invoiceNumber: '000083475101', code: 'address_correction', amountMinor: 1270, shipmentId: 3 });
    assert.match(addressCorrections(facts([adc], [s]))[0]?.explanation ?? '', /to 5197 AT/);
    const resi = line({ invoiceNumber: '000083475101', code: 'residential', amountMinor: 480, shipmentId: 3 });
    const found = residentialBusiness(facts([resi], [s]));
    assert.deepEqual(found.map((f) => [f.heuristic, f.amountMinor]), [[true, 480]]);
    assert.deepEqual(residentialBusiness(facts([resi], [{ ...s, receiverCompany: null }])), []);
  });
  test('residential on a business receiver: fires on a residential surcharge to a company, not without one, not on a credit or another code', () => {
    const biz = shipment({ id: 7, trackingNumber: '1ZHHE52X0329440223', receiverPostcode: '38823', receiverCountry: 'US', receiverCompany: 'Keystone Dental Supply LLC' });
    const home = shipment({ id: 8, trackingNumber: '1ZHHE52X0307368747', receiverPostcode: '82052', receiverCountry: 'US', receiverCompany: null });
    const blank = shipment({ id: 9, trackingNumber: '1ZHHE52X0376595633', receiverCompany: '   ' });
    const on = (s: ShipmentFact, code: string, amountMinor: number, description = 'Residential Surcharge') =>
      line({ invoiceNumber: '000084602910', code, amountMinor, description, shipmentId: s.id, trackingNumber: s.trackingNumber, currency: 'USD' });
    const resi = on(biz, 'residential', 359);
    const found = residentialBusiness(
      facts(
        [on(biz, 'freight', 464, 'Dom. Standard'), resi, on(biz, 'residential', -359, 'Residential'), on(home, 'residential', 520), on(blank, 'residential', 520)],
        [biz, home, blank],
      ),
    );
    assert.deepEqual(
      found.map((f) => [f.rule, f.severity, f.heuristic, f.amountMinor, f.evidence.map((e) => e.id)]),
      [['residential_business', 'medium', true, 359, [resi.id]]],
    );
    assert.match(found[0]?.explanation ?? '', /1ZHHE52X0329440223 whose receiver is a company \("Keystone Dental Supply LLC"\): a heuristic/);
    // through the rule set, with the default config: still one finding, still marked
    const all = runRules(facts([resi], [biz]), defaultAuditConfig(), { divisors: [], rates: [] }).filter((f) => f.rule === 'residential_business');
    assert.deepEqual(all.map((f) => [f.heuristic, f.amountMinor]), [[true, 359]]);
    const off = parseAuditConfig('audit:\n  residential_business:\n    enabled: false\n');
    assert.deepEqual(runRules(facts([resi], [biz]), off, { divisors: [], rates: [] }).filter((f) => f.rule === 'residential_business'), []);
  });
});

describe('surcharge rate drift', () => {
  const rates: FuelRate[] = [{ carrier: 'ups', chargeCode: 'fuel', validFrom: '2022-04-04', validTo: '2022-04-10', ratePercent: '15.25', base: 'freight_and_surcharges', source: 'test' }];
  const params = { rates, toleranceMinor: 1, tolerancePercent: '0.5' };
  const ship = shipment({ id: 4, shipDate: '2022-04-05' });
  test('fuel above the published rate is a finding for the difference; at the rate, or dated outside it, none', () => {
    const freight = line({ invoiceNumber: '000090000001', code: 'freight', amountMinor: 4000, shipmentId: 4 });
    const fuel = line({ invoiceNumber: '000090000001', code: 'fuel', amountMinor: 800, shipmentId: 4 });
    assert.deepEqual(rateDrift(facts([freight, fuel], [ship]), params).map((f) => f.amountMinor), [190]);
    const right = line({ invoiceNumber: '000090000001', code: 'fuel', amountMinor: 610, shipmentId: 4 });
    assert.deepEqual(rateDrift(facts([freight, right], [ship]), params), []);
    assert.deepEqual(rateDrift(facts([freight, fuel], [{ ...ship, shipDate: '2022-05-02' }]), params), []);
  });
  test('percentages are exact integer arithmetic, rounded half up', () => {
    assert.deepEqual([percentOf(1000, '15.25'), percentOf(4000, '15.25'), percentOf(999, '0.5'), percentOf(1, '50')], [153, 610, 5, 1]);
  });
  test('the rates CSV names the file, row and column of a bad value', () => {
    const text = 'carrier,charge_code,valid_from,valid_to,rate_percent,base,source\n# a comment\nups,fuel,2022-04-04,,15,25,freight,x\n';
    assert.throws(() => parseFuelRates(text, 'rates.csv'), /rates\.csv row 3, column rate_percent|rates\.csv row 3, column base/);
    assert.equal(parseFuelRates('carrier,charge_code,valid_from,valid_to,rate_percent,base,source\nups,fuel,2022-04-04,,15.25,freight,"UPS, 2022"\n', 'r.csv')[0]?.source, 'UPS, 2022');
  });
});

describe('rules together', () => {
  test('switched off in the config, a rule finds nothing; findings have distinct keys', () => {
    const a = line({ invoiceNumber: '000083475101', code: 'freight', amountMinor: 432 });
    const b = line({ invoiceNumber: '000083475102', code: 'freight', amountMinor: 432 });
    const adc = line({ invoiceNumber: '000083475102', code: 'address_correction', amountMinor: 1270 });
    const on = runRules(facts([a, b, adc]), defaultAuditConfig(), { divisors: [], rates: [] });
    assert.deepEqual(on.map((f) => f.rule), ['duplicate_billing', 'address_correction']);
    assert.equal(new Set(on.map(findingKey)).size, 2);
    const off = runRules(facts([a, b, adc]), parseAuditConfig('audit:\n  duplicate_billing:\n    enabled: false\n'), { divisors: [], rates: [] });
    assert.deepEqual(off.map((f) => f.rule), ['address_correction']);
    assert.throws(() => parseAuditConfig('audit:\n  rate_drift:\n    tolerancePercent: lots\n', 'etl.config.yaml'), /etl\.config\.yaml:3: audit\.rate_drift\.tolerancePercent/);
  });
});
