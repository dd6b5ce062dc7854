/**
 * Golden tests for every registered carrier: each sample file beside its `.expected.json`
 * (written by the fixture generator from its own model, never from the ETL's output) must load
 * to exactly the expected invoices, shipments, charges and issues. Adding a fixture adds a test.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CARRIERS } from '../../carriers/index.js';
import { useTestDatabase } from '../support/databases.js';
import { readExpected, type NormalizedExpected } from '../support/expected.js';
import { ingest } from '../support/ingest.js';
import { fixtureDirOf, goldenCases } from '../support/paths.js';

const SHIPMENT_COLUMNS = [
  'invoice_number', 'tracking_number', 'lead_tracking_number', 'service', 'ship_date', 'zone', 'package_count', 'entered_weight',
  'billed_weight', 'weight_unit', 'length', 'width', 'height', 'dimension_unit', 'volumetric_weight', 'sender_postcode',
  'sender_country', 'receiver_postcode', 'receiver_country', 'net_total_minor',
] as const;
/** Migration 0005's columns, compared when the expected file states them (UPS corrections). */
const OPTIONAL_SHIPMENT_COLUMNS = ['declared_weight', 'declared_length', 'declared_width', 'declared_height', 'weight_source'] as const;
const INVOICE_COLUMNS = ['invoice_number', 'account_number', 'invoice_date', 'currency', 'stated_total_minor', 'net_total_minor', 'shipment_count', 'charge_count'] as const;

function pick(o: object, keys: readonly string[]): Record<string, unknown> {
  const rec = o as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = rec[k] ?? null;
  return out;
}

const byInvoiceThenTracking = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  String(a.invoice_number).localeCompare(String(b.invoice_number)) || String(a.tracking_number).localeCompare(String(b.tracking_number));

const carriersWithCases = CARRIERS.map((c) => ({ id: c.id, cases: fs.existsSync(fixtureDirOf(c.id)) ? goldenCases(fixtureDirOf(c.id)) : [] }));

// spillAt 1 (with tiny read chunks) writes every shipment out as soon as another opens, so rows
// that come back to a shipment exercise the continuation path; the result must be identical.
for (const spillAt of [undefined, 1]) {
  describe(`golden fixtures${spillAt === undefined ? '' : ' (shipments spilled at once)'}`, () => {
    const t = useTestDatabase('sqlite');
    let reopened = 0;

    for (const { id, cases } of carriersWithCases) {
      for (const c of cases) {
        test(`${id}: ${c.name}`, async () => {
          const expected: NormalizedExpected = readExpected(c.expectedFile);
          const [r] = await ingest(t.db, t.tdb.dataDir, [c.file], id, spillAt);
          assert.ok(r);
          assert.equal(r.status, 'loaded', r.message ?? '');
          reopened += r.shipmentsReopened;
          const k = t.db.db;
          const invoices = await k.selectFrom('invoices').selectAll().where('source_file_id', '=', r.sourceFileId).orderBy('invoice_number').execute();
          assert.deepEqual(
            invoices.map((i) => ({ ...pick(i, INVOICE_COLUMNS), reconciled: i.reconciled === null ? null : Boolean(i.reconciled) })),
            [...expected.invoices]
              .sort((a, b) => a.invoice_number.localeCompare(b.invoice_number))
              .map((i) => ({ ...pick(i, INVOICE_COLUMNS), reconciled: i.reconciled })),
          );
          const ids = invoices.map((i) => i.id);
          const ships = ids.length === 0 ? [] : await k
            .selectFrom('shipments')
            .innerJoin('invoices', 'invoices.id', 'shipments.invoice_id')
            .selectAll('shipments')
            .select('invoices.invoice_number')
            .where('shipments.invoice_id', 'in', ids)
            .execute();
          const shipmentColumns = [...SHIPMENT_COLUMNS, ...OPTIONAL_SHIPMENT_COLUMNS.filter((c) => expected.shipments.some((s) => c in s))];
          assert.deepEqual(
            ships.map((s) => pick(s, shipmentColumns)).sort(byInvoiceThenTracking),
            expected.shipments.map((s) => pick(s, shipmentColumns)).sort(byInvoiceThenTracking),
          );
          const withKind = expected.charges.some((c) => 'adjustment_kind' in c);
          const charges = await k
            .selectFrom('charges')
            .innerJoin('invoices', 'invoices.id', 'charges.invoice_id')
            .select(['invoices.invoice_number', 'charges.source_row', 'charges.tracking_number', 'charges.charge_code', 'charges.charge_description', 'charges.amount_minor', 'charges.incentive_minor'])
            .$if(withKind, (q) => q.select('charges.adjustment_kind'))
            .where('charges.source_file_id', '=', r.sourceFileId)
            .orderBy('charges.id')
            .execute();
          assert.deepEqual(charges, expected.charges);
          // every charge of a shipment points at it
          const unlinked = await k.selectFrom('charges').select('id').where('source_file_id', '=', r.sourceFileId).where('tracking_number', 'is not', null).where('shipment_id', 'is', null).execute();
          assert.equal(unlinked.length, 0);
          const issues = await k
            .selectFrom('data_issues')
            .select(['severity', 'code', 'source_row', 'source_column'])
            .where('source_file_id', '=', r.sourceFileId)
            .where('severity', '!=', 'info')
            .orderBy('id')
            .execute();
          assert.deepEqual(issues, expected.issues);
        });
      }
    }

    if (spillAt !== undefined) {
      test('spilling reopened shipments, so the continuation path was exercised', () => {
        assert.ok(reopened > 0, `reopened ${reopened}`);
      });
    }
  });
}

describe('bad inputs are quarantined with the expected issue and a clear message', () => {
  const t = useTestDatabase('sqlite');
  for (const carrier of CARRIERS) {
    const dir = path.join(fixtureDirOf(carrier.id), 'bad');
    const cases = fs.existsSync(dir) ? goldenCases(dir) : [];
    for (const c of cases) {
      test(`${carrier.id}: ${c.name}`, async () => {
        const expected = JSON.parse(fs.readFileSync(c.expectedFile, 'utf8')) as { status: string; code: string; source_row: number | null; source_column: string | null };
        const [r] = await ingest(t.db, t.tdb.dataDir, [c.file], carrier.id);
        assert.equal(r?.status, 'quarantined', r?.message ?? '');
        const file = await t.db.db.selectFrom('source_files').selectAll().where('id', '=', r?.sourceFileId ?? -1).executeTakeFirstOrThrow();
        assert.equal(file.status, 'quarantined');
        assert.ok(fs.existsSync(file.stored_path), 'raw copy kept in the landing store');
        assert.deepEqual(fs.readFileSync(file.stored_path), fs.readFileSync(c.file));
        const issues = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', file.id).where('severity', '=', 'error').orderBy('id').execute();
        const hit = issues.find((i) => i.code === expected.code);
        assert.ok(hit, `expected a ${expected.code} issue, got ${issues.map((i) => `${i.code}: ${i.message}`).join(' | ')}`);
        assert.equal(hit.source_row, expected.source_row);
        assert.equal(hit.source_column, expected.source_column);
        const name = path.basename(c.file);
        assert.ok(hit.message.startsWith(name), hit.message);
        if (expected.source_row !== null) assert.ok(hit.message.includes(`row ${expected.source_row}`), hit.message);
        if (expected.source_column !== null) assert.ok(hit.message.includes(`column ${expected.source_column}`), hit.message);
        assert.equal(file.message, issues[0]?.message);
        const rows = await t.db.db.selectFrom('charges').select('id').where('source_file_id', '=', file.id).execute();
        assert.equal(rows.length, 0, 'nothing partial reached the data tables');
      });
    }
  }
});
