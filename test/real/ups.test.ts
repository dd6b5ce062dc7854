/**
 * Golden tests over the real UPS invoices in ../shared/real-invoices/ups (never copied into the
 * repository). The expected files in test/real/expected/ are written from that folder's
 * README.md (what each file states, computed independently of the ETL) and, where the README
 * says less, from named rows of the file itself. Each file is loaded through the real pipeline
 * on SQLite and PostgreSQL, and once more on SQLite with every shipment spilled at once (so the
 * corrections at the end of a file continue shipments already written).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { z } from 'zod';
import type { Db } from '../../src/db/connect.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { ingest } from '../support/ingest.js';
import { ROOT } from '../support/paths.js';
import { realInvoice } from '../support/real-invoices.js';

const countAndTotal = z.tuple([z.number().int(), z.number().int()]);
const expectedSchema = z.object({
  file: z.string(),
  invoice: z.object({
    invoice_number: z.string(),
    currency: z.string(),
    stated_total_minor: z.number().int(),
    net_total_minor: z.number().int(),
    reconciled: z.boolean(),
    shipment_count: z.number().int(),
    charge_count: z.number().int(),
  }),
  /** Rows of the file that are not charge lines (zero informational rows, zero rows naming nothing). */
  rows_not_loaded: z.number().int(),
  negative_lines: z.number().int(),
  lead_shipments: z.number().int().optional(),
  packages: z.number().int(),
  invoice_level: z.object({ lines: z.number().int(), total_minor: z.number().int() }),
  by_description: z.record(z.string(), countAndTotal),
  by_code: z.record(z.string(), countAndTotal),
  by_adjustment_kind: z.record(z.string(), countAndTotal),
  audited_weights: z.number().int(),
  dimension_sets: z.number().int(),
  shipments: z.array(z.object({ tracking_number: z.string() }).catchall(z.unknown())),
});
type Expected = z.infer<typeof expectedSchema>;

const EXPECTED_DIR = path.join(ROOT, 'test', 'real', 'expected');
const CASES = ['ups-hhbyte-3961958', 'ups-kenzorei-G2G155255', 'ups-kenzorei-G2G156255'].map((name) => ({
  name,
  expected: expectedSchema.parse(JSON.parse(fs.readFileSync(path.join(EXPECTED_DIR, `${name}.json`), 'utf8'))),
}));

/** The README writes descriptions with single spaces; the file sometimes has two. */
const spaces = (s: string) => s.replace(/\s+/g, ' ').trim();

async function check(db: Db, sourceFileId: number, lines: number, e: Expected): Promise<void> {
  const k = db.db;
  const invoices = await k.selectFrom('invoices').selectAll().where('source_file_id', '=', sourceFileId).execute();
  assert.equal(invoices.length, 1);
  const inv = invoices[0];
  assert.ok(inv);
  assert.deepEqual(
    {
      invoice_number: inv.invoice_number,
      currency: inv.currency,
      stated_total_minor: Number(inv.stated_total_minor),
      net_total_minor: Number(inv.net_total_minor),
      reconciled: Boolean(inv.reconciled),
      shipment_count: Number(inv.shipment_count),
      charge_count: Number(inv.charge_count),
    },
    e.invoice,
  );

  const charges = await k.selectFrom('charges').selectAll().where('invoice_id', '=', inv.id).orderBy('source_row').execute();
  assert.equal(charges.length, e.invoice.charge_count);
  assert.equal(lines - charges.length, e.rows_not_loaded, 'rows of the file that are not charge lines');
  assert.equal(charges.filter((c) => Number(c.amount_minor) < 0).length, e.negative_lines);
  const invoiceLevel = charges.filter((c) => c.tracking_number === null);
  assert.deepEqual({ lines: invoiceLevel.length, total_minor: invoiceLevel.reduce((s, c) => s + Number(c.amount_minor), 0) }, e.invoice_level);

  const tally = (key: (c: (typeof charges)[number]) => string | null) => {
    const out: Record<string, [number, number]> = {};
    for (const c of charges) {
      const k2 = key(c);
      if (k2 === null) continue;
      const t = (out[k2] ??= [0, 0]);
      t[0]++;
      t[1] += Number(c.amount_minor);
    }
    return out;
  };
  const byDescription = tally((c) => spaces(c.charge_description));
  for (const [description, want] of Object.entries(e.by_description)) {
    assert.deepEqual(byDescription[spaces(description)], want, `lines and total of "${description}"`);
  }
  assert.deepEqual(tally((c) => c.charge_code), e.by_code, 'lines and totals per canonical code');
  assert.deepEqual(tally((c) => c.adjustment_kind), e.by_adjustment_kind, 'lines and totals per adjustment kind');
  // every line traces back to its row, on a row of this file
  for (const c of charges) assert.ok(Number(c.source_row) >= 1 && Number(c.source_row) <= lines && c.source_file_id === sourceFileId);

  const ships = await k.selectFrom('shipments').selectAll().where('invoice_id', '=', inv.id).execute();
  assert.equal(ships.length, e.invoice.shipment_count);
  assert.equal(ships.reduce((s, x) => s + Number(x.package_count), 0), e.packages, 'physical packages');
  if (e.lead_shipments !== undefined) assert.equal(new Set(ships.map((s) => s.lead_tracking_number ?? s.tracking_number)).size, e.lead_shipments);
  assert.equal(ships.filter((s) => s.weight_source === 'audited').length, e.audited_weights, 'shipments billed at an audited weight');
  assert.equal(ships.filter((s) => s.length !== null).length, e.dimension_sets, 'shipments with dimensions');
  for (const want of e.shipments) {
    const s = ships.find((x) => x.tracking_number === want.tracking_number);
    assert.ok(s, `shipment ${want.tracking_number}`);
    const got: Record<string, unknown> = {};
    for (const key of Object.keys(want)) {
      if (key === 'from') continue;
      const v = (s as unknown as Record<string, unknown>)[key];
      got[key] = typeof v === 'bigint' || (key.endsWith('_minor') && v !== null) ? Number(v) : v;
    }
    const { from: _from, ...rest } = want;
    assert.deepEqual(got, rest, `${want.tracking_number}${typeof _from === 'string' ? ` (${_from})` : ''}`);
  }
}

const RUNS = [...DIALECTS.map((d) => ({ dialect: d, spillAt: undefined })), { dialect: 'sqlite' as const, spillAt: 1 }];

for (const run of RUNS) {
  describe(`real UPS invoices (${run.dialect}${run.spillAt === undefined ? '' : ', shipments spilled at once'})`, () => {
    const t = useTestDatabase(run.dialect);
    for (const c of CASES) {
      test(c.name, async (ctx) => {
        const file = realInvoice(ctx, c.expected.file);
        if (file === null) return;
        const [r] = await ingest(t.db, t.tdb.dataDir, [file], 'ups', run.spillAt);
        assert.ok(r);
        assert.equal(r.status, 'loaded', r.message ?? '');
        const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length;
        await check(t.db, r.sourceFileId ?? -1, lines, c.expected);
        const warnings = await t.db.db.selectFrom('data_issues').select(['code', 'message']).where('source_file_id', '=', r.sourceFileId ?? -1).where('severity', '!=', 'info').execute();
        assert.deepEqual(warnings, [], 'no unmapped charge, no other problem');
      });
    }
  });
}
