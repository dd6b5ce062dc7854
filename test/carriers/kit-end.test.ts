/**
 * The carrier kit's `end` hook (added for DSV's printed invoice): a layout may hold its lines
 * until the file has been read, when a total printed below them is known, and report what only
 * the whole file shows. Guarded here on a CSV layout (the printed invoice guards the workbook
 * path in dsv.test.ts): held lines keep their own physical rows, the batch carries them, and a
 * file without its total row gets a file-level issue and no lines.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineCarrier, defineLayout } from '../../src/carrier-kit/index.js';
import type { ParseBatch } from '../../src/carrier-kit/contract.js';
import { textInput } from '../support/parse-input.js';

interface Held {
  readonly lines: { row: number; text: string; amount: string }[];
  total: string | null;
}

const footed = defineLayout<'text' | 'amount', Held>({
  id: 'footed',
  name: 'footed CSV',
  header: { columns: { text: ['Text'], amount: ['Amount'] }, required: ['text', 'amount'] },
  detect: { confidence: 0.9 },
  state: () => ({ lines: [], total: null }),
  toLines(r, s) {
    if (r.get('text') === 'Total') s.total = r.get('amount');
    else s.lines.push({ row: r.row, text: r.get('text'), amount: r.get('amount') });
    return null;
  },
  end(s, file) {
    const total = s.total;
    if (total === null) {
      file.issue('error', 'missing_value', 'Total', 'no total row');
      return null;
    }
    return s.lines.map((l) => ({ row: l.row, invoice: { number: '1', date: '2025-01-01', statedTotal: total }, labels: { statedTotal: 'Total' }, charges: [{ description: l.text, amount: l.amount, field: 'amount' }] }));
  },
});

const carrier = defineCarrier({
  id: 'footed',
  name: 'Footed',
  locale: { number: { decimal: '.', thousands: '' }, dateFormats: ['YYYY-MM-DD'], defaultCurrency: 'EUR' },
  charges: { labels: [] },
  volumetricDivisors: [],
  layouts: [footed],
});

async function parse(text: string): Promise<ParseBatch[]> {
  const out: ParseBatch[] = [];
  for await (const b of carrier.parse(textInput(text, 5))) out.push(b);
  return out;
}

describe('carrier kit: lines held to the end of the file', () => {
  test('held lines keep their own rows and learn the total printed below them', async () => {
    for (const text of ['Text,Amount\nFreight,10\nFuel,2\nTotal,12\n', 'Text,Amount\r\nFreight,10\r\n"Fuel\r\nsurcharge",2\r\nTotal,12']) {
      const lines = (await parse(text)).flatMap((b) => b.lines);
      assert.deepEqual(lines.map((l) => [l.row, l.charges[0]?.amount, l.invoice.statedTotal, l.columns.statedTotal, l.charges[0]?.column]), [
        [2, '10', '12', 'Total', 'Amount'],
        [3, '2', '12', 'Total', 'Amount'],
      ]);
    }
  });

  test('a file without its total row: one file-level issue naming the column, no lines', async () => {
    for (const text of ['Text,Amount\nFreight,10\nFuel,2\n', 'Text,Amount\n']) {
      const batches = await parse(text);
      assert.deepEqual(batches.flatMap((b) => b.lines), []);
      assert.deepEqual(batches.flatMap((b) => b.issues).map((i) => [i.code, i.at.file, i.at.row, i.at.column]), [['missing_value', 'x.csv', undefined, 'Total']]);
    }
  });
});
