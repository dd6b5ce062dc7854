/**
 * Golden tests: every fixture beside its `.expected.json` (written by the fixture generator from
 * its own model, never from the ETL's output) must load to exactly the expected rows.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { useTestDatabase } from '../support/databases.js';
import { ingest } from '../support/ingest.js';
import { goldenCases, UPS_FIXTURES } from '../support/paths.js';

const expectedSchema = z.object({
  carrier: z.literal('ups'),
  encoding: z.enum(['latin1', 'utf8']),
  delimiter: z.enum([',', ';']),
  invoice: z.object({
    invoice_number: z.string(),
    account_number: z.string(),
    invoice_date: z.string(),
    currency: z.string(),
    stated_total_minor: z.number().int(),
    net_total_minor: z.number().int(),
    reconciled: z.boolean(),
    shipment_count: z.number().int(),
    charge_count: z.number().int(),
  }),
  shipments: z.array(z.record(z.string(), z.unknown())),
  charges: z.array(
    z.object({
      source_row: z.number().int(),
      tracking_number: z.string().nullable(),
      charge_code: z.string(),
      charge_description: z.string(),
      amount_minor: z.number().int(),
      incentive_minor: z.number().int().nullable(),
    }),
  ),
  issues: z.array(z.object({ severity: z.string(), code: z.string(), source_row: z.number().nullable(), source_column: z.string().nullable() })),
});

const SHIPMENT_COLUMNS = [
  'tracking_number', 'lead_tracking_number', 'service', 'ship_date', 'zone', 'package_count', 'entered_weight', 'billed_weight',
  'weight_unit', 'length', 'width', 'height', 'dimension_unit', 'sender_postcode', 'sender_country', 'receiver_postcode',
  'receiver_country', 'net_total_minor',
] as const;

const cases = goldenCases(UPS_FIXTURES);

// spillAt 1 writes every shipment out as soon as another opens, so rows that come back to a
// shipment exercise the continuation path; the result must be identical.
for (const spillAt of [undefined, 1]) describe(`UPS golden fixtures${spillAt === undefined ? '' : ' (shipments spilled at once)'}`, () => {
  const t = useTestDatabase('sqlite');

  let reopened = 0;

  test('there are golden cases to walk', () => {
    assert.ok(cases.length >= 6, `found ${cases.length} UPS golden cases`);
  });

  for (const c of cases) {
    test(c.name, async () => {
      const expected = expectedSchema.parse(JSON.parse(fs.readFileSync(c.expectedFile, 'utf8')));
      const [r] = await ingest(t.db, t.tdb.dataDir, [c.file], 'ups', spillAt);
      assert.ok(r);
      assert.equal(r.status, 'loaded', r.message ?? '');
      reopened += r.shipmentsReopened;
      const k = t.db.db;
      const source = await k.selectFrom('source_files').selectAll().where('id', '=', r.sourceFileId).executeTakeFirstOrThrow();
      assert.equal(source.encoding, expected.encoding === 'latin1' ? 'cp1252' : 'utf8');

      const inv = await k.selectFrom('invoices').selectAll().where('source_file_id', '=', r.sourceFileId).execute();
      assert.equal(inv.length, 1);
      const i = inv[0]!;
      const e = expected.invoice;
      assert.deepEqual(
        { ...pick(i, ['invoice_number', 'account_number', 'invoice_date', 'currency', 'stated_total_minor', 'net_total_minor', 'shipment_count', 'charge_count']), reconciled: i.reconciled === 1 },
        e,
      );

      const ships = await k.selectFrom('shipments').selectAll().where('invoice_id', '=', i.id).orderBy('id').execute();
      assert.deepEqual(
        ships.map((s) => pick(s, SHIPMENT_COLUMNS)),
        expected.shipments.map((s) => pick(s, SHIPMENT_COLUMNS)),
      );

      const charges = await k
        .selectFrom('charges')
        .leftJoin('shipments', 'shipments.id', 'charges.shipment_id')
        .select(['charges.source_row', 'shipments.tracking_number', 'charges.charge_code', 'charges.charge_description', 'charges.amount_minor', 'charges.incentive_minor'])
        .where('charges.invoice_id', '=', i.id)
        .orderBy('charges.source_row')
        .execute();
      assert.deepEqual(charges, expected.charges);
      // nothing lost or invented: count and sum agree with the file's own total
      assert.equal(charges.length, e.charge_count);
      assert.equal(charges.reduce((a, x) => a + x.amount_minor, 0), e.stated_total_minor);

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

  if (spillAt !== undefined) {
    test('spilling reopened shipments, so the continuation path was exercised', () => {
      assert.ok(reopened > 0, `reopened ${reopened}`);
    });
  }
});

function pick<T extends Record<string, unknown>>(o: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = o[k] ?? null;
  return out;
}

export const fixtureDir = path.relative(process.cwd(), UPS_FIXTURES);
