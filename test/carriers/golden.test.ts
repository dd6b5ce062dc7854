/**
 * Golden tests for every registered carrier: each sample file beside its `.expected.json`
 * (written by the fixture generator from its own model, never from the ETL's output) must come
 * out as exactly the expected invoices, shipments, charges and issues. Adding a fixture adds a
 * test.
 *
 * Every fixture runs through the pure steps (parse → clean → aggregate → validate,
 * pipeline/flow.ts), without a database. Then, per carrier and dialect, one fixture is loaded
 * into a real database with shipments spilled at once, so the loader's continuation path and
 * both dialects are checked against the same expected file, and one bad file is quarantined.
 * Legacy spreadsheets are converted by the real LibreOffice, all in one start, cached by content
 * (test/support/converted.ts).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { CARRIERS } from '../../carriers/index.js';
import type { CarrierAdapter } from '../../src/carrier-kit/contract.js';
import { IssueSink, type Issue } from '../../src/model/issue.js';
import { FileFlow } from '../../src/pipeline/flow.js';
import { ingestFile, needsConversion, parseInputOf, wholeFileIssue, type Prepared } from '../../src/pipeline/ingest.js';
import { landFile } from '../../src/pipeline/land.js';
import type { ShipmentAggregate } from '../../src/pipeline/pivot.js';
import { readWorkbookBounded } from '../../src/parsing/xlsx.js';
import { cachedConverter, convertedXlsx } from '../support/converted.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { readExpected, type NormalizedExpected } from '../support/expected.js';
import { fixtureDirOf, goldenCases, tempDir } from '../support/paths.js';

const SHIPMENT_COLUMNS = [
  'invoice_number', 'tracking_number', 'lead_tracking_number', 'service', 'ship_date', 'zone', 'package_count', 'entered_weight',
  'billed_weight', 'weight_unit', 'length', 'width', 'height', 'dimension_unit', 'volumetric_weight', 'sender_postcode',
  'sender_country', 'receiver_postcode', 'receiver_country', 'net_total_minor',
] as const;
/** Migration 0005's and 0010's columns, compared when the expected file states them (UPS corrections). */
const OPTIONAL_SHIPMENT_COLUMNS = ['declared_weight', 'declared_length', 'declared_width', 'declared_height', 'weight_source', 'receiver_company'] as const;
const INVOICE_COLUMNS = ['invoice_number', 'account_number', 'invoice_date', 'currency', 'stated_total_minor', 'net_total_minor', 'shipment_count', 'charge_count'] as const;

type Rec = Record<string, unknown>;

function pick(o: object, keys: readonly string[]): Rec {
  const rec = o as Rec;
  const out: Rec = {};
  for (const k of keys) out[k] = rec[k] ?? null;
  return out;
}

const byInvoiceThenTracking = (a: Rec, b: Rec) =>
  String(a.invoice_number).localeCompare(String(b.invoice_number)) || String(a.tracking_number).localeCompare(String(b.tracking_number));

/** What a run of a file produced, in the expected file's terms (its columns, sorted alike). */
interface Outcome {
  readonly invoices: Rec[];
  readonly shipments: Rec[];
  readonly charges: Rec[];
  readonly issues: Rec[];
}

/** Migration 0005's and 0010's shipment columns and charges' adjustment_kind are compared where the expected file states them. */
function shipmentColumnsFor(expected: NormalizedExpected): string[] {
  return [...SHIPMENT_COLUMNS, ...OPTIONAL_SHIPMENT_COLUMNS.filter((c) => expected.shipments.some((s) => c in s))];
}

function expectedOutcome(expected: NormalizedExpected): Outcome {
  return {
    invoices: [...expected.invoices]
      .sort((a, b) => a.invoice_number.localeCompare(b.invoice_number))
      .map((i) => ({ ...pick(i, INVOICE_COLUMNS), reconciled: i.reconciled })),
    shipments: expected.shipments.map((s) => pick(s, shipmentColumnsFor(expected))).sort(byInvoiceThenTracking),
    charges: expected.charges,
    issues: expected.issues,
  };
}

/** An outcome with every column, cut to the ones the expected file states. */
function comparable(o: Outcome, expected: NormalizedExpected): Outcome {
  const columns = shipmentColumnsFor(expected);
  const withKind = expected.charges.some((c) => 'adjustment_kind' in c);
  return {
    ...o,
    shipments: o.shipments.map((s) => pick(s, columns)),
    charges: withKind ? o.charges : o.charges.map(({ adjustment_kind: _kind, ...rest }) => rest),
  };
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const carriersWithCases = CARRIERS.map((c) => ({ carrier: c, cases: fs.existsSync(fixtureDirOf(c.id)) ? goldenCases(fixtureDirOf(c.id)) : [] }));
const badCasesOf = (c: CarrierAdapter) => {
  const dir = path.join(fixtureDirOf(c.id), 'bad');
  return fs.existsSync(dir) ? goldenCases(dir) : [];
};

const tmp = tempDir('etl-golden-');
after(() => tmp.cleanup());

/** The landed file ready to parse, as the engine prepares it (legacy spreadsheets via the cache). */
async function prepare(file: string): Promise<Prepared> {
  const landed = await landFile(file, path.join(tmp.dir, 'data'));
  const workbookPath = needsConversion(landed) ? await convertedXlsx(file) : landed.originalName.endsWith('.xlsx') ? landed.storedPath : null;
  return workbookPath === null ? { landed, workbookPath } : { landed, workbookPath, sheets: await readWorkbookBounded(workbookPath) };
}

/** parse → clean → aggregate → validate, no database: what would be loaded, and every issue. */
async function runPure(adapter: CarrierAdapter, file: string): Promise<{ outcome: Outcome; quarantined: boolean; issues: Issue[] }> {
  const prepared = await prepare(file);
  const name = prepared.landed.originalName;
  const early = wholeFileIssue(prepared.landed, prepared.workbookPath !== null);
  if (early !== null) return { outcome: { invoices: [], shipments: [], charges: [], issues: [] }, quarantined: true, issues: [early] };
  const sink = new IssueSink(name);
  // never spilled: every shipment stays whole in memory, as a small file's do
  const flow = new FileFlow(adapter, name, sink, { spillAt: Infinity });
  const charges: Rec[] = [];
  const shipments: ShipmentAggregate[] = [];
  for await (const batch of adapter.parse(await parseInputOf(prepared, adapter))) {
    const out = flow.take(batch);
    if (out === null) continue;
    for (const c of out.charges) {
      const inv = flow.invoices.get(c.invoiceKey);
      charges.push({
        invoice_number: inv?.header.invoiceNumber, source_row: c.sourceRow, tracking_number: c.trackingNumber, charge_code: c.chargeCode,
        charge_description: c.chargeDescription, amount_minor: c.amountMinor, incentive_minor: c.incentiveMinor,
        adjustment_kind: c.adjustmentKind,
      });
    }
    shipments.push(...out.spilled);
  }
  shipments.push(...(flow.rest() ?? []));
  const verdict = flow.verdict();
  const invoices = [...flow.invoices.values()].map((inv) => ({
    invoice_number: inv.header.invoiceNumber,
    account_number: inv.header.accountNumber,
    invoice_date: inv.header.invoiceDate,
    currency: inv.header.currency,
    stated_total_minor: inv.header.statedTotalMinor,
    net_total_minor: inv.netTotal.safe(),
    shipment_count: shipments.filter((s) => s.invoiceKey === inv.key).length,
    charge_count: inv.chargeCount,
    reconciled: verdict.reconciliations.get(inv.key)?.reconciled ?? null,
  }));
  const ships = shipments.map((s) => {
    const row: Rec = { invoice_number: flow.invoices.get(s.invoiceKey)?.header.invoiceNumber };
    for (const [k, v] of Object.entries(s.facts)) row[snake(k)] = v;
    return pick(row, [...SHIPMENT_COLUMNS, ...OPTIONAL_SHIPMENT_COLUMNS]);
  });
  const issues = sink.list();
  return {
    outcome: {
      invoices: invoices.sort((a, b) => a.invoice_number.localeCompare(b.invoice_number)),
      shipments: ships.sort(byInvoiceThenTracking),
      charges,
      issues: issues.filter((i) => i.severity !== 'info').map((i) => ({ severity: i.severity, code: i.code, source_row: i.at.row ?? null, source_column: i.at.column ?? null })),
    },
    quarantined: verdict.quarantine,
    issues,
  };
}

interface BadExpected {
  readonly status: string;
  readonly code: string;
  readonly source_row: number | null;
  readonly source_column: string | null;
}

/** The expected issue of a bad file is among `issues`, and its message names file, row and column. */
function assertNamesTheProblem(file: string, expected: BadExpected, issues: readonly { code: string; message: string; row: number | null; column: string | null }[]): void {
  const hit = issues.find((i) => i.code === expected.code);
  assert.ok(hit, `expected a ${expected.code} issue, got ${issues.map((i) => `${i.code}: ${i.message}`).join(' | ')}`);
  assert.equal(hit.row, expected.source_row);
  assert.equal(hit.column, expected.source_column);
  assert.ok(hit.message.startsWith(path.basename(file)), hit.message);
  if (expected.source_row !== null) assert.ok(hit.message.includes(`row ${expected.source_row}`), hit.message);
  if (expected.source_column !== null) assert.ok(hit.message.includes(`column ${expected.source_column}`), hit.message);
}

describe('golden fixtures, pure: parse → clean → aggregate → validate', () => {
  for (const { carrier, cases } of carriersWithCases) {
    for (const c of cases) {
      test(`${carrier.id}: ${c.name}`, async () => {
        const r = await runPure(carrier, c.file);
        assert.equal(r.quarantined, false, r.issues.map((i) => i.message).join(' | '));
        const expected = readExpected(c.expectedFile);
        assert.deepEqual(comparable(r.outcome, expected), expectedOutcome(expected));
      });
    }
    for (const c of badCasesOf(carrier)) {
      test(`${carrier.id}: bad/${c.name} is refused, naming file, row and column`, async () => {
        const expected = JSON.parse(fs.readFileSync(c.expectedFile, 'utf8')) as BadExpected;
        const r = await runPure(carrier, c.file);
        assert.equal(r.quarantined, true);
        const errors = r.issues.filter((i) => i.severity === 'error');
        assertNamesTheProblem(c.file, expected, errors.map((i) => ({ code: i.code, message: i.message, row: i.at.row ?? null, column: i.at.column ?? null })));
      });
    }
  }
});

/** The carrier's fixture with the most charges: the most shipments to spill and continue. */
function richestCase(cases: readonly { file: string; expectedFile: string; name: string }[]) {
  return [...cases].sort((a, b) => readExpected(b.expectedFile).charges.length - readExpected(a.expectedFile).charges.length)[0];
}

for (const dialect of DIALECTS) {
  describe(`golden fixtures in ${dialect}: one per carrier loaded with shipments spilled at once, one bad file quarantined`, () => {
    const t = useTestDatabase(dialect);
    let reopened = 0;

    for (const { carrier, cases } of carriersWithCases) {
      const c = richestCase(cases);
      if (c === undefined) continue;
      // spillAt 1 (with tiny read chunks) writes every shipment out as soon as another opens, so
      // rows that come back to a shipment take the continuation path; the result must be identical
      test(`${carrier.id}: ${c.name}`, async () => {
        const r = await ingestFile({ db: t.db, dataDir: t.tdb.dataDir, runId: null, spillAt: 1, readChunk: 700 }, carrier, c.file, { converter: cachedConverter() });
        assert.equal(r.status, 'loaded', r.message ?? '');
        reopened += r.shipmentsReopened;
        const k = t.db.db;
        const invoices = await k.selectFrom('invoices').selectAll().where('source_file_id', '=', r.sourceFileId).orderBy('invoice_number').execute();
        const ids = invoices.map((i) => i.id);
        const ships = ids.length === 0 ? [] : await k
          .selectFrom('shipments')
          .innerJoin('invoices', 'invoices.id', 'shipments.invoice_id')
          .selectAll('shipments')
          .select('invoices.invoice_number')
          .where('shipments.invoice_id', 'in', ids)
          .execute();
        const charges = await k
          .selectFrom('charges')
          .innerJoin('invoices', 'invoices.id', 'charges.invoice_id')
          .select(['invoices.invoice_number', 'charges.source_row', 'charges.tracking_number', 'charges.charge_code', 'charges.charge_description', 'charges.amount_minor', 'charges.incentive_minor', 'charges.adjustment_kind'])
          .where('charges.source_file_id', '=', r.sourceFileId)
          .orderBy('charges.id')
          .execute();
        const issues = await k
          .selectFrom('data_issues')
          .select(['severity', 'code', 'source_row', 'source_column'])
          .where('source_file_id', '=', r.sourceFileId)
          .where('severity', '!=', 'info')
          .orderBy('id')
          .execute();
        const expected = readExpected(c.expectedFile);
        const actual: Outcome = {
          invoices: invoices.map((i) => ({ ...pick(i, INVOICE_COLUMNS), reconciled: i.reconciled === null ? null : Boolean(i.reconciled) })),
          shipments: ships.map((s) => pick(s, [...SHIPMENT_COLUMNS, ...OPTIONAL_SHIPMENT_COLUMNS])).sort(byInvoiceThenTracking),
          charges: charges.map((x) => ({ ...x })),
          issues: issues.map((x) => ({ ...x })),
        };
        assert.deepEqual(comparable(actual, expected), expectedOutcome(expected));
        // every charge of a shipment points at it
        const unlinked = await k.selectFrom('charges').select('id').where('source_file_id', '=', r.sourceFileId).where('tracking_number', 'is not', null).where('shipment_id', 'is', null).execute();
        assert.equal(unlinked.length, 0);
      });

      const bad = badCasesOf(carrier)[0];
      if (bad !== undefined) {
        test(`${carrier.id}: bad/${bad.name} is quarantined, kept, and nothing of it loaded`, async () => {
          const expected = JSON.parse(fs.readFileSync(bad.expectedFile, 'utf8')) as BadExpected;
          const r = await ingestFile({ db: t.db, dataDir: t.tdb.dataDir, runId: null }, carrier, bad.file, { converter: cachedConverter() });
          assert.equal(r.status, 'quarantined', r.message ?? '');
          const file = await t.db.db.selectFrom('source_files').selectAll().where('id', '=', r.sourceFileId ?? -1).executeTakeFirstOrThrow();
          assert.equal(file.status, 'quarantined');
          assert.ok(fs.existsSync(file.stored_path), 'raw copy kept in the landing store');
          assert.deepEqual(fs.readFileSync(file.stored_path), fs.readFileSync(bad.file));
          const issues = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', file.id).where('severity', '=', 'error').orderBy('id').execute();
          assertNamesTheProblem(bad.file, expected, issues.map((i) => ({ code: i.code, message: i.message, row: i.source_row, column: i.source_column })));
          assert.equal(file.message, issues[0]?.message);
          const rows = await t.db.db.selectFrom('charges').select('id').where('source_file_id', '=', file.id).execute();
          assert.equal(rows.length, 0, 'nothing partial reached the data tables');
        });
      }
    }

    test('spilling reopened shipments, so the continuation path was exercised', () => {
      assert.ok(reopened > 0, `reopened ${reopened}`);
    });
  });
}
