/**
 * DHL Express MyBill parser rules that the golden fixtures do not pin down one by one: header
 * resolution, the I/S row roles, how each amount column becomes (or does not become) a charge
 * line, fee rows, and detection against other carriers' first lines.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dhl } from '../../carriers/dhl/index.js';
import { DHL_CHARGES } from '../../carriers/dhl/charges.js';
import type { FileSample, ParseBatch, ParseInput, RawLine } from '../../src/carrier-kit/contract.js';
import type { Issue } from '../../src/model/issue.js';
import { createChargeClassifier } from '../../src/pipeline/clean.js';
import { DHL_COLUMNS, spacelessName } from '../../fixtures/generate/dhl-columns.js';
import { DHL_XC } from '../../fixtures/generate/dhl-charges.js';

function inputOf(text: string, file = 'dhl.csv'): ParseInput {
  return {
    file,
    kind: 'text',
    path: '/dev/null',
    encoding: 'utf8',
    bytes: Buffer.byteLength(text),
    head: text.slice(0, 65_536),
    async *chunks() {
      // two chunks, split mid-row, to cover the streaming reader
      const cut = Math.floor(text.length / 2);
      yield text.slice(0, cut);
      yield text.slice(cut);
    },
  };
}

async function parse(text: string): Promise<{ lines: RawLine[]; issues: Issue[] }> {
  const lines: RawLine[] = [];
  const issues: Issue[] = [];
  for await (const b of dhl.parse(inputOf(text)) as AsyncIterable<ParseBatch>) {
    lines.push(...b.lines);
    issues.push(...b.issues);
  }
  return { lines, issues };
}

const INVOICE: Record<string, string> = {
  'Billing Source': 'GB-TD', 'Invoice Number': 'LHRIR00000001', 'Invoice Date': '20250607', 'Billing Account': '130000001', Currency: 'GBP',
};

/** A 153-field row: the named cells, unused XC slots as `0,0,0,0,0,,0`. */
function row(cells: Record<string, string>): string[] {
  const f = DHL_COLUMNS.map(() => '');
  for (const [name, value] of Object.entries(cells)) {
    const i = DHL_COLUMNS.indexOf(name);
    assert.ok(i >= 0, name);
    f[i] = value;
  }
  for (let n = 1; n <= 9; n++) {
    if (f[DHL_COLUMNS.indexOf(`XC${n} Code`)] !== '') continue;
    for (const part of ['Code', 'Name', 'Charge', 'Tax Code', 'Tax', 'Total']) f[DHL_COLUMNS.indexOf(`XC${n} ${part}`)] = '0';
  }
  return f;
}

const I = (total: string, extra: Record<string, string> = {}): string[] => row({ ...INVOICE, 'Line Type': 'I', 'Total amount (excl. VAT)': total, ...extra });
const S = (awb: string, cells: Record<string, string>): string[] =>
  row({ ...INVOICE, 'Line Type': 'S', 'Shipment Number': awb, 'Shipment Date': '20250602', Product: 'P', 'Product Name': 'EXPRESS WORLDWIDE nondoc', Pieces: '1', 'Weight (kg)': '2.0', ...cells });

function file(rows: readonly string[][], delimiter = ',', header: readonly string[] = DHL_COLUMNS): string {
  return [header, ...rows].map((r) => `${r.join(delimiter)}\n`).join('');
}

describe('DHL Express parser', () => {
  test('the I row states the total of the S rows after it and is never a charge or a shipment', async () => {
    const { lines, issues } = await parse(file([I('30.00', { 'Weight Charge': '25.00' }), S('0123456789', { 'Weight Charge': '25.00', 'XC1 Code': 'FF', 'XC1 Name': 'FUEL SURCHARGE', 'XC1 Charge': '5.00' })]));
    assert.deepEqual(issues, []);
    const [iLine, sLine] = lines;
    assert.ok(iLine && sLine);
    assert.equal(iLine.row, 2);
    assert.equal(iLine.shipment, null);
    assert.deepEqual(iLine.charges, []);
    assert.equal(iLine.invoice.statedTotal, '30.00');
    assert.equal(sLine.invoice.statedTotal, '30.00');
    assert.equal(sLine.shipment?.trackingNumber, '0123456789', 'AWB stays text with its leading zero');
    assert.deepEqual(sLine.charges.map((c) => [c.description, c.code, c.classification, c.amount, c.column]), [
      ['EXPRESS WORLDWIDE nondoc', '', 'WEIGHT', '25.00', 'Weight Charge'],
      ['FUEL SURCHARGE', 'FF', '', '5.00', 'XC1 Charge'],
    ]);
  });

  test('each invoice of a concatenated file gets its own I row total; an S row before any I row states none', async () => {
    const second = { 'Invoice Number': 'LHRIR00000002' };
    const { lines } = await parse(file([
      S('1111111111', { 'Invoice Number': 'LHRIR00000009', 'Weight Charge': '1.00' }),
      I('10.00'), S('2222222222', { 'Weight Charge': '10.00' }),
      I('20.00', second), S('3333333333', { ...second, 'Weight Charge': '20.00' }),
    ]));
    assert.deepEqual(lines.map((l) => [l.row, l.invoice.number, l.invoice.statedTotal]), [
      [2, 'LHRIR00000009', ''], [3, 'LHRIR00000001', '10.00'], [4, 'LHRIR00000001', '10.00'], [5, 'LHRIR00000002', '20.00'], [6, 'LHRIR00000002', '20.00'],
    ]);
  });

  test('amount columns: invoice fee, other charges, discounts as reductions, XC slots with discounts; zeros are no lines', async () => {
    const { lines } = await parse(file([I('0'), S('1234567890', {
      'Invoice Fee': '2.50',
      'Weight Charge': '40.00',
      'Other Charges 1': 'Lagergebühr', 'Other Charges 1 Amount': '12.00',
      'Other Charges 2': '', 'Other Charges 2 Amount': '3.00',
      'Discount 1': 'Kundenrabatt', 'Discount 1 Amount': '5.00',
      'Discount 2': '', 'Discount 2 Amount': '-1.50',
      'Discount 3': 'X', 'Discount 3 Amount': '0.00',
      'XC1 Code': 'NX', 'XC1 Name': 'DEMAND SURCHARGE', 'XC1 Charge': '0.00', 'XC1 Total': '0.00',
      'XC3 Code': 'FF', 'XC3 Name': 'FUEL SURCHARGE', 'XC3 Charge': '9.00', 'XC3 Discount': '1.00',
      'XC4 Code': 'OO', 'XC4 Name': '0', 'XC4 Charge': '25.00', 'XC4 Discount': '0',
    })]));
    const s = lines[1];
    assert.ok(s);
    assert.deepEqual(s.charges.map((c) => [c.description, c.code, c.classification, c.amount, c.incentive, c.column]), [
      ['Invoice Fee', '', 'INVOICE_FEE', '2.50', '', 'Invoice Fee'],
      ['EXPRESS WORLDWIDE nondoc', '', 'WEIGHT', '40.00', '', 'Weight Charge'],
      ['Lagergebühr', '', 'OTHER', '12.00', '', 'Other Charges 1 Amount'],
      ['Other Charges 2', '', 'OTHER', '3.00', '', 'Other Charges 2 Amount'],
      ['Kundenrabatt', '', 'DISCOUNT', '-5.00', '', 'Discount 1 Amount'],
      ['Discount 2', '', 'DISCOUNT', '-1.50', '', 'Discount 2 Amount'],
      ['FUEL SURCHARGE', 'FF', '', '9.00', '1.00', 'XC3 Charge'],
      ['OO', 'OO', '', '25.00', '', 'XC4 Charge'],
    ]);
  });

  test('a fee row (weight 0.0) is not a package row: no weights, no pieces, lower service rank', async () => {
    const { lines } = await parse(file([I('0'),
      S('1234567890', { 'Weight Charge': '40.00', 'Cust Scale Weight (A)': '1.2', 'DHL Vol Weight (W)': '1.51', 'Cust Vol Weight (V)': '0.8', Dimensions: '30x20x10', Pieces: '2' }),
      S('1234567890', { 'Weight Charge': '0.00', 'Weight (kg)': '0.0', 'Cust Scale Weight (A)': '0.0', Pieces: '2', 'XC1 Code': 'MA', 'XC1 Name': 'ADDRESS CORRECTION', 'XC1 Charge': '11.00' }),
    ]));
    const [pkg, fee] = [lines[1]?.shipment, lines[2]?.shipment];
    assert.ok(pkg && fee);
    assert.deepEqual(
      [pkg.packageRow, pkg.packageCount, pkg.enteredWeight, pkg.billedWeight, pkg.weightUnit, pkg.volumetricWeight, pkg.dimensions, pkg.dimensionUnit, pkg.serviceRank],
      [true, '2', '1.2', '2.0', 'kg', '1.51', '30x20x10', 'cm', 2],
    );
    assert.deepEqual(
      [fee.packageRow, fee.packageCount, fee.enteredWeight, fee.billedWeight, fee.weightUnit, fee.volumetricWeight, fee.dimensions, fee.serviceRank],
      [false, '0', '', '', '', '', '', 1],
    );
    assert.deepEqual(lines[2]?.charges.map((c) => c.code), ['MA']);
  });

  test('volumetric weight: DHL (W) first, the customer (V) when DHL measured none; a 0.0 entered weight is empty', async () => {
    const { lines } = await parse(file([I('0'), S('1234567890', { 'Cust Scale Weight (A)': '0.0', 'DHL Vol Weight (W)': '0.0', 'Cust Vol Weight (V)': '3.2' })]));
    const s = lines[1];
    assert.equal(s?.shipment?.volumetricWeight, '3.2');
    assert.equal(s?.shipment?.enteredWeight, '');
    assert.equal(s?.columns.volumetricWeight, 'Cust Vol Weight (V)');
  });

  test('headers match without spaces and in any case, in any order, with semicolons', async () => {
    const spaceless = DHL_COLUMNS.map((n) => spacelessName(n).toUpperCase());
    assert.equal(spaceless[DHL_COLUMNS.indexOf('Total amount (excl. VAT)')], 'TOTAL AMOUNT(EXCL.VAT)');
    const rows = [I('7.00'), S('1234567890', { 'Weight Charge': '7.00' })];
    // reverse every row: the parser must go by name, not position
    const { lines, issues } = await parse(file(rows.map((r) => [...r].reverse()), ';', [...spaceless].reverse()));
    assert.deepEqual(issues, []);
    assert.equal(lines[1]?.invoice.statedTotal, '7.00');
    assert.equal(lines[1]?.shipment?.billedWeight, '2.0');
    assert.equal(lines[1]?.columns.statedTotal, 'TOTAL AMOUNT(EXCL.VAT)', 'messages use the file spelling');
  });

  test('a header with only XC1..XC7 still reads its slots', async () => {
    const keep = DHL_COLUMNS.map((n, i) => (/^XC[89] /.test(n) ? -1 : i)).filter((i) => i >= 0);
    const cut = (r: readonly string[]): string[] => keep.map((i) => r[i] ?? '');
    const { lines, issues } = await parse(file([cut(I('8.00')), cut(S('1234567890', { 'Weight Charge': '5.00', 'XC7 Code': 'RD', 'XC7 Name': 'MAUT', 'XC7 Charge': '3.00' }))], ',', cut(DHL_COLUMNS)));
    assert.deepEqual(issues, []);
    assert.deepEqual(lines[1]?.charges.map((c) => [c.code, c.column]), [['', 'Weight Charge'], ['RD', 'XC7 Charge']]);
  });

  test('missing required columns: one wrong_format per column, naming it', async () => {
    const header = DHL_COLUMNS.map((n) => (n === 'Shipment Number' ? 'AWB' : n === 'Weight Charge' ? 'Freight' : n));
    const { lines, issues } = await parse(file([I('0')], ',', header));
    assert.deepEqual(lines, []);
    assert.deepEqual(issues.map((i) => [i.severity, i.code, i.at.row, i.at.column]), [
      ['error', 'wrong_format', 1, 'Shipment Number'],
      ['error', 'wrong_format', 1, 'Weight Charge'],
    ]);
  });

  test('other files: one wrong_format on row 1 without a column', async () => {
    for (const text of ['2.1,0000X1,0000AB12C3,DE,2025-03-08\n', 'HDR,2025-03-14,621104796\nDTL,2025-03-14\n', 'Rechnungsnummer;Paketnummer;Betrag\n1;2;3\n']) {
      const { issues } = await parse(text);
      assert.deepEqual(issues.map((i) => [i.code, i.at.row, i.at.column]), [['wrong_format', 1, undefined]], text);
    }
  });

  test('a DHL eCommerce HDR/DTL file (or one starting with a DTL row) is refused as what it is, not as a bad header', async () => {
    for (const text of ['HDR,2025-03-14,621104796\nDTL,2025-03-14\n', 'dtl,2025-03-14,1\n']) {
      const { issues } = await parse(text);
      assert.match(issues[0]?.message ?? '', /this is a DHL eCommerce HDR\/DTL file/, text);
    }
  });

  test('a reduced-column extract (no I row, no excl. VAT column) loads: no invoice total, each S row states incl. VAT − tax', async () => {
    // the alx extracts (shared/real-invoices): Line Type, Invoice/Shipment Number, Weight Charge, no Billing Source
    const header = ['Line Type', 'Invoice Number', 'Shipment Number', 'Invoice Date', 'Currency', 'Total amount (incl. VAT)', 'Total Tax', 'Weight Charge', 'XC1 Code', 'XC1 Name', 'XC1 Charge', 'XC1 Tax', 'XC1 Discount', 'XC1 Total'];
    const text = `${header.join(',')}\nS,CPTR001005873,6560843833,20260417,ZAR,4709.32,510.66,3425.00,FF,FUEL SURCHARGE,1374.75,0.00,-601.09,773.66\n`;
    assert.ok(dhl.detect({ name: 'x.csv', kind: 'text', head: text }) >= 0.5, 'claimed');
    const { lines, issues } = await parse(text);
    assert.deepEqual(issues, []);
    const [line] = lines;
    assert.ok(line);
    assert.equal(line.invoice.statedTotal, '', 'no I row: no stated invoice total');
    // the negative discount is taken off the charge: the slot bills its Total less tax
    assert.deepEqual(line.charges.map((c) => [c.description, c.amount, c.incentive]), [['Weight Charge', '3425.00', ''], ['FUEL SURCHARGE', '773.66', '-601.09']]);
    assert.deepEqual(line.total, { amount: '4198.66', column: 'Total amount (incl. VAT)', label: 'Total amount (incl. VAT) − Total Tax' });
    // no weight column: the row billing a Weight Charge is the package
    assert.equal(line.shipment?.packageRow, true);
    assert.equal(line.shipment?.packageCount, '1');
    assert.equal(line.shipment?.billedWeight, '');
    // a header without Line Type (but four other MyBill names) is not claimed, and with
    // --carrier dhl the missing column is named
    const noType = text.replace('Line Type,', 'Type,Billing Source,');
    assert.ok(dhl.detect({ name: 'x.csv', kind: 'text', head: noType }) < 0.5);
    assert.deepEqual((await parse(noType)).issues.map((i) => i.at.column), ['Line Type']);
  });

  test('the full layout states each S row\'s own total excl. VAT; a duty row without weight is no package', async () => {
    const { lines } = await parse(file([I('30.00'), S('0123456789', { 'Weight Charge': '25.00', 'Total amount (excl. VAT)': '25.00' })]));
    assert.deepEqual(lines[1]?.total, { amount: '25.00', column: 'Total amount (excl. VAT)', label: 'Total amount (excl. VAT)' });
    assert.equal(lines[0]?.total, undefined, 'the I row\'s total is the invoice\'s, checked by the engine');
    const duty = 'Line Type,Invoice Number,Shipment Number,Invoice Date,Currency,Total amount (incl. VAT),Weight Charge,XC1 Code,XC1 Name,XC1 Charge\nS,X1,1921099471,20260831,ZAR,136.55,0,XX,IMPORT EXPORT DUTIES,136.55\n';
    const [d] = (await parse(duty)).lines;
    assert.equal(d?.shipment?.packageRow, false);
    assert.equal(d?.shipment?.packageCount, '0');
    assert.deepEqual(d?.total, { amount: '136.55', column: 'Total amount (incl. VAT)', label: 'Total amount (incl. VAT) − no tax column' });
  });

  test('bad rows: other width, unknown line type, S row without shipment number, cut-off last row', async () => {
    const short = S('1234567890', {}).slice(0, 150);
    const unknown = row({ ...INVOICE, 'Line Type': 'X' });
    const noAwb = S('', { 'Weight Charge': '4.00' });
    const text = file([I('4.00'), short, unknown, noAwb]) + S('9999999999', {}).slice(0, 90).join(',');
    const { lines, issues } = await parse(text);
    assert.deepEqual(issues.map((i) => [i.severity, i.code, i.at.row, i.at.column]), [
      ['error', 'column_count', 3, undefined],
      ['warning', 'wrong_format', 4, 'Line Type'],
      ['warning', 'missing_value', 5, 'Shipment Number'],
      ['error', 'truncated', 6, undefined],
    ]);
    assert.equal(lines.length, 2);
    assert.equal(lines[1]?.shipment, null);
    assert.equal(lines[1]?.charges[0]?.amount, '4.00');
  });

  test('detection: MyBill headers yes, other carriers no', () => {
    const sample = (head: string): FileSample => ({ name: 'x.csv', kind: 'text', head });
    const quoted = `${DHL_COLUMNS.map((n) => `"${n}"`).join(',')}\r\n`;
    assert.ok(dhl.detect(sample(quoted)) >= 0.9);
    assert.ok(dhl.detect(sample(`\uFEFF${DHL_COLUMNS.map(spacelessName).join(';')}\n`)) >= 0.9);
    assert.ok(dhl.detect(sample('"Line Type";"Billing Country";"Billing Source";"Invoice Number";"Station Code";"Shipment Number";"Weight Charge"\n')) >= 0.9);
    for (const other of [
      '2.1,0000X1,0000AB12C3,DE,2025-03-08,000012345678,E,,EUR,1234.56\n',
      'HDR,2025-03-14,621104796,522288,,,,,,,,54.58,,4\nDTL,2025-03-14\n',
      'Invoice Number|Invoice Date|Docket|Net Value\n1|2|3|4\n',
      'Rechnungsnummer;Rechnungsdatum;Paketnummer;Betrag\n',
      '',
    ]) {
      assert.ok(dhl.detect(sample(other)) < 0.5, other);
    }
    assert.equal(dhl.detect({ name: 'x.xlsx', kind: 'workbook', head: DHL_COLUMNS.join('\t') }), 0);
  });
});

describe('DHL Express charge map', () => {
  const classify = createChargeClassifier(DHL_CHARGES);

  test('every XC name and code of the generator catalogue maps to the same code, each on its own', () => {
    for (const def of Object.values(DHL_XC)) {
      const want = def.charge === 'unmapped' ? null : def.charge;
      assert.equal(classify(def.name, def.code, ''), want, `${def.code} ${def.name}`);
      assert.equal(classify('', def.code, ''), want, `code ${def.code}`);
      if (want !== null) assert.equal(classify(def.name, '', ''), want, `name ${def.name}`);
    }
  });

  test('no label is shadowed by a longer one with another code', () => {
    for (const [label, code] of DHL_CHARGES.labels) assert.equal(classify(label, '', ''), code, label);
  });

  test('parser classes: weight charge, invoice fee, discount; other charges only by label', () => {
    assert.equal(classify('EXPRESS WORLDWIDE nondoc', '', 'WEIGHT'), 'freight');
    assert.equal(classify('DUTIES & TAXES', '', 'WEIGHT'), 'freight', 'a product name is not a duties label');
    assert.equal(classify('Invoice Fee', '', 'INVOICE_FEE'), 'admin_fee');
    assert.equal(classify('Kundenrabatt', '', 'DISCOUNT'), 'discount');
    assert.equal(classify('Lagergebühr', '', 'OTHER'), 'storage');
    assert.equal(classify('Sonderleistung', '', 'OTHER'), null);
  });
});
