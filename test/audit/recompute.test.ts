/**
 * The audit's recompute in parts (store.ts) against the rules run over whole accounts at once,
 * on SQLite and on a real PostgreSQL:
 * - equivalence: the planted set, every carrier's golden fixtures and the real invoices, under
 *   the default config and under configs that make many findings (a fee pattern that every fuel
 *   line matches, a non-ASCII one, a small divisor, unordered steps): the findings stored equal
 *   `runRules` over each account's facts read whole (keys, amounts, explanations, subjects), with
 *   parts of 1 tracking number and of the default size;
 * - incremental: loads after the first recompute only the tracking numbers they loaded; a credit
 *   that removes a duplicate and a re-bill that makes a new one leave exactly what `--all` gives;
 * - the prefilter's safety: every rule declares its candidates (a new one fails here, and reads
 *   everything meanwhile), and the SQL bounds of the dimensional-weight and audit-fee predicates
 *   hold every shipment and line the rules themselves would find, on random data.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql, type RawBuilder } from 'kysely';
import { CARRIERS } from '../../carriers/index.js';
import { candidatesOf, DECLARED_RULES, type CandidateContext } from '../../src/audit/candidates.js';
import { readDivisors, readFacts, readFuelRates } from '../../src/audit/columns.js';
import { auditConfigSchema, defaultAuditConfig, type AuditConfig } from '../../src/audit/config.js';
import { readFuelRatesFile, replaceFuelRates } from '../../src/audit/fuel-rates.js';
import { findingKey, type ShipmentFact } from '../../src/audit/model.js';
import { overbilledWeight, DIM_WEIGHT_STEPS } from '../../src/audit/rules/dim-weight.js';
import { dimWeightParams, RULES, runRules, type AuditTables } from '../../src/audit/rules/index.js';
import type { FuelRate } from '../../src/audit/rules/rate-drift.js';
import { recomputeFindings } from '../../src/audit/store.js';
import type { Db } from '../../src/db/connect.js';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { fixtureDirOf, goldenCases, ROOT, tempDir } from '../support/paths.js';
import { REAL_INVOICES } from '../support/real-invoices.js';

const PLANTED = path.join(ROOT, 'fixtures', 'audit');
const RATES = path.join(ROOT, 'docs', 'fuel-rates.example.csv');

/** What identifies and states a finding. */
type Shape = [key: string, rule: string, amount: number, explanation: string, invoiceId: number, tracking: string | null, evidence: string];
type Bare = [key: string, rule: string, amount: number, explanation: string, invoiceId: number, tracking: string | null];

async function stored(db: Db): Promise<Shape[]> {
  const rows = await db.db.selectFrom('audit_findings').select(['finding_key', 'rule', 'amount_minor', 'explanation', 'invoice_id', 'tracking_number', 'evidence']).execute();
  return rows.map((r): Shape => [r.finding_key, r.rule, Number(r.amount_minor), r.explanation, Number(r.invoice_id), r.tracking_number, r.evidence]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** The rules over every account's facts read whole: what the parts must add up to. */
async function reference(db: Db, config: AuditConfig): Promise<Array<Bare>> {
  const tables: AuditTables = { divisors: await readDivisors(db), rates: await readFuelRates(db) };
  const accounts = await db.db.selectFrom('invoices').select(['carrier', 'account_number']).distinct().execute();
  const out = new Map<string, Bare>();
  for (const a of accounts) {
    for (const f of runRules(await readFacts(db, { carrier: a.carrier, account: a.account_number }), config, tables)) {
      out.set(findingKey(f), [findingKey(f), f.rule, f.amountMinor, f.explanation, f.subject.invoiceId, f.subject.trackingNumber]);
    }
  }
  return [...out.values()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

const withoutEvidence = (rows: readonly Shape[]): Bare[] => rows.map((r): Bare => [r[0], r[1], r[2], r[3], r[4], r[5]]);

const CONFIGS: Record<string, AuditConfig> = {
  default: defaultAuditConfig(),
  // every fuel line an audit fee; a small divisor and steps out of order: many findings, many parts
  many: auditConfigSchema.parse({
    weight_corrections: { feePatterns: ['FUEL', 'surcharge', 'audit fee'] },
    dim_weight_overbilling: { divisors: { ups: { cm: 9000 }, dhl: { cm: 8000 }, gls: { cm: 9000 } }, steps: { kg: [{ from: 10, step: 1 }, { from: 0, step: 0.3 }], lb: [{ from: 0, step: 1 }] } },
  }),
  // no tolerance: the carriers' rounding of the fuel surcharge becomes drift
  exact: auditConfigSchema.parse({ rate_drift: { toleranceMinor: 0, tolerancePercent: '0' } }),
  // a pattern SQL cannot fold like JavaScript: every line is read
  unicode: auditConfigSchema.parse({ weight_corrections: { feePatterns: ['Zuschlag für', 'audit fee'] } }),
};

for (const dialect of DIALECTS) {
  describe(`audit recompute in parts on ${dialect}: the same findings as the rules over whole accounts`, () => {
    const t = useTestDatabase(dialect);
    const cli = (...args: string[]) => runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, ...args]);

    before(async () => {
      assert.equal((await cli('ingest', '--carrier', 'ups', PLANTED)).code, 0);
      for (const carrier of CARRIERS) assert.equal((await cli('ingest', '--carrier', carrier.id, ...goldenCases(fixtureDirOf(carrier.id)).map((c) => c.file))).code, 0);
      const real = ['ups/kenzorei_G2G156255_062125_redacted.csv', 'ups/hhbyte_Invoice_3961958_012225.csv', 'dhl/alx_mybill_freight_sanitized.csv'];
      for (const f of real) {
        const file = path.join(REAL_INVOICES, f);
        if (fs.existsSync(file)) assert.equal((await cli('ingest', '--carrier', f.split('/')[0] ?? '', file)).code, 0);
      }
    });

    test('the loader gives a line a shipment exactly when it has a tracking number, the shipment\'s on the same invoice', async () => {
      const odd = await t.db.db
        .selectFrom('charges as c')
        .leftJoin('shipments as s', 's.id', 'c.shipment_id')
        .select(sql<number>`count(*)`.as('n'))
        .where((eb) => eb.or([eb.and([eb('c.shipment_id', 'is', null), eb('c.tracking_number', 'is not', null)]), eb('c.tracking_number', 'is', null).and('c.shipment_id', 'is not', null), eb('s.tracking_number', '!=', eb.ref('c.tracking_number')), eb('s.invoice_id', '!=', eb.ref('c.invoice_id'))]))
        .executeTakeFirstOrThrow();
      assert.equal(Number(odd.n), 0);
    });

    for (const [name, config] of Object.entries(CONFIGS)) {
      test(`config "${name}": parts of 1 and of the default size, against the whole-account run, without and with fuel rates`, async () => {
        // every carrier's fuel rated at all dates, a little low: drift on many lines, both bases
        const everywhere: FuelRate[] = CARRIERS.flatMap((c) => [
          { carrier: c.id, chargeCode: 'fuel', validFrom: '2000-01-01', validTo: '2022-12-31', ratePercent: '12.5', base: 'freight_and_surcharges', source: 'test' },
          { carrier: c.id, chargeCode: 'fuel', validFrom: '2023-01-01', validTo: null, ratePercent: '14.125', base: 'freight', source: 'test' },
        ]);
        for (const rates of [[], readFuelRatesFile(RATES), everywhere]) {
          await replaceFuelRates(t.db, rates);
          await sameAsWhole(config, name, rates);
        }
      });
    }

    async function sameAsWhole(config: AuditConfig, name: string, rates: readonly FuelRate[]): Promise<void> {
      const expected = await reference(t.db, config);
      assert.ok(expected.length > 0);
      if (name === 'many') assert.ok(expected.length > 100, `${expected.length} findings`);
      const drift = expected.filter((e) => e[1] === 'rate_drift').length;
      if (name === 'exact' && rates.some((r) => r.source === 'test')) assert.ok(drift > 20, `${drift} rate drift findings`);
      assert.ok(expected.every((e) => (RULES as readonly string[]).includes(e[1])), 'every finding is of a rule in RULES');
      for (const partSize of [1, undefined]) {
        const r = await recomputeFindings(t.db, 'all', config, { partSize });
        const now = await stored(t.db);
        assert.equal(r.findings, now.length);
        assert.deepEqual(withoutEvidence(now), expected, `part size ${partSize ?? 'default'}`);
      }
    }
  });

  describe(`audit after loads on ${dialect}: only the loaded tracking numbers, the same as --all`, () => {
    const t = useTestDatabase(dialect);
    const tmp = tempDir('etl-audit-inc-');
    after(() => tmp.cleanup());
    const cli = (...args: string[]) => runCli(['--db', t.tdb.url, '--data-dir', t.tdb.dataDir, ...args]);
    const rowsOf = (file: string) => fs.readFileSync(path.join(PLANTED, file), 'utf8').split('\n').filter((l) => l !== '');

    /** A new UPS file of one invoice: `lines` are [tracking number, net amount] copied from planted rows of that tracking number's freight. */
    function invoiceFile(name: string, invoiceNumber: string, date: string, lines: Array<[string, string]>): string {
      const all = [...rowsOf('planted-a.csv'), ...rowsOf('planted-b.csv')].map((r) => r.split(','));
      const total = lines.reduce((s, [, amount]) => s + Math.round(Number(amount) * 100), 0);
      const rows = lines.map(([tracking, amount]) => {
        const f = all.find((x) => x[20] === (tracking || '1ZPLANT00000000011') && x[43] === 'FRT');
        assert.ok(f, `a freight row of ${tracking}`);
        const out = [...f];
        // no tracking number: an invoice-level audit fee (UPS bills those without a shipment)
        if (tracking === '') [out[13], out[20], out[26], out[28], out[32], out[45]] = ['', '', '', '', '', 'Missing PKG Data Fee'];
        const net = out.findIndex((v, i) => i > 43 && v === 'EUR') + 2;
        out[4] = date;
        out[5] = invoiceNumber;
        out[10] = (total / 100).toFixed(2);
        out[net] = amount;
        return out.join(',');
      });
      const file = path.join(tmp.dir, name);
      fs.writeFileSync(file, `${rows.join('\n')}\n`);
      return file;
    }

    async function matchesAll(): Promise<Shape[]> {
      const after = await stored(t.db);
      await recomputeFindings(t.db, 'all', defaultAuditConfig(), { partSize: 1 });
      assert.deepEqual(withoutEvidence(after), withoutEvidence(await stored(t.db)), 'the load left what --all gives');
      return after;
    }
    const has = (rows: readonly Shape[], rule: string, tracking: string) => rows.some((r) => r[1] === rule && r[5] === tracking);

    test('a credit removes a duplicate, a re-bill after it and a repeat make new findings; each load equals --all', async () => {
      assert.equal((await cli('ingest', '--carrier', 'ups', path.join(PLANTED, 'planted-a.csv'))).code, 0);
      assert.equal((await cli('ingest', '--carrier', 'ups', path.join(PLANTED, 'planted-b.csv'))).code, 0);
      let now = await matchesAll();
      assert.ok(has(now, 'duplicate_billing', '1ZPLANT00000000011'));
      assert.ok(has(now, 'charges_after_credit', '1ZPLANT00000000044'));

      // a credit of …011's freight: no duplicate any more (charges-after-credit judges the group)
      assert.equal((await cli('ingest', '--carrier', 'ups', invoiceFile('credit.csv', '000090000007', '2022-04-25', [['1ZPLANT00000000011', '-10.00'], ['', '4.00']]))).code, 0);
      now = await matchesAll();
      assert.ok(!has(now, 'duplicate_billing', '1ZPLANT00000000011'));
      assert.ok(has(now, 'charges_after_credit', '1ZPLANT00000000044'), 'untouched tracking numbers keep their findings');
      assert.ok(now.some((r) => r[1] === 'audit_fee' && r[5] === null), 'the fee without a tracking number');

      // …011 billed again after its credit, …022 billed twice: two new findings
      assert.equal((await cli('ingest', '--carrier', 'ups', invoiceFile('rebill.csv', '000090000008', '2022-04-29', [['1ZPLANT00000000011', '10.00'], ['1ZPLANT00000000022', '20.00']]))).code, 0);
      now = await matchesAll();
      assert.ok(has(now, 'charges_after_credit', '1ZPLANT00000000011'));
      assert.ok(has(now, 'duplicate_billing', '1ZPLANT00000000022'));

      // a new version of the credit invoice without the credit: the account is recomputed whole
      assert.equal((await cli('ingest', '--carrier', 'ups', invoiceFile('credit-v2.csv', '000090000007', '2022-04-26', [['1ZPLANT00000000033', '5.00']]))).code, 0);
      now = await matchesAll();
      assert.ok(!has(now, 'charges_after_credit', '1ZPLANT00000000011'));
    });
  });

  describe(`the audit prefilter on ${dialect}: its SQL holds whatever the rules find`, () => {
    const t = useTestDatabase(dialect);
    const dbl = (v: number | null) => (v === null ? sql`cast(null as double precision)` : sql`cast(${v} as double precision)`);
    const text = (v: string | null) => (v === null ? sql`cast(null as text)` : sql`cast(${v} as text)`);
    const context = (config: AuditConfig): CandidateContext => ({ config, tables: { divisors: [{ carrier: 'ups', dimensionUnit: 'cm', weightUnit: 'kg', divisor: 5000 }, { carrier: 'ups', dimensionUnit: 'in', weightUnit: 'lb', divisor: 139 }], rates: [] }, carrier: 'ups', dialect });

    /** Ids of the rows of `values` (a CTE named `alias` with `columns`) meeting `where`. */
    async function matching(alias: string, columns: string[], values: RawBuilder<unknown>[][], where: RawBuilder<boolean>): Promise<Set<number>> {
      const out = new Set<number>();
      for (let k = 0; k < values.length; k += 200) {
        const rows = values.slice(k, k + 200).map((r) => sql`(${sql.join(r)})`);
        const q = sql<{ id: number }>`with ${sql.raw(alias)}(${sql.raw(columns.join(', '))}) as (values ${sql.join(rows)}) select id from ${sql.raw(alias)} where ${where}`;
        for (const r of (await q.execute(t.db.db)).rows) out.add(Number(r.id));
      }
      return out;
    }

    test('every rule declares its candidates; an undeclared one reads everything', () => {
      assert.deepEqual([...DECLARED_RULES].sort(), [...RULES].sort(), 'a rule added to RULES needs its candidates in candidates.ts');
      const specs = candidatesOf(context(defaultAuditConfig()), [...RULES, 'a_new_rule']);
      assert.deepEqual(specs.at(-1), { kind: 'all' });
      assert.ok(specs.slice(0, -1).every((c) => c.kind !== 'all'));
    });

    test('dimensional weight: every shipment the rule finds overbilled passes the SQL, on random shipments and configs', async () => {
      let seed = 7;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
      const weight = () => pick([null, Math.round(rnd() * 40000) / 1000, Math.round(rnd() * 400) / 10, Math.floor(rnd() * 40) + 0.5, Math.round(rnd() * 80) / 2 + 0.0005, Math.round(rnd() * 40) / 2, Math.floor(rnd() * 30), 10, 9.9995]);
      const dim = () => pick([null, Math.round(rnd() * 1200) / 10, Math.floor(rnd() * 80) + 0.5, 30, 10, 5, 12.5]);
      const shipments: ShipmentFact[] = [];
      for (let id = 1; id <= 3000; id++) {
        const unit = pick(['kg', 'kg', 'lb', 'oz', null]);
        const declared = weight();
        const billed = rnd() < 0.3 || declared === null ? weight() : declared + pick([0, 0.5, 1, 0.0005, 2.25, 10]);
        shipments.push({ id, invoiceId: 1, carrier: 'ups', trackingNumber: `T${id}`, shipDate: null, declaredWeight: declared, billedWeight: billed, weightSource: pick(['declared', 'audited', null]), weightUnit: unit, length: dim(), width: dim(), height: dim(), dimensionUnit: unit === 'lb' ? pick(['in', null]) : pick(['cm', 'cm', null]), receiverPostcode: null, receiverCountry: null, receiverCompany: null });
      }
      const configs = [
        defaultAuditConfig(),
        auditConfigSchema.parse({ dim_weight_overbilling: { divisors: { ups: { cm: 4000 } }, steps: { kg: [{ from: 10, step: 1 }, { from: 0, step: 0.3 }, { from: 5, step: 0.25 }], lb: [{ from: 2, step: 0.5 }] } } }),
      ];
      const columns = ['id', 'billed_weight', 'entered_weight', 'weight_source', 'weight_unit', 'length', 'width', 'height', 'dimension_unit'];
      const values = shipments.map((s) => [sql`${s.id}`, dbl(s.billedWeight), dbl(s.declaredWeight), text(s.weightSource), text(s.weightUnit), dbl(s.length), dbl(s.width), dbl(s.height), text(s.dimensionUnit)]);
      for (const config of configs) {
        const spec = candidatesOf(context(config), ['dim_weight_overbilling'])[0];
        assert.ok(spec?.kind === 'shipments');
        const params = dimWeightParams(config, context(config).tables);
        const found = shipments.filter((s) => overbilledWeight(s, params) !== null).map((s) => s.id);
        assert.ok(found.length > 20, `${found.length} overbilled`);
        const passed = await matching('s', columns, values, spec.where);
        assert.deepEqual(found.filter((id) => !passed.has(id)), [], 'overbilled shipments the SQL would not read');
        assert.ok(passed.size < shipments.length / 2, `the SQL passes ${passed.size} of ${shipments.length}: a filter`);
        assert.ok(found.every((id) => spec.keep(shipments[id - 1] as ShipmentFact)));
      }
      assert.deepEqual(DIM_WEIGHT_STEPS.kg?.map((b) => b.step), [0.5, 1]);
    });

    test('audit fees: every description the rule matches passes the SQL (case, İ, Kelvin sign, % and _)', async () => {
      const descriptions = ['Shipping Charge Correction Audit Fee', 'AUDIT FEE', 'audit  fee', 'AUDİT FEE', 'Audit Fee', 'MISSING PKG DATA', 'Missing Package Data Fee', 'Fuel Surcharge', '100% audit_fee', '100%_audit', 'Zuschlag für Audit Fee', 'Straße', 'Residential Surcharge', 'audiT fEe', 'ÄUDIT FEE', '\u212aELVIN FEE'];
      const configs = [defaultAuditConfig(), auditConfigSchema.parse({ weight_corrections: { feePatterns: ['% audit_', 'i', 'k', 'ß'] } })];
      const values = descriptions.map((d, i) => [sql`${i + 1}`, text(d)]);
      for (const config of configs) {
        const spec = candidatesOf(context(config), ['audit_fee'])[0];
        assert.ok(spec?.kind === 'lines');
        const matched = descriptions.flatMap((d, i) => (config.weight_corrections.feePatterns.some((p) => d.toLowerCase().includes(p.toLowerCase())) ? [i + 1] : []));
        assert.ok(matched.length >= 5, String(matched));
        const passed = await matching('c', ['id', 'charge_description'], values, spec.where);
        assert.deepEqual(matched.filter((id) => !passed.has(id)), []);
        if (config === configs[0]) assert.ok(!passed.has(8) && !passed.has(12), 'fuel and Straße are no audit fees');
      }
    });
  });
}
