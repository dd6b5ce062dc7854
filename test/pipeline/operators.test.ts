/**
 * Issue 11, the pure parts: override matching and precedence (the one classifier ingest and
 * remap share), what remap re-derives from stored lines, suggestions, shell quoting of the
 * fixing command, what decides a quarantined file's fate, and the config's `charges:` section.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import type { ChargeMap } from '../../src/carrier-kit/contract.js';
import { UsageError } from '../../src/errors.js';
import { createChargeClassifier } from '../../src/pipeline/clean.js';
import { adapterVersion, fateChanges, type Fate } from '../../src/pipeline/fate.js';
import { findCarrier } from '../../carriers/index.js';
import { chargesMapCommand, mergeOverrides, overridesFingerprint, overridesFromConfig, shellQuote, type ChargeOverride } from '../../src/pipeline/overrides.js';
import { recode } from '../../src/pipeline/remap.js';
import { editDistance, labelSimilarity, normalizeLabel, suggestChargeCode, type CarrierCharges } from '../../src/pipeline/suggest.js';
import { overrideUsage } from '../../src/report/operators.js';
import { parseChargesConfig, parseRunConfig } from '../../src/run-config.js';

const MAP: ChargeMap = {
  labels: [
    ['Fuel Surcharge', 'fuel'],
    ['Treibstoffzuschl', 'fuel'],
    ['Zustellbereichszuschlag', 'delivery_area'],
  ],
  codes: { FSC: 'fuel', RES: 'residential' },
  classes: { FRT: 'freight' },
};

function override(match: 'label' | 'code', pattern: string, chargeCode: ChargeOverride['chargeCode'], source: ChargeOverride['source'] = 'database', carrier = 'ups'): ChargeOverride {
  return { carrier, match, pattern, chargeCode, source, createdBy: source === 'database' ? 'ops' : null, createdAt: null };
}

describe('override matching: overrides win over the built-in map, in a fixed order', () => {
  test('without overrides the built-in precedence holds: label, then code, then class', () => {
    const c = createChargeClassifier(MAP);
    assert.equal(c('Treibstoffzuschlag 12,5%', 'RES', 'FRT'), 'fuel');
    assert.equal(c('Something', 'RES', 'FRT'), 'residential');
    assert.equal(c('Something', '', 'FRT'), 'freight');
    assert.equal(c('Extrakosten', 'XK', ''), null);
  });

  test('a label override (prefix, case-insensitive) beats the built-in label', () => {
    const c = createChargeClassifier(MAP, [override('label', 'fuel surcharge', 'other')]);
    assert.equal(c('FUEL SURCHARGE 9.5%', 'FSC', ''), 'other');
    assert.equal(c('Treibstoffzuschlag', 'FSC', ''), 'fuel');
  });

  test('a carrier-code override beats the built-in label and code, but not a label override', () => {
    const c = createChargeClassifier(MAP, [override('code', 'FSC', 'peak'), override('label', 'Extrakosten', 'other')]);
    assert.equal(c('Fuel Surcharge', 'FSC', ''), 'peak');
    assert.equal(c('Extrakosten', 'FSC', ''), 'other');
    assert.equal(c('Fuel Surcharge', 'fsc', ''), 'fuel', 'carrier codes match exactly');
  });

  test('the longest label override wins, whatever the order they were added', () => {
    const c = createChargeClassifier(MAP, [override('label', 'Zuschlag', 'other'), override('label', 'Zuschlag Sonderzone', 'remote_area')]);
    assert.equal(c('Zuschlag Sonderzone Nord', '', ''), 'remote_area');
    assert.equal(c('Zuschlag Feiertag', '', ''), 'other');
  });

  test('on the same pattern a database override replaces the config one; other carriers are left alone', () => {
    const merged = mergeOverrides(
      [override('label', 'EXTRAKOSTEN', 'other', 'config'), override('label', 'Maut', 'toll', 'config')],
      [override('label', 'Extrakosten', 'admin_fee', 'database'), override('label', 'Extrakosten', 'storage', 'database', 'dhl')],
    );
    assert.deepEqual(merged.map((o) => [o.carrier, o.pattern, o.chargeCode, o.source]), [
      ['ups', 'Extrakosten', 'admin_fee', 'database'],
      ['dhl', 'Extrakosten', 'storage', 'database'],
      ['ups', 'Maut', 'toll', 'config'],
    ]);
  });

  test('the config section becomes overrides, trimmed', () => {
    const o = overridesFromConfig({ dhl: { labels: { ' Extrakosten ': 'other' }, codes: { XK: 'admin_fee' } } });
    assert.deepEqual(o.map((x) => [x.carrier, x.match, x.pattern, x.chargeCode, x.source]), [
      ['dhl', 'label', 'Extrakosten', 'other', 'config'],
      ['dhl', 'code', 'XK', 'admin_fee', 'config'],
    ]);
  });
});

describe('remap re-derives a code from what was stored', () => {
  const classify = createChargeClassifier(MAP, [override('label', 'Zuschlag Sonderzone', 'remote_area')]);
  test('lines with stored carrier codes get exactly what ingest would give them now', () => {
    assert.equal(recode(classify, { chargeCode: 'unmapped', description: 'Zuschlag Sonderzone', carrierCode: 'ZZZ', carrierClass: 'ACC' }), 'remote_area');
    assert.equal(recode(classify, { chargeCode: 'fuel', description: 'Kraftstoff', carrierCode: 'XYZ', carrierClass: '' }), 'unmapped');
    assert.equal(recode(classify, { chargeCode: 'other', description: 'Anything', carrierCode: '', carrierClass: 'FRT' }), 'freight');
  });
  test('lines loaded before codes were stored keep their code unless their description decides', () => {
    assert.equal(recode(classify, { chargeCode: 'freight', description: 'Paket Standard', carrierCode: null, carrierClass: null }), 'freight');
    assert.equal(recode(classify, { chargeCode: 'unmapped', description: 'Zuschlag Sonderzone', carrierCode: null, carrierClass: null }), 'remote_area');
  });
});

describe('suggestions for unmapped descriptions', () => {
  const carriers: CarrierCharges[] = [
    { id: 'ups', charges: MAP },
    { id: 'dhl', charges: { labels: [['REMOTE AREA DELIVERY', 'remote_area'], ['SAMSTAGSZUSTELLUNG', 'saturday']], codes: { OO: 'remote_area' } } },
  ];
  const suggest = (carrier: string, description: string, carrierCode: string | null = null) => suggestChargeCode({ carrier, description, carrierCode, carrierClass: null }, carriers);

  test('a misspelt label of the same carrier', () => {
    const s = suggest('ups', 'Treibstofzuschlag');
    assert.deepEqual([s?.code, s?.reason], ['fuel', 'close to ups label "Treibstoffzuschl"']);
    assert.ok(s !== null && s.score < 1, 'a misspelling is not "the same words"');
    assert.equal(suggest('ups', 'Zustelbereichzuschlag 3')?.code, 'delivery_area');
  });
  test("another carrier's label (another language or spelling) and word order", () => {
    assert.deepEqual(suggest('ups', 'Remote Area Delivery'), { code: 'remote_area', score: 1, reason: 'same words as dhl label "REMOTE AREA DELIVERY"' });
    assert.equal(suggest('ups', 'Samstagszustellung')?.code, 'saturday');
    assert.equal(suggest('dhl', 'Surcharge, fuel')?.code, 'fuel');
  });
  test('the canonical code names, and the carrier code written differently', () => {
    assert.equal(suggest('dhl', 'Dangerous goods')?.code, 'dangerous_goods');
    assert.deepEqual(suggest('dhl', 'Zone charge', ' oo'), { code: 'remote_area', score: 0.95, reason: 'dhl\'s charge code "OO"' });
  });
  test('nothing when nothing is close: a guess is never made up', () => {
    assert.equal(suggest('ups', 'Zuschlag Sonderzone'), null);
    assert.equal(suggest('dhl', 'Extrakosten'), null);
    assert.equal(suggest('ups', ''), null);
  });
  test('the building blocks', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(normalizeLabel('Zusätzliche Handhabung / Größe'), 'zusatzliche handhabung grosse');
    assert.equal(labelSimilarity('fuel surcharge 9 5', 'fuel surcharge'), 1);
    assert.ok(labelSimilarity('lunch', 'fuel surcharge') < 0.5);
  });
});

describe('the fixing command is shell-safe', () => {
  const nasty = ["Zuschlag Sonderzone", "O'Brien's fee", 'Cost $HOME `id` "quoted"', '-rf', 'a\\b; rm -x', 'Größe & Gewicht'];
  for (const s of nasty) {
    test(`a shell reads ${JSON.stringify(s)} back exactly`, () => {
      const r = spawnSync('sh', ['-c', `printf '%s' ${shellQuote(s)}`], { encoding: 'utf8' });
      assert.equal(r.stdout, s);
    });
  }
  test('the command puts -- before the description, so a leading dash is not an option', () => {
    assert.equal(chargesMapCommand('dhl', '-Extra', 'other'), 'etl charges map --carrier dhl -- -Extra other');
    assert.equal(chargesMapCommand('ups', "O'Brien"), "etl charges map --carrier ups -- 'O'\\''Brien' <code>");
  });
});

describe('what decides a quarantined file\'s fate', () => {
  const base: Fate = { carrier: null, account: null, engine: '0.1.0', adapters: 'dhl@aaa ups@bbb', overrides: '' };
  test('nothing changed: nothing to retry', () => {
    assert.deepEqual(fateChanges(base, { ...base }), []);
  });
  test('each input that changed is named', () => {
    assert.deepEqual(fateChanges(base, { ...base, carrier: 'ups', adapters: 'ups@bbb' }), ['--carrier changed (none → "ups")']);
    assert.deepEqual(fateChanges(base, { ...base, account: '0000A1' }), ['--account changed (none → "0000A1")']);
    assert.deepEqual(fateChanges(base, { ...base, engine: '0.2.0', adapters: 'dhl@ccc ups@bbb' }), ['the ETL version changed (0.1.0 → 0.2.0)']);
    assert.deepEqual(fateChanges(base, { ...base, adapters: 'dhl@ccc ups@bbb' }), ['the carrier adapter changed']);
    assert.deepEqual(fateChanges(base, { ...base, overrides: overridesFingerprint([override('label', 'X', 'other')]) }), ['the charge-map overrides changed']);
  });
  test('the adapter version follows what reads the file: its charge map, locale and code, not the object', () => {
    const ups = findCarrier('ups');
    assert.ok(ups !== undefined);
    const v = adapterVersion(ups);
    assert.match(v, /^ups@[0-9a-f]{12}$/);
    assert.equal(adapterVersion({ ...ups }), v);
    assert.notEqual(adapterVersion({ ...ups, charges: { ...ups.charges, labels: [...ups.charges.labels, ['Neuer Zuschlag', 'other']] } }), v);
    assert.notEqual(adapterVersion({ ...ups, locale: { ...ups.locale, defaultCurrency: 'CHF' } }), v);
    assert.notEqual(adapterVersion({ ...ups, detect: () => 0 }), v);
    assert.equal(adapterVersion({ ...ups, download: async () => undefined }), v, 'the portal download does not decide how a file is read');
  });
  test('a fate not recorded (quarantined before this version) counts as changed', () => {
    assert.equal(fateChanges(null, base).length, 1);
  });
  test('the overrides fingerprint ignores who and when, and order', () => {
    const a = override('label', 'X', 'other');
    const b = override('code', 'Y', 'toll');
    assert.equal(overridesFingerprint([a, b]), overridesFingerprint([{ ...b, createdBy: 'someone else' }, a]));
    assert.notEqual(overridesFingerprint([a]), overridesFingerprint([{ ...a, chargeCode: 'toll' }]));
  });
});

describe('the config file\'s charges: section', () => {
  const carriers = ['ups', 'dhl'];
  test('valid overrides parse; the rest of the file is not checked by commands that only load', () => {
    const c = parseChargesConfig('concurrency: 4\ncharges:\n  dhl:\n    labels:\n      Extrakosten: other\n    codes:\n      XK: admin_fee\n', 'c.yaml', carriers);
    assert.deepEqual(c, { dhl: { labels: { Extrakosten: 'other' }, codes: { XK: 'admin_fee' } } });
    assert.deepEqual(parseChargesConfig('accounts: []\n', 'c.yaml', carriers), {});
  });
  test('errors name the file, the line and the field, and list the valid codes', () => {
    assert.throws(
      () => parseChargesConfig('charges:\n  dhl:\n    labels:\n      Extrakosten: unmapped\n', 'c.yaml', carriers),
      (e: unknown) => e instanceof UsageError && /^c\.yaml:4: charges\.dhl\.labels\.Extrakosten: "unmapped" is not a canonical charge code; valid codes: freight, fuel, .*, other$/.test(e.message),
    );
    assert.throws(
      () => parseChargesConfig('charges:\n  dhl:\n    label:\n      Extrakosten: other\n', 'c.yaml', carriers),
      (e: unknown) => e instanceof UsageError && /^c\.yaml:\d: charges\.dhl: .*label/.test(e.message),
    );
    assert.throws(
      () => parseChargesConfig('charges:\n  fedex:\n    labels:\n      X: other\n', 'c.yaml', carriers),
      (e: unknown) => e instanceof UsageError && /^c\.yaml:2: charges\.fedex: unknown carrier "fedex" \(known: ups, dhl\)$/.test(e.message),
    );
  });
  test('etl run accepts the section in the same file', () => {
    const c = parseRunConfig('accounts:\n  - carrier: gls\n    account: "1"\n    portalUrl: http://127.0.0.1:1/\n    usernameEnv: U\n    passwordEnv: P\ncharges:\n  gls:\n    labels:\n      Maut: toll\n');
    assert.deepEqual(c.charges, { gls: { labels: { Maut: 'toll' } } });
  });
});

describe('the dashboard counts the lines an override decides', () => {
  test('lines matching the override and carrying its code, per carrier', () => {
    const rows = overrideUsage(
      [override('label', 'zuschlag sonder', 'remote_area'), override('code', 'XK', 'other', 'database', 'dhl')],
      [
        { carrier: 'ups', description: 'Zuschlag Sonderzone', carrierCode: 'ZZZ', chargeCode: 'remote_area', lines: 3 },
        { carrier: 'ups', description: 'Zuschlag Sonderzone', carrierCode: null, chargeCode: 'unmapped', lines: 1 },
        { carrier: 'dhl', description: 'Zuschlag Sonderzone', carrierCode: 'XK', chargeCode: 'other', lines: 2 },
      ],
    );
    assert.deepEqual(rows.map((r) => [r.carrier, r.pattern, r.lines]), [['ups', 'zuschlag sonder', 3], ['dhl', 'XK', 2]]);
  });
});
