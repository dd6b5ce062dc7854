/**
 * The carrier template (carriers/_template) is a working starting point: its CSV layout and its
 * workbook layout parse through the kit (header by name in any order, title rows above a sheet's
 * header, amount columns melted into charges named by their header), and a header missing a
 * required column names it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as XLSX from 'xlsx';
import { template } from '../../carriers/_template/index.js';
import type { ParseBatch, ParseInput } from '../../src/carrier-kit/contract.js';
import { tempDir } from '../support/paths.js';
import { textInput, textSample } from '../support/parse-input.js';

async function collect(input: ParseInput): Promise<ParseBatch[]> {
  const out: ParseBatch[] = [];
  for await (const b of template.parse(input)) out.push(b);
  return out;
}

const CSV = [
  'Charge;Amount;Invoice Date;Invoice Number;Tracking Number;Weight;Currency;Remark',
  'Freight;12.50;2025-03-08;INV-1;TRK-1;2.5;EUR;x',
  '"Fuel; 16 %";2.06;2025-03-08;INV-1;TRK-1;;EUR;',
  'Invoice fee;1.00;2025-03-08;INV-1;;;EUR;',
  '',
].join('\n');

describe('carrier template', () => {
  const tmp = tempDir('etl-template-');
  after(() => tmp.cleanup());

  test('CSV layout: columns in any order, a quoted `;`, rows without tracking number are invoice-level', async () => {
    assert.ok(template.detect(textSample(CSV)) >= 0.8);
    const batches = await collect(textInput(CSV));
    assert.deepEqual(batches.flatMap((b) => b.issues), []);
    const lines = batches.flatMap((b) => b.lines);
    assert.deepEqual(lines.map((l) => [l.row, l.charges[0]?.description, l.charges[0]?.amount, l.shipment?.trackingNumber ?? null, l.shipment?.packageRow ?? null]), [
      [2, 'Freight', '12.50', 'TRK-1', true],
      [3, 'Fuel; 16 %', '2.06', 'TRK-1', false],
      [4, 'Invoice fee', '1.00', null, null],
    ]);
    assert.equal(lines[0]?.columns.description, 'Charge');
  });

  test('CSV layout: a header missing a required column is wrong_format naming the field and its names', async () => {
    const batches = await collect(textInput(CSV.replace('Amount', 'Betrag netto')));
    const [i] = batches.flatMap((b) => b.issues);
    assert.equal(i?.code, 'wrong_format');
    assert.match(i?.message ?? '', /no column for amount \(tried "Amount", "Net Amount", "Betrag"\)/);
  });

  test('workbook layout: a title above the header, amount columns become charges named by their header', async () => {
    const rows = [
      ['Parcel invoice March'],
      [],
      ['Tracking Number', 'Invoice Number', 'Invoice Date', 'Weight (kg)', 'Freight', 'Fuel Surcharge'],
      ['TRK-1', 'INV-9', '2025-03-31', 2.5, 10.5, 1.73],
      ['TRK-2', 'INV-9', '2025-03-31', 1, 7, ''],
    ];
    const file = path.join(tmp.dir, 'template.xlsx');
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), 'Invoice');
    fs.writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    const input: ParseInput = { file: 'template.xlsx', kind: 'workbook', path: file, encoding: 'utf8', bytes: 0, head: '', chunks: async function* () {} };
    assert.ok(template.detect({ name: 'template.xlsx', kind: 'workbook', head: rows.map((r) => r.join('\t')).join('\n') }) >= 0.8);
    const batches = await collect(input);
    assert.deepEqual(batches.flatMap((b) => b.issues), []);
    const lines = batches.flatMap((b) => b.lines);
    assert.deepEqual(lines.map((l) => [l.sheet, l.row, l.invoice.number, l.shipment?.trackingNumber, l.charges.map((c) => [c.description, c.amount, c.column])]), [
      ['Invoice', 4, 'INV-9', 'TRK-1', [['Freight', '10.5', 'Freight'], ['Fuel Surcharge', '1.73', 'Fuel Surcharge']]],
      ['Invoice', 5, 'INV-9', 'TRK-2', [['Freight', '7', 'Freight']]],
    ]);
    assert.equal(lines[0]?.invoice.currency, 'EUR');
  });

  test('the definition is frozen deeply (charge map included)', () => {
    assert.ok(Object.isFrozen(template));
    assert.ok(Object.isFrozen(template.charges.labels));
    assert.ok(Object.isFrozen(template.charges.labels[0]));
  });
});
