/**
 * Carrier kit options that only some carriers use (DHL Express first), checked on a small
 * layout of their own so the promise does not hang on one carrier's data: a header graded by
 * the fields it names, missing required columns reported one by one at the column, and a line
 * naming the columns its values came from.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineCarrier, defineLayout } from '../../src/carrier-kit/index.js';
import type { ParseBatch, RawLine } from '../../src/carrier-kit/contract.js';
import type { Issue } from '../../src/model/issue.js';
import { textInput, textSample } from '../support/parse-input.js';

const COLUMNS = {
  kind: ['Kind', 'Art'],
  invoice: ['Invoice', 'Rechnung'],
  date: ['Date', 'Datum'],
  parcel: ['Parcel', 'Paket'],
  amount: ['Amount', 'Betrag'],
  ownVolume: ['Own Volume'],
  theirVolume: ['Their Volume'],
} as const;
type F = keyof typeof COLUMNS;

function carrier(missing: 'header' | 'each' | undefined, graded: boolean) {
  const layout = defineLayout<F, undefined>({
    id: 'sample',
    name: 'Sample CSV',
    delimiters: [';'],
    header: { columns: COLUMNS, required: ['kind', 'invoice', 'date', 'amount'], ...(missing === undefined ? {} : { missing }) },
    labels: { invoiceNumber: 'invoice', invoiceDate: 'date', trackingNumber: 'parcel', volumetricWeight: 'ownVolume' },
    detect: {
      confidence: 0.9,
      lookalikes: [{ firstCell: ['SUM'], is: 'a Sample summary file' }],
      // a header naming Kind is ours; how sure depends on how many of our names it has
      ...(graded ? { signature: (h: { has(f: F): boolean }) => (!h.has('kind') ? 0 : (['invoice', 'parcel', 'amount'] as const).filter((f) => h.has(f)).length / 3) } : {}),
    },
    toLines(r) {
      const byTheirs = r.get('ownVolume') === '' && r.get('theirVolume') !== '';
      return {
        invoice: { number: r.get('invoice'), date: r.get('date') },
        shipment: { trackingNumber: r.get('parcel'), volumetricWeight: byTheirs ? r.get('theirVolume') : r.get('ownVolume') },
        charges: [{ description: 'Freight', amount: r.get('amount'), field: 'amount' }],
        ...(byTheirs ? { labels: { volumetricWeight: r.label('theirVolume') } } : {}),
      };
    },
  });
  return defineCarrier({
    id: 'sample',
    name: 'Sample',
    charges: { labels: [['Freight', 'freight']] },
    locale: { number: { decimal: '.', thousands: '' }, dateFormats: ['YYYY-MM-DD'], defaultCurrency: 'EUR' },
    volumetricDivisors: [],
    layouts: [layout],
  });
}

async function parse(c: ReturnType<typeof carrier>, text: string): Promise<{ lines: RawLine[]; issues: Issue[] }> {
  const lines: RawLine[] = [];
  const issues: Issue[] = [];
  for await (const b of c.parse(textInput(text)) as AsyncIterable<ParseBatch>) {
    lines.push(...b.lines);
    issues.push(...b.issues);
  }
  return { lines, issues };
}

describe('carrier kit: graded header detection', () => {
  const graded = carrier(undefined, true);

  test('a header layout with a signature scores confidence × its grade, even when a required column is missing', () => {
    assert.equal(graded.detect(textSample('Kind;Invoice;Date;Parcel;Amount\n')), 0.9);
    // no Amount: still this layout's header (two of three names), so detection claims it for the parse to say what is missing
    assert.equal(graded.detect(textSample('Art;Rechnung;Datum;Paket\n')), 0.9 * (2 / 3));
    // no Kind: graded 0, not ours however many names match
    assert.equal(graded.detect(textSample('Invoice;Date;Parcel;Amount\n')), 0);
  });

  test('without a signature a header missing a required column stays doubtful (below the engine threshold)', () => {
    const plain = carrier(undefined, false);
    assert.equal(plain.detect(textSample('Kind;Invoice;Date;Parcel;Amount\n')), 0.9);
    assert.ok(plain.detect(textSample('Art;Rechnung;Datum;Paket\n')) < 0.5);
  });
});

describe('carrier kit: missing required columns', () => {
  const text = 'Kind;Parcel;Invoice\nS;P1;INV-1\n';

  test('`missing: each` reports one wrong_format per missing column, at that column, with the names tried', async () => {
    const { lines, issues } = await parse(carrier('each', true), text);
    assert.deepEqual(lines, []);
    assert.deepEqual(issues.map((i) => [i.severity, i.code, i.at.row, i.at.column]), [
      ['error', 'wrong_format', 1, 'Date'],
      ['error', 'wrong_format', 1, 'Amount'],
    ]);
    assert.match(issues[1]?.message ?? '', /no "Amount" column \(tried "Amount", "Betrag"/);
  });

  test('by default one wrong_format for the header names every missing field, without a column', async () => {
    const { issues } = await parse(carrier(undefined, true), text);
    assert.deepEqual(issues.map((i) => [i.code, i.at.row, i.at.column]), [['wrong_format', 1, undefined]]);
    assert.match(issues[0]?.message ?? '', /no column for date \(tried "Date", "Datum"\); amount \(tried "Amount", "Betrag"\)/);
  });

  test('a header that is not the layout\'s (graded 0) is one wrong_format, even with `missing: each`', async () => {
    const { issues } = await parse(carrier('each', true), 'Invoice;Date;Parcel\n1;2;3\n');
    assert.deepEqual(issues.map((i) => [i.code, i.at.row, i.at.column]), [['wrong_format', 1, undefined]]);
    assert.match(issues[0]?.message ?? '', /no Sample CSV header/);
  });

  test('a lookalike file (told by its first cell) is refused with what it is instead', async () => {
    const { issues } = await parse(carrier('each', true), 'sum;2025-01-02;12.00\nrow;a;b\n');
    assert.deepEqual(issues.map((i) => [i.code, i.at.row, i.at.column]), [['wrong_format', 1, undefined]]);
    assert.match(issues[0]?.message ?? '', /this is a Sample summary file, not a Sample CSV/);
  });
});

describe('carrier kit: a line names the columns its values came from', () => {
  test('`labels` on a line override the layout\'s for that line only; lines without keep the layout\'s', async () => {
    const text = ['Kind;Invoice;Date;Parcel;Amount;Own Volume;Their Volume', 'S;I1;2025-01-02;P1;1.00;2.5;', 'S;I1;2025-01-02;P2;1.00;;3.1', 'S;I1;2025-01-02;P3;1.00;;4.2', ''].join('\n');
    const { lines, issues } = await parse(carrier(undefined, true), text);
    assert.deepEqual(issues, []);
    assert.deepEqual(lines.map((l) => [l.shipment?.volumetricWeight, l.columns.volumetricWeight, l.columns.invoiceNumber]), [
      ['2.5', 'Own Volume', 'Invoice'],
      ['3.1', 'Their Volume', 'Invoice'],
      ['4.2', 'Their Volume', 'Invoice'],
    ]);
  });
});
