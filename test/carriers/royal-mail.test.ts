/**
 * Royal Mail checks the golden files do not make on their own: layout recognition against the
 * other carriers' first lines, header drift, which pipe rows are charges (dockets) and which are
 * not (summary, commentary, the closing surcharge total), the BEx rule for admin rows sharing a
 * sales order (formats.md 8.2), `#` cells, the Overall Result control total, and the charge map.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { textInput, textSample } from '../support/parse-input.js';
import { ROYAL_MAIL_CHARGES } from '../../carriers/royal-mail/charges.js';
import { BEX_HEADER, PIPE_HEADER } from '../../carriers/royal-mail/columns.js';
import { royalMail } from '../../carriers/royal-mail/index.js';
import type { FileSample, ParseBatch, ParseInput, RawLine } from '../../src/carrier-kit/contract.js';
import { CsvReader } from '../../src/parsing/csv.js';
import { createChargeClassifier } from '../../src/pipeline/clean.js';

const classify = createChargeClassifier(ROYAL_MAIL_CHARGES);
const detectRoyalMail = (s: FileSample) => royalMail.detect(s);

const sample = (head: string, kind: FileSample['kind'] = 'text'): FileSample => textSample(head, kind);

const input = (text: string, chunkSize = 11): ParseInput => textInput(text, chunkSize);

async function parse(text: string, chunkSize?: number): Promise<{ lines: RawLine[]; batches: ParseBatch[] }> {
  const batches: ParseBatch[] = [];
  for await (const b of royalMail.parse(input(text, chunkSize))) batches.push(b);
  return { lines: batches.flatMap((b) => b.lines), batches };
}

function errors(batches: readonly ParseBatch[]): string[] {
  return batches.flatMap((b) => b.issues).filter((i) => i.severity === 'error').map((i) => `${i.code}@${i.at.row ?? '-'}`);
}

/** A pipe row: 34 fields, the given 1-based positions filled. */
function pipeRow(cells: Readonly<Record<number, string>>): string {
  const f = new Array<string>(34).fill('');
  for (const [pos, v] of Object.entries(cells)) f[Number(pos) - 1] = v;
  return f.join('|');
}

const PIPE_HEAD = PIPE_HEADER.join('|');
const SUMMARY = pipeRow({ 1: 'ROYAL MAIL BILLING', 2: 'Invoice', 3: '9011111111', 4: '0123456789', 5: '20.49', 6: '3.30', 7: '23.79', 8: '10 Mar 2025', 13: '17 Mar 2025' });
const docket = (n: string, service: string, net: string, qty = '2.000'): string =>
  pipeRow({ 24: n, 25: '03/03/2025', 26: 'LS1 4AB', 27: '0384', 29: service, 30: qty, 31: '1.250', 33: net, 34: 'T' });

/** A BEx data row: 38 fields. */
function bexRow(cells: Readonly<Record<number, string>>): string {
  const f = new Array<string>(38).fill('');
  for (const [pos, v] of Object.entries(cells)) f[Number(pos) - 1] = v;
  return f.map((v) => (v.includes(',') ? `"${v}"` : v)).join(',');
}
const GROUPS = bexRow({ 1: 'Sales Order', 4: 'Invoice', 10: 'Destination', 12: 'Product', 16: 'Volumes', 25: 'Charges' });
const NAMES = BEX_HEADER.join(',');
const bexData = (so: string, inv: string, code: string, name: string, net: string, extra: Readonly<Record<number, string>> = {}): string =>
  bexRow({ 1: '28.03.2025', 2: so, 4: inv, 5: '31.03.2025', 6: '0123456789', 10: 'GB', 12: code, 13: name, 21: '3', 22: '2.500', 24: 'KG', 33: net, ...extra });
const ADMIN_HASHES = { 10: '#', 21: '#', 22: '#', 24: '#' };

describe('Royal Mail layout recognition', () => {
  test('the pipe download is recognised, with header drift in case and spacing', () => {
    assert.ok(detectRoyalMail(sample(`${PIPE_HEAD}\r\n${SUMMARY}\r\n`)) >= 0.9);
    const drifted = PIPE_HEADER.map((n) => (n === 'Weight (kg)' ? 'Weight(KG)' : n === 'Net Value' ? ' NET VALUE ' : n)).join('|');
    assert.ok(detectRoyalMail(sample(`\uFEFF${drifted}\n`)) >= 0.9);
  });

  test('the BEx export is recognised with or without a title line', () => {
    assert.ok(detectRoyalMail(sample(`${GROUPS}\n${NAMES}\n`)) >= 0.9);
    assert.ok(detectRoyalMail(sample(`Royal Mail Sales Invoice Analysis\r\n${GROUPS}\r\n${NAMES}\r\n`)) >= 0.9);
  });

  test('other carriers\' files and near misses score below 0.5', () => {
    const ups = ['2.1', '', '0000A1B2C3', 'DE', '2025-03-01', ...new Array<string>(245).fill('')].join(',');
    const dhl = '"Line Type","Billing Source","Original Invoice Number","Invoice Number","Station Code"';
    const gls = 'Rechnungsnummer;Rechnungsdatum;Kundennummer;Paketnummer;Versanddatum;Produkt;Gewicht (kg);Leistung;Betrag';
    const glsLegacy = '5100000001;28.11.2025;2761234567;;00123456789;24.11.2025;DE ;01067;;18;35;95;0;0;0;29;0;25;673;x;;';
    const dsv = 'Fakturanr;Fakturadato;Kundenr;Forsendelsesnr;Beløb;Moms;NONE';
    for (const head of [ups, dhl, gls, glsLegacy, dsv, '', 'Sales Order,Invoice\n']) {
      assert.ok(detectRoyalMail(sample(`${head}\n`)) < 0.5, head.slice(0, 30));
    }
    // ours in shape, but a column we read is renamed
    const renamed = PIPE_HEADER.map((n) => (n === 'Service' ? 'Product' : n)).join('|');
    assert.ok(detectRoyalMail(sample(`${renamed}\n`)) < 0.5);
    const bexRenamed = BEX_HEADER.map((n) => (n === 'Net Value' ? 'Amount' : n)).join(',');
    assert.ok(detectRoyalMail(sample(`${GROUPS}\n${bexRenamed}\n`)) < 0.5);
    assert.equal(detectRoyalMail(sample(`${PIPE_HEAD}\n`, 'workbook')), 0);
  });
});

describe('Royal Mail pipe download (formats.md 5A, 8.1, 8.2)', () => {
  test('commentary splits a docket into freight, surcharge and green surcharge lines; bands and the closing total are no charges', async () => {
    const text = [
      PIPE_HEAD,
      SUMMARY,
      docket('7100000001', 'ROYAL MAIL TRACKED 24', '8.420'),
      pipeRow({ 32: 'Total Cost Pre Surcharge £7.38, Surcharge of £0.92' }),
      pipeRow({ 32: 'Green Surcharge of £0.12' }),
      docket('5100000002', 'ROYAL MAIL SIGNED FOR 1C\\2C', '4.690', '1.000'),
      pipeRow({ 28: 'Lge Letter', 30: '1', 31: '0.10', 32: '£4.690 each' }),
      docket('7100000003', 'ROYAL MAIL TRACKED 24', '-3.990', '1.000'),
      docket('7100000004', 'Sales Order Admin Charge LL or P', '11.370', '1.000'),
      pipeRow({ 32: 'Total surcharge included on this invoice', 33: '1.04' }),
      '',
    ].join('\r\n');
    const { lines, batches } = await parse(text);
    assert.deepEqual(errors(batches), []);
    assert.deepEqual(lines.map((l) => [l.row, l.shipment?.trackingNumber ?? null, l.charges.map((c) => [c.description, c.amount, c.column])]), [
      // the postage on the docket row, each surcharge on the commentary row that names it: 8.42 in all
      [3, '7100000001', [['ROYAL MAIL TRACKED 24', '7.38', '33 Net Value']]],
      [4, '7100000001', [['Surcharge', '0.92', '32 Unit Cost']]],
      [5, '7100000001', [['Green Surcharge', '0.12', '32 Unit Cost']]],
      // the weight band under it bills nothing
      [6, '5100000002', [['ROYAL MAIL SIGNED FOR 1C\\2C', '4.690', '33 Net Value']]],
      [8, '7100000003', [['ROYAL MAIL TRACKED 24', '-3.990', '33 Net Value']]],
      // an administrative docket bills the account: no shipment (8.1)
      [9, null, [['Sales Order Admin Charge LL or P', '11.370', '33 Net Value']]],
    ]);
    // the surcharge lines add to the docket's shipment without describing its package
    assert.equal(lines[1]?.shipment?.packageRow, false);
    const first = lines[0];
    assert.ok(first);
    // every docket carries the summary row's invoice fields, and the row they were read from;
    // Total Net is the stated total
    assert.deepEqual(first.invoice, { number: '9011111111', date: '10 Mar 2025', accountNumber: '0123456789', currency: 'GBP', statedTotal: '20.49', row: 2 });
    assert.equal(first.shipment?.packageCount, '2.000');
    assert.equal(first.shipment?.billedWeight, '1.250');
    assert.equal(first.shipment?.weightUnit, 'kg');
    assert.equal(first.shipment?.shipDate, '03/03/2025');
    assert.equal(first.shipment?.senderPostcode, 'LS1 4AB');
    assert.equal(first.columns.description, '29 Service');
  });

  test('commentary that does not add up to the docket is an error on the docket row, which stays one line', async () => {
    const text = [
      PIPE_HEAD,
      SUMMARY,
      docket('7100000001', 'ROYAL MAIL TRACKED 24', '8.420'),
      pipeRow({ 32: 'Total Cost Pre Surcharge £7.38, Surcharge of £0.93' }),
      pipeRow({ 32: 'Green Surcharge of £0.12' }),
      docket('7100000002', 'ROYAL MAIL TRACKED 24', '4.00'),
      pipeRow({ 32: 'Total Cost Pre Surcharge £3.55, Surcharge of £0.39' }),
      pipeRow({ 32: 'Green Surcharge of £0.06' }),
      '',
    ].join('\n');
    const { lines, batches } = await parse(text);
    const issues = batches.flatMap((b) => b.issues).filter((i) => i.severity === 'error');
    assert.deepEqual(issues.map((i) => [i.code, i.at.row, i.at.column]), [['total_mismatch', 3, '33 Net Value']]);
    assert.match(issues[0]?.message ?? '', /docket 7100000001: its commentary \(row 4, row 5\) does not add up to its Net Value 8\.42: .* = 8\.43; loaded as one line/);
    // the last docket is flushed at the end of the file, split
    assert.deepEqual(lines.map((l) => [l.row, l.charges.map((c) => c.amount)]), [[3, ['8.420']], [6, ['3.55']], [7, ['0.39']], [8, ['0.06']]]);
  });

  test('the invoice\'s own surcharge figure is checked against the surcharge lines; a mismatch names its row and column', async () => {
    const text = [
      PIPE_HEAD,
      SUMMARY,
      docket('7100000001', 'ROYAL MAIL TRACKED 24', '8.420'),
      pipeRow({ 32: 'Total Cost Pre Surcharge £7.38, Surcharge of £0.92' }),
      pipeRow({ 32: 'Green Surcharge of £0.12' }),
      pipeRow({ 32: 'Total surcharge included on this invoice', 33: '1.05' }),
      '',
    ].join('\n');
    const { batches } = await parse(text);
    const issues = batches.flatMap((b) => b.issues).filter((i) => i.severity === 'error');
    assert.deepEqual(issues.map((i) => [i.code, i.at.row, i.at.column]), [['total_mismatch', 6, '33 Net Value']]);
    assert.match(issues[0]?.message ?? '', /states 1\.05 GBP of surcharges .* sum to 1\.04 GBP \(difference -0\.01\)/);
  });

  test('`Total surcharge £x` under a docket: the postage is the rest of its Net Value', async () => {
    const text = [
      PIPE_HEAD,
      SUMMARY,
      docket('7100000001', 'ROYAL MAIL TRACKED 48', '12.00'),
      pipeRow({ 32: 'Green Surcharge of £0.20' }),
      pipeRow({ 32: 'Total surcharge £1.20' }),
      '',
    ].join('\n');
    const { lines, batches } = await parse(text);
    assert.deepEqual(errors(batches), []);
    assert.deepEqual(lines.map((l) => [l.row, l.charges.map((c) => [c.description, c.amount])]), [
      [3, [['ROYAL MAIL TRACKED 48', '10.80']]],
      [4, [['Green Surcharge', '0.20']]],
      [5, [['Surcharge', '1.00']]],
    ]);
  });

  test('weight 0.000 is no weight (a docket of several items), not zero kilograms', async () => {
    const zero = pipeRow({ 24: '7100000001', 25: '03/03/2025', 29: 'ROYAL MAIL TRACKED 24', 30: '15.000', 31: '0.000', 33: '5.00', 34: 'T' });
    const { lines } = await parse([PIPE_HEAD, SUMMARY, zero, ''].join('\n'));
    assert.equal(lines[0]?.shipment?.billedWeight, '');
    assert.equal(lines[0]?.shipment?.weightUnit, '');
  });

  test('the consolidated download: several invoices in one comma-separated, quoted file with the same columns', async () => {
    const quote = (line: string): string => line.split('|').map((v) => `"${v}"`).join(',');
    const other = SUMMARY.replace('9011111111', '9022222222');
    const text = [
      PIPE_HEAD,
      SUMMARY,
      docket('7100000001', 'ROYAL MAIL TRACKED 24', '8.420'),
      pipeRow({ 32: 'Total Cost Pre Surcharge £7.38, Surcharge of £0.92' }),
      pipeRow({ 32: 'Green Surcharge of £0.12' }),
      pipeRow({ 32: 'Total surcharge included on this invoice', 33: '1.04' }),
      other,
      docket('7100000002', 'ROYAL MAIL TRACKED 48', '1,234.50'),
      pipeRow({ 32: 'Total surcharge included on this invoice', 33: '0.00' }),
      '',
    ].map((l) => (l === '' ? l : quote(l))).join('\r\n');
    assert.ok(detectRoyalMail(sample(text)) >= 0.9);
    const { lines, batches } = await parse(text, 7);
    assert.deepEqual(errors(batches), []);
    assert.deepEqual(lines.map((l) => [l.invoice.number, l.row, l.charges.map((c) => c.amount)]), [
      ['9011111111', 3, ['7.38']],
      ['9011111111', 4, ['0.92']],
      ['9011111111', 5, ['0.12']],
      ['9022222222', 8, ['1,234.50']],
    ]);
  });

  test('a second summary row starts a new invoice, and a repeated header is skipped', async () => {
    const other = SUMMARY.replace('9011111111', '9022222222');
    const text = [PIPE_HEAD, SUMMARY, docket('7100000001', 'ROYAL MAIL TRACKED 48', '5.00'), PIPE_HEAD, other, docket('7100000002', 'ROYAL MAIL TRACKED 48', '6.00'), ''].join('\n');
    const { lines, batches } = await parse(text, 5);
    assert.deepEqual(errors(batches), []);
    assert.deepEqual(lines.map((l) => l.invoice.number), ['9011111111', '9022222222']);
  });

  test('a docket before any summary row, a short row and a cut-off last row are errors', async () => {
    assert.deepEqual(errors((await parse([PIPE_HEAD, docket('7100000001', 'ROYAL MAIL TRACKED 24', '1.00'), ''].join('\n'))).batches), ['wrong_format@2']);
    const short = [PIPE_HEAD, SUMMARY, 'a|b|c', docket('7100000001', 'ROYAL MAIL TRACKED 24', '1.00').slice(0, 60)].join('\n');
    assert.deepEqual(errors((await parse(short)).batches), ['column_count@3', 'truncated@4']);
  });

  test('a header that is not ours is wrong_format on row 1', async () => {
    const renamed = PIPE_HEADER.map((n) => (n === 'Net Value' ? 'Amount' : n)).join('|');
    const { batches } = await parse(`${renamed}\n${SUMMARY}\n`);
    assert.deepEqual(errors(batches), ['wrong_format@1']);
    assert.match(batches[0]?.issues[0]?.message ?? '', /no column for netValue \(tried "Net Value"\)/);
  });
});

describe('Royal Mail SAP BEx export (formats.md 5B, 8.1, 8.2)', () => {
  test('admin rows join the sales order of the row above, otherwise bill the invoice; # is empty', async () => {
    const text = [
      'Royal Mail Sales Invoice Analysis',
      GROUPS,
      NAMES,
      bexData('4500000001', '9000000001', 'TPM', 'Tracked 24', '1,234.56', { 3: '#', 21: '1,250' }),
      bexData('4500000001', '9000000001', 'RXA', 'Sales Order Admin Charge', '5.00', ADMIN_HASHES),
      bexData('4500000001', '9000000001', 'IFB', 'Intl Admin Fee', '1.50', ADMIN_HASHES),
      bexData('4500000002', '9000000001', 'RXA', 'Sales Order Admin Charge', '5.00', ADMIN_HASHES),
      // same sales order number, but the row above is another invoice's: no join
      bexData('4500000002', '9000000002', 'IBB', 'Intl Adjustment Charge', '-2.40', ADMIN_HASHES),
      bexRow({ 1: 'Result', 33: '1,243.26' }),
      bexRow({ 1: 'Overall Result', 21: '1,250', 33: '1,243.26' }),
      '',
    ].join('\r\n');
    const { lines, batches } = await parse(text, 13);
    assert.deepEqual(errors(batches), []);
    assert.deepEqual(lines.map((l) => [l.row, l.invoice.number, l.shipment?.trackingNumber ?? null, l.shipment?.packageRow ?? null, l.charges[0]?.code]), [
      [4, '9000000001', '4500000001', true, 'TPM'],
      [5, '9000000001', '4500000001', false, 'RXA'],
      [6, '9000000001', '4500000001', false, 'IFB'],
      [7, '9000000001', null, null, 'RXA'],
      [8, '9000000002', null, null, 'IBB'],
    ]);
    const postage = lines[0];
    assert.equal(postage?.charges[0]?.amount, '1,234.56');
    assert.equal(postage?.shipment?.packageCount, '1,250');
    assert.equal(postage?.shipment?.receiverCountry, 'GB');
    assert.equal(postage?.invoice.statedTotal, '');
    assert.equal(lines[1]?.shipment?.packageCount, '');
    const totals = batches.flatMap((b) => (b.controlTotal === undefined ? [] : [b.controlTotal]));
    assert.deepEqual(totals, [{ amount: '1,243.26', currency: '', row: 10, column: '33 Net Value', label: 'Overall Result' }]);
  });

  test('rows after the Overall Result, a missing second header row and a cut-off row are errors', async () => {
    const after = [GROUPS, NAMES, bexData('4500000001', '9000000001', 'TPS', 'Tracked 48', '3.00'), bexRow({ 1: 'Overall Result', 33: '3.00' }), bexData('4500000002', '9000000001', 'TPS', 'Tracked 48', '3.00'), ''].join('\n');
    assert.deepEqual(errors((await parse(after)).batches), ['wrong_format@5']);
    assert.deepEqual(errors((await parse(`${GROUPS}\n`)).batches), ['wrong_format@1']);
    const cut = [GROUPS, NAMES, bexData('4500000001', '9000000001', 'TPS', 'Tracked 48', '3.00').slice(0, 50)].join('\n');
    assert.deepEqual(errors((await parse(cut)).batches), ['truncated@3']);
  });
});

describe('Royal Mail SAP BEx export is read by column name (issue 9)', () => {
  test('columns in another order, renamed (Product Description) and an extra column load the same lines', async () => {
    const rows = [
      bexData('4500000001', '9000000001', 'TPM', 'Tracked 24', '1,234.56', { 3: '#', 21: '1,250' }),
      bexData('4500000001', '9000000001', 'RXA', 'Sales Order Admin Charge', '5.00', ADMIN_HASHES),
    ];
    const text = [GROUPS, NAMES, ...rows, bexRow({ 1: 'Overall Result', 33: '1,239.56' }), ''].join('\n');
    const base = await parse(text);
    // reverse the column order, rename Product Name, append a column the parser does not know
    const reorder = (line: string): string => {
      const reader = new CsvReader(',');
      const [rec] = [...reader.push(`${line}\n`), ...reader.end().records];
      const f = [...(rec?.fields ?? [])].reverse();
      return [...f, 'extra'].map((v) => (v.includes(',') ? `"${v}"` : v)).join(',');
    };
    const names = reorder(NAMES).replace('Product Name', 'Product Description');
    const moved = [names, ...rows.map(reorder), ''].join('\n');
    const got = await parse(`Royal Mail Sales Invoice Analysis\n${moved}`);
    assert.deepEqual(errors(got.batches), []);
    const key = (l: RawLine) => [l.invoice.number, l.invoice.date, l.shipment?.trackingNumber ?? null, l.shipment?.packageCount ?? null, l.charges.map((c) => [c.description, c.code, c.amount])];
    assert.deepEqual(got.lines.map(key), base.lines.map(key));
    assert.equal(got.lines[0]?.charges[0]?.column, `${38 - 33 + 1} Net Value`);
    assert.equal(got.lines[0]?.columns.description, `${38 - 13 + 1} Product Description`);
  });

  test('a header missing a required column is quarantined with a message naming the column and the names tried', async () => {
    const names = BEX_HEADER.map((n) => (n === 'Invoice Date' ? 'Billing Date' : n)).join(',');
    const { batches } = await parse([GROUPS, names, bexData('4500000001', '9000000001', 'TPM', 'Tracked 24', '3.00'), ''].join('\n'));
    assert.deepEqual(errors(batches), ['wrong_format@2']);
    assert.match(batches[0]?.issues[0]?.message ?? '', /no column for invoiceDate \(tried "Invoice Date"\)/);
  });
});

describe('Royal Mail charge map and locale', () => {
  test('services, product names and product codes map to canonical codes', () => {
    const cases: ReadonlyArray<readonly [string, string, string | null]> = [
      ['ROYAL MAIL TRACKED 24', '', 'freight'],
      ['Tracked 48', 'TPS', 'freight'],
      ['SPECIAL DELIVERY GUARANTEED BY 1PM', '', 'freight'],
      ['INTERNATIONAL BUSINESS PARCELS TRACKED', '', 'freight'],
      ['Sales Order Admin Charge LL or P', '', 'admin_fee'],
      ['Intl Admin Fee', 'IFB', 'admin_fee'],
      ['Intl Adjustment Charge', 'IBB', 'adjustment'],
      ['', 'RXA', 'admin_fee'],
      ['Fuel Surcharge', '', 'fuel'],
      ['Peak Parcel Surcharge', '', 'peak'],
      ['Green Surcharge', '', 'environmental'],
      ['ROYAL MAIL 48 SORT8 LL', '', null],
    ];
    for (const [description, code, want] of cases) assert.equal(classify(description, code, ''), want, `${description} ${code}`);
  });

  test('the adapter is frozen and reads both layouts\' dates', () => {
    assert.ok(Object.isFrozen(royalMail));
    assert.deepEqual([...royalMail.locale.dateFormats], ['DD MMM YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY']);
    assert.deepEqual(royalMail.locale.number, { decimal: '.', thousands: ',' });
  });
});
