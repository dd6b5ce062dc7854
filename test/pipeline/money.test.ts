/**
 * "Money is exact": every sum of minor units (invoice, shipment, file control total) is exact
 * however large its partial sums get, on SQLite and PostgreSQL; a total that cannot be stored
 * exactly quarantines the file with an issue naming the row; the checked-sum helpers themselves.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/db/connect.js';
import { ANALYST_VIEWS } from '../../src/db/views.js';
import { exportView } from '../../src/export/write.js';
import { addMinor, formatMinor, MAX_SAFE_MINOR, MinorTotal, safeMinorFrom, sumMinor } from '../../src/model/money.js';
import { collectReportData } from '../../src/report/data.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { ingest } from '../support/ingest.js';
import { fixtureDirOf, tempDir, UPS_FIXTURES } from '../support/paths.js';
import { rewriteCsv } from '../support/rewrite.js';

const NET = 52; // 0-based index of UPS column 53 Net Amount
const TOTAL = 10; // column 11 Invoice Amount
const INVOICE = 5; // column 6 Invoice Number
/** 2^53 - 1 cents: the largest amount that passes the per-amount check. */
const MAX = '90071992547409.91';

/** Cents of a dot-decimal amount with two decimals, exactly. */
function cents(text: string): bigint {
  const m = /^(-?)(\d+)\.(\d\d)$/.exec(text);
  if (m === null) throw new Error(`not an amount with two decimals: ${text}`);
  const v = BigInt(`${m[2]}${m[3]}`);
  return m[1] === '-' ? -v : v;
}

/** SUM(charges.amount_minor) of one source file, read exactly (PostgreSQL returns numeric text). */
async function chargeSum(db: Db, sourceFileId: number, where: 'all' | { tracking: string } = 'all'): Promise<bigint> {
  const r = await sql<{ s: unknown }>`SELECT CAST(SUM(amount_minor) AS TEXT) AS s FROM charges WHERE source_file_id = ${sourceFileId}
    ${where === 'all' ? sql`` : sql`AND tracking_number = ${where.tracking}`}`.execute(db.db);
  return BigInt(String(r.rows[0]?.s));
}

/**
 * Writes a variant of us-multipiece-inches.csv to `dest`: a new invoice number (first digit
 * `prefix`), net amounts replaced by `edits` (0-based line → amount), lines moved by `moves`
 * (0-based line → its 0-based position afterwards, applied in order), and the stated total set
 * to the exact sum of the nets. Returns that sum in cents.
 */
function upsVariant(dest: string, prefix: string, edits: Record<number, string>, moves: Record<number, number> = {}): bigint {
  const staged = `${dest}.staged`;
  let sum = 0n;
  rewriteCsv(path.join(UPS_FIXTURES, 'us-multipiece-inches.csv'), staged, ',', (f, i) => {
    f[INVOICE] = `${prefix}${(f[INVOICE] ?? '').slice(1)}`;
    f[NET] = edits[i] ?? (f[NET] as string);
    sum += cents(f[NET]);
  });
  const stated = formatMinor(sum, 'USD');
  rewriteCsv(staged, staged, ',', (f) => {
    f[TOTAL] = stated;
  });
  const lines = fs.readFileSync(staged, 'latin1').split('\r\n').filter((l) => l !== '');
  const moved = [...lines];
  for (const [from, to] of Object.entries(moves)) {
    const line = lines[Number(from)] as string;
    moved.splice(moved.indexOf(line), 1);
    moved.splice(to, 0, line);
  }
  fs.writeFileSync(dest, `${moved.join('\r\n')}\r\n`, 'latin1');
  fs.rmSync(staged);
  return sum;
}

/** Every shipment's stored total is the sum of its charges, and the invoice's is `sum`. */
async function assertShipmentsExact(db: Db, sourceFileId: number, sum: bigint): Promise<void> {
  const shipments = await db.db.selectFrom('shipments').innerJoin('invoices', 'invoices.id', 'shipments.invoice_id').select(['shipments.tracking_number', 'shipments.net_total_minor']).where('invoices.source_file_id', '=', sourceFileId).execute();
  assert.ok(shipments.length > 3);
  for (const s of shipments) {
    assert.equal(BigInt(s.net_total_minor), await chargeSum(db, sourceFileId, { tracking: s.tracking_number }), `shipment ${s.tracking_number}`);
  }
  const inv = await db.db.selectFrom('invoices').selectAll().where('source_file_id', '=', sourceFileId).executeTakeFirstOrThrow();
  assert.equal(Boolean(inv.reconciled), true);
  assert.equal(BigInt(inv.net_total_minor), sum);
  assert.equal(await chargeSum(db, sourceFileId), sum);
}

describe('money is exact: the checked-sum helpers', () => {
  test('money is exact: MinorTotal sums 2^53-1, 2, -(2^53-1), 0 to 2 where floats give 1', () => {
    const amounts = [MAX_SAFE_MINOR, 2, -MAX_SAFE_MINOR, 0];
    assert.equal(amounts.reduce((a, b) => a + b, 0), 1, 'the float sum this guards against');
    const t = new MinorTotal();
    amounts.forEach((a, i) => t.add(a, i + 1, '53 Net Amount'));
    assert.equal(t.exact(), 2n);
    assert.equal(t.safe(), 2);
    assert.equal(t.toString(), '2');
  });

  test('money is exact: a total beyond 2^53-1 is not safe and names the amount that took it there', () => {
    const t = new MinorTotal();
    t.add(MAX_SAFE_MINOR, 7, 'Net');
    assert.equal(t.safe(), MAX_SAFE_MINOR);
    assert.equal(t.leftAt, null);
    t.add(5, 8, 'Net');
    assert.equal(t.safe(), null);
    assert.equal(t.exact(), BigInt(MAX_SAFE_MINOR) + 5n);
    assert.deepEqual(t.leftAt, { row: 8, column: 'Net' });
    t.add(MAX_SAFE_MINOR, 9); // further out: exact all the way
    assert.equal(t.exact(), 2n * BigInt(MAX_SAFE_MINOR) + 5n);
    t.add(-MAX_SAFE_MINOR, 10);
    t.add(-MAX_SAFE_MINOR, 11);
    assert.equal(t.safe(), 5, 'back in range: a number again');
    const neg = new MinorTotal();
    neg.add(-MAX_SAFE_MINOR);
    neg.add(-1, 3);
    assert.equal(neg.safe(), null);
    assert.deepEqual(neg.leftAt, { row: 3 });
  });

  test('money is exact: addMinor refuses a sum a float would round, sumMinor never rounds', () => {
    assert.equal(addMinor(MAX_SAFE_MINOR - 1, 1), MAX_SAFE_MINOR);
    assert.equal(addMinor(-MAX_SAFE_MINOR, MAX_SAFE_MINOR), 0);
    assert.throws(() => addMinor(MAX_SAFE_MINOR, 2), RangeError);
    assert.throws(() => addMinor(-MAX_SAFE_MINOR, -1), RangeError);
    assert.equal(sumMinor([MAX_SAFE_MINOR, 2, -MAX_SAFE_MINOR, 0]), 2n);
    assert.equal(sumMinor([MAX_SAFE_MINOR, MAX_SAFE_MINOR, 1n]), 18014398509481983n);
  });

  test('money is exact: integers from a database are taken only when exact', () => {
    assert.equal(safeMinorFrom(42), 42);
    assert.equal(safeMinorFrom('-9007199254740991'), -MAX_SAFE_MINOR);
    assert.equal(safeMinorFrom('12.000'), 12, 'PostgreSQL numeric with a zero fraction');
    assert.equal(safeMinorFrom(12n), 12);
    // better-sqlite3 hands a SUM past 2^53 back as a rounded float: never a safe integer
    assert.equal(safeMinorFrom(9007199254740993), null);
    assert.equal(safeMinorFrom('9007199254740993'), null);
    assert.equal(safeMinorFrom(9007199254740993n), null);
    assert.equal(safeMinorFrom('12.5'), null);
    assert.equal(safeMinorFrom(1.5), null);
    assert.equal(safeMinorFrom(null), null);
  });

  test('money is exact: formatMinor formats bigint totals beyond 2^53 digit for digit', () => {
    assert.equal(formatMinor(18014398509481983n, 'EUR'), '180143985094819.83');
    assert.equal(formatMinor(-18014398509481983n, 'KWD'), '-18014398509481.983');
    assert.equal(formatMinor(-5n, 'EUR'), '-0.05');
    assert.equal(formatMinor(-1234, 'EUR'), '-12.34');
  });
});

for (const dialect of DIALECTS) {
  describe(`money is exact on ${dialect}`, () => {
    const t = useTestDatabase(dialect);
    const tmp = tempDir();
    after(() => tmp.cleanup());

    test('money is exact: net amounts 90071992547409.91, 0.02, -90071992547409.91, 0.00 stated as 0.01 do not reconcile (they sum to 0.02)', async () => {
      const file = path.join(tmp.dir, 'ups-near-2-53.csv');
      const nets = [MAX, '0.02', `-${MAX}`, '0.00'];
      rewriteCsv(path.join(UPS_FIXTURES, 'en-invoice-level-only.csv'), file, ',', (f, i) => {
        f[INVOICE] = `7${(f[INVOICE] ?? '').slice(1)}`;
        f[NET] = nets[i] as string;
        f[TOTAL] = '0.01';
      });
      const [r] = await ingest(t.db, t.tdb.dataDir, [file]);
      assert.equal(r?.status, 'loaded', r?.message ?? '');
      assert.equal(r?.unreconciled, 1, 'counted as unreconciled: the command exits 1');
      const inv = await t.db.db.selectFrom('invoices').selectAll().where('source_file_id', '=', r?.sourceFileId ?? -1).executeTakeFirstOrThrow();
      assert.equal(Boolean(inv.reconciled), false);
      assert.equal(inv.net_total_minor, 2);
      assert.equal(inv.stated_total_minor, 1);
      assert.equal(await chargeSum(t.db, inv.source_file_id), BigInt(inv.net_total_minor), 'SUM(charges.amount_minor) = the stored net total');
      const issues = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', inv.source_file_id).where('code', '=', 'total_mismatch').execute();
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.source_row, 1);
      assert.match(issues[0]?.message ?? '', /^ups-near-2-53\.csv, row 1: invoice 7\d+ does not reconcile: its charges sum to 0\.02 GBP but the invoice states 0\.01 GBP \(difference 0\.01\)$/);
    });

    test('money is exact: an invoice whose charges sum beyond 2^53-1 minor units is quarantined, naming the row and column that took it there', async () => {
      const file = path.join(tmp.dir, 'ups-beyond-2-53.csv');
      const nets = [MAX, '0.01', '0.00', '0.00'];
      rewriteCsv(path.join(UPS_FIXTURES, 'en-invoice-level-only.csv'), file, ',', (f, i) => {
        f[INVOICE] = `6${(f[INVOICE] ?? '').slice(1)}`;
        f[NET] = nets[i] as string;
      });
      const [r] = await ingest(t.db, t.tdb.dataDir, [file]);
      assert.equal(r?.status, 'quarantined');
      const issues = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', r?.sourceFileId ?? -1).where('code', '=', 'bad_amount').execute();
      assert.equal(issues.length, 1, JSON.stringify(issues));
      assert.equal(issues[0]?.source_row, 2);
      assert.equal(issues[0]?.source_column, '53 Net Amount');
      assert.match(issues[0]?.message ?? '', /^ups-beyond-2-53\.csv, row 2, column 53 Net Amount: invoice 6\d+: its charges sum to 90071992547409\.92 GBP, beyond ±90071992547409\.91/);
      const loaded = await t.db.db.selectFrom('invoices').select('id').where('source_file_id', '=', r?.sourceFileId ?? -1).execute();
      assert.equal(loaded.length, 0, 'nothing of the file reached the data tables');
    });

    test("money is exact: a shipment's total equals the sum of its charges when its running sum passes 2^53 and comes back", async () => {
      // Shipment 1ZHHE52X0307368747 (rows 4-6 here) gets MAX, 0.02, -MAX: exact 0.02 where floats
      // give 0.01. The invoice's own running sum stays in range (row 1 takes it down by MAX, the
      // last shipment's row 35 brings it back), so only the shipment sum is at risk.
      const file = path.join(tmp.dir, 'ups-shipment-near-2-53.csv');
      const sum = upsVariant(file, '5', { 0: `-${MAX}`, 3: MAX, 4: '0.02', 5: `-${MAX}`, 34: MAX, 35: '0.00', 36: '0.00' });
      const [r] = await ingest(t.db, t.tdb.dataDir, [file]);
      assert.equal(r?.status, 'loaded', r?.message ?? '');
      assert.equal(r?.unreconciled, 0, 'the invoice reconciles to its stated total');
      await assertShipmentsExact(t.db, r?.sourceFileId ?? -1, sum);
    });

    test('money is exact: a shipment whose charges sum beyond 2^53-1 is quarantined, naming the row', async () => {
      // rows 1-2 of shipment 1ZHHE52X0329440223 both MAX; rows 4-5 of the next shipment both -MAX,
      // so the invoice's total is back in range and only the shipments' totals are not
      const file = path.join(tmp.dir, 'ups-shipment-beyond-2-53.csv');
      const edits: Record<number, string> = { 0: MAX, 1: MAX, 3: `-${MAX}`, 4: `-${MAX}` };
      rewriteCsv(path.join(UPS_FIXTURES, 'us-multipiece-inches.csv'), file, ',', (f, i) => {
        f[INVOICE] = `4${(f[INVOICE] ?? '').slice(1)}`;
        f[NET] = edits[i] ?? (f[NET] as string);
      });
      const [r] = await ingest(t.db, t.tdb.dataDir, [file]);
      assert.equal(r?.status, 'quarantined');
      const issues = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', r?.sourceFileId ?? -1).where('code', '=', 'bad_amount').orderBy('source_row').execute();
      assert.deepEqual(issues.map((i) => [i.source_row, i.source_column]), [[2, '53 Net Amount'], [5, '53 Net Amount']]);
      assert.match(issues[0]?.message ?? '', /row 2, column 53 Net Amount: shipment 1ZHHE52X0329440223: its charges sum to 180143985094823\.41 USD, beyond ±90071992547409\.91/);
    });

    test('money is exact: a shipment continued after being written (spilled) adds its parts exactly in the database', async () => {
      // Rows 2 and 3 of shipment 1ZHHE52X0329440223 moved to the middle and the end of the file:
      // with spilling at one open shipment, the shipment is written after row 1, then continued
      // twice by an UPDATE that adds in SQL. Parts MAX, 0.02, -MAX: exact 0.02; a float add in
      // the database (SQLite binds JS numbers as REAL) stores 0.01.
      const file = path.join(tmp.dir, 'ups-continued-near-2-53.csv');
      const sum = upsVariant(file, '3', { 0: MAX, 1: '0.02', 2: `-${MAX}` }, { 1: 20, 2: 36 });
      const [r] = await ingest(t.db, t.tdb.dataDir, [file], 'ups', 1);
      assert.equal(r?.status, 'loaded', r?.message ?? '');
      assert.ok((r?.shipmentsReopened ?? 0) >= 2, `the moved rows continued a written shipment (${r?.shipmentsReopened})`);
      assert.equal(r?.unreconciled, 0);
      await assertShipmentsExact(t.db, r?.sourceFileId ?? -1, sum);
    });

    test('money is exact: a spilled shipment whose parts sum beyond 2^53-1 in the database is quarantined, naming the row', async () => {
      // row 2 moved to the end: two parts of 2^52 cents (+3.59), each safe, their sum not; rows 4
      // and 33 (two other shipments) take 2^52 cents off each, so the invoice stays in range
      const half = '45035996273704.96';
      const file = path.join(tmp.dir, 'ups-continued-beyond-2-53.csv');
      upsVariant(file, '2', { 0: half, 1: half, 3: `-${half}`, 32: `-${half}` }, { 1: 36 });
      const [r] = await ingest(t.db, t.tdb.dataDir, [file], 'ups', 1);
      assert.equal(r?.status, 'quarantined', 'the summed total cannot be stored exactly');
      const issues = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', r?.sourceFileId ?? -1).where('code', '=', 'bad_amount').execute();
      assert.equal(issues.length, 1, JSON.stringify(issues));
      assert.equal(issues[0]?.source_row, 37, 'the moved row, now the last line');
      assert.match(issues[0]?.message ?? '', /shipment 1ZHHE52X0329440223: its charges sum to 90071992547413\.51 USD, beyond ±90071992547409\.91/);
      const kept = await t.db.db.selectFrom('shipments').innerJoin('invoices', 'invoices.id', 'shipments.invoice_id').select('shipments.id').where('invoices.source_file_id', '=', r?.sourceFileId ?? -1).execute();
      assert.equal(kept.length, 0, 'rolled back: nothing of the file stays');
    });

    test("money is exact: a file's control total (SAP BEx Overall Result) is compared with the exact sum of its invoices", async () => {
      // three invoices of MAX, 0.02 and -MAX: floats sum them to 0.01, which the Overall Result
      // states; exactly they sum to 0.02
      const src = path.join(fixtureDirOf('royal-mail'), 'bex-export-no-title.csv');
      const file = path.join(tmp.dir, 'bex-near-2-53.csv');
      let overallRow = 0;
      const invoices: string[] = [];
      rewriteCsv(src, file, ',', (f, i) => {
        if (f[0] === 'Overall Result') {
          overallRow = i + 1;
          f[32] = '0.01';
          return;
        }
        if (!/^\d{10}$/.test(f[3] ?? '')) return;
        // invoice 9042009157 (rows 3-7), 9062508025 (row 8), and rows 9-10 as a third invoice
        const n = i - 2;
        f[3] = `${n >= 6 ? '6' : '7'}${(f[3] ?? '').slice(1)}`;
        f[32] = n === 0 ? MAX : n === 5 ? '0.02' : n === 6 ? `-${MAX}` : '0.00';
        invoices.push(f[3]);
      });
      assert.ok(overallRow > 0);
      assert.equal(new Set(invoices).size, 3, `three invoices: ${invoices.join(' ')}`);
      const [r] = await ingest(t.db, t.tdb.dataDir, [file], 'royal-mail');
      assert.equal(r?.status, 'loaded', r?.message ?? '');
      assert.equal(r?.unreconciled, 1, 'the control total does not match');
      const issues = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', r?.sourceFileId ?? -1).where('code', '=', 'total_mismatch').execute();
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.source_row, overallRow);
      assert.match(issues[0]?.message ?? '', /the charges of the file sum to 0\.02 GBP but its Overall Result states 0\.01 GBP \(difference 0\.01\)/);
      assert.equal(await chargeSum(t.db, r?.sourceFileId ?? -1), 2n);
    });
  });

  // a database of its own: the sums of the other tests' files stay out of its views
  describe(`money is exact in views, exports and the report on ${dialect}`, () => {
    const v = useTestDatabase(dialect);
    const tmp = tempDir();
    after(() => tmp.cleanup());

    test('money is exact: a view sum near 2^53 is exported digit for digit, and the report refuses to show it rounded', async () => {
      // two invoices of one account and month, each with a 45035996273704.95 weekly service
      // charge: spend_by_month sums them to 90071992547409.90, which a float turns into ...409.9062
      const half = (prefix: string): string => {
        const file = path.join(tmp.dir, `ups-half-${prefix}.csv`);
        rewriteCsv(path.join(UPS_FIXTURES, 'en-invoice-level-only.csv'), file, ',', (f, i) => {
          f[INVOICE] = `${prefix}${(f[INVOICE] ?? '').slice(2)}`;
          if (i === 0) f[NET] = '45035996273704.95';
          f[TOTAL] = '';
        });
        return file;
      };
      const results = await ingest(v.db, v.tdb.dataDir, [half('11'), half('12')]);
      assert.deepEqual(results.map((r) => r.status), ['loaded', 'loaded'], results.map((r) => r.message).join('; '));
      const out = path.join(tmp.dir, `spend-${dialect}.csv`);
      await exportView(v.db, ANALYST_VIEWS.spend_by_month, 'csv', out);
      const lines = fs.readFileSync(out, 'utf8').replace(/^\uFEFF/, '').split('\r\n');
      const header = (lines[0] ?? '').split(',');
      const big = lines.map((l) => l.split(',')).filter((f) => f[header.indexOf('amount_minor')] === '9007199254740990');
      assert.equal(big.length, 1, 'one spend_by_month row holds both charges');
      assert.equal(big[0]?.[header.indexOf('amount')], '90071992547409.90');
      // the page re-adds amounts in JavaScript numbers: past 2^53 in all it is refused, not rounded
      await assert.rejects(collectReportData(v.db, { generatedAt: new Date(), chartLibrary: { name: 'x', version: '0' } }), /report: .*±9007199254740991/);
      // a third such charge: the month's sum passes 2^53 and the export stops rather than write it rounded
      assert.equal((await ingest(v.db, v.tdb.dataDir, [half('13')]))[0]?.status, 'loaded');
      const beyond = path.join(tmp.dir, `spend-beyond-${dialect}.csv`);
      await assert.rejects(exportView(v.db, ANALYST_VIEWS.spend_by_month, 'csv', beyond), /amount_minor: expected an integer|exceeds 2\^53/);
      assert.equal(fs.existsSync(beyond), false, 'no file written');
    });
  });
}
