/**
 * DSV-specific checks the golden files do not make on their own: charge texts with rates map,
 * detection separates both DSV layouts from the other carriers' files, the printed invoice is
 * read straight from the `.xls` too (the golden test reads LibreOffice's xlsx), and the
 * label-driven sheet reader copes with layouts the fixtures do not have (subtotals that do not
 * repeat their line, a header repeated on a second page, a missing total or invoice number).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { textInput, textSample } from '../support/parse-input.js';
import { DSV_CHARGES } from '../../carriers/dsv/charges.js';
import { dsv } from '../../carriers/dsv/index.js';
import { CSV_HEADERS } from '../../carriers/dsv/columns.js';
import { DK, SE } from '../../fixtures/generate/dsv-charges.js';
import { dsvFixtures } from '../../fixtures/generate/dsv.js';
import { OLDER_COLUMNS, SPEC_COLUMNS } from '../../fixtures/generate/dsv-spec.js';
import { normalizeName } from '../../src/carrier-kit/index.js';
import type { FileSample, ParseBatch, ParseInput, RawLine } from '../../src/carrier-kit/contract.js';
import { indexHeader } from '../../src/carrier-kit/header.js';
import type { Issue } from '../../src/model/issue.js';
import type { SheetGrid } from '../../src/parsing/xlsx.js';
import { readWorkbookFile, workbookHead } from '../../src/parsing/xlsx.js';
import { createChargeClassifier } from '../../src/pipeline/clean.js';
import { tempDir } from '../support/paths.js';

const classify = createChargeClassifier(DSV_CHARGES);
const code = (text: string) => classify(text, '', '');

const sample = (head: string, kind: FileSample['kind'] = 'text'): FileSample => textSample(head, kind);
const detectDsv = (s: FileSample) => dsv.detect(s);
const parseDsv = (input: ParseInput) => dsv.parse(input);
const resolveCsvHeader = (names: readonly string[]) => indexHeader(names, CSV_HEADERS, normalizeName);

/** One printed-invoice sheet through the adapter, as the engine hands it over (ParseInput.sheets). */
async function parseSheet(sheet: SheetGrid, file: string): Promise<{ lines: RawLine[]; issues: Issue[] }> {
  const batches = await parseAll({ file, kind: 'workbook', path: file, encoding: 'utf8', bytes: 0, head: '', chunks: async function* () {}, sheets: [sheet] });
  return { lines: batches.flatMap((b) => b.lines), issues: batches.flatMap((b) => b.issues) };
}


function workbookInput(file: string): ParseInput {
  return { file: path.basename(file), kind: 'workbook', path: file, encoding: 'utf8', bytes: fs.statSync(file).size, head: '', chunks: async function* () {} };
}

async function parseAll(input: ParseInput): Promise<ParseBatch[]> {
  const out: ParseBatch[] = [];
  for await (const b of parseDsv(input)) out.push(b);
  return out;
}

/** A sheet grid from rows of cells ('' = empty) and merges given as [r, c, endR, endC]. */
function grid(rows: string[][], merges: [number, number, number, number][] = [], name = 'Faktura'): SheetGrid {
  const width = Math.max(...rows.map((r) => r.length));
  return {
    name,
    rows: rows.map((r) => [...r, ...new Array<string>(width - r.length).fill('')]),
    merges: merges.map(([r, c, er, ec]) => ({ s: { r, c }, e: { r: er, c: ec } })),
  };
}

describe('DSV charge texts (formats.md 3d)', () => {
  test('Danish and Swedish texts map, also with a rate or a place after the name', () => {
    for (const c of [...Object.values(DK), ...Object.values(SE)]) {
      assert.equal(code(c.text), c.code, c.text);
      assert.equal(code(`${c.text} 21,30 %`), c.code, `${c.text} with a rate`);
    }
    assert.equal(code('Drivstofftillegg 24,1 %'), 'fuel');
    assert.equal(code('Trängseltillägg Stockholm'), 'toll');
    assert.equal(code('Moms 25% / VAT 25%'), 'vat');
    assert.equal(code('VAT 25%'), 'vat');
    assert.equal(code('Fragtbrevsgebyr'), 'service_fee', 'the longer label wins over Fragt');
    assert.equal(code('Palleombytning'), null);
  });

  test('the bilingual fee labels of printed invoices map to honest codes (issue 10)', () => {
    assert.equal(code('Gebyr for faktura på papir / Paper invoice fee'), 'paper_invoice_fee');
    assert.equal(code('Gebyr / Fee'), 'service_fee');
    // only the fee that names nothing more: another `Gebyr for ...` stays unmapped
    assert.equal(code('Gebyr for rykker / Reminder fee'), null);
  });
});

describe('DSV detection', () => {
  test('both layouts of the fakturaspecifikation header score at least 0.9', () => {
    assert.ok(detectDsv(sample(`${SPEC_COLUMNS.join(';')}\r\n`)) >= 0.9);
    assert.ok(detectDsv(sample(`${[...OLDER_COLUMNS].reverse().join(';')}\n`)) >= 0.9);
    assert.ok(detectDsv(sample(`\uFEFFinvoice_no;INVOICE DATE;consignment number;calculation and texts;amount\n`)) >= 0.9, 'names match loosely');
  });

  test('other carriers’ files score below 0.5', () => {
    const others = [
      // UPS Billing Data: no header, version first (formats.md 1b)
      `2.1,0000A1B2C3,0000A1B2C3,DE,2025-03-08,000012345678,E,,DE123,EUR,123.45,2025-03-01${',x'.repeat(60)}\n`,
      // DHL Express MyBill header (formats.md 2A)
      'Line Type,Billing Source,Original Invoice Number,Invoice Number,Station Code,Invoice Identifier,Invoice Type,Invoice Date\n',
      // Royal Mail pipe download (formats.md 5A)
      'Royal Mail Address|Document Type|Document Number|Account Number|Total Net|Total VAT|Total Gross|Invoice Date\n',
      // Royal Mail SAP BEx (formats.md 5B)
      'Sales Order,,Invoice,,Destination\nSales Order No.,Date,Invoice Number,Invoice Date,Country\n',
      // GLS Danish and German header CSVs, legacy GLS row (formats.md 8.4)
      'Fakturanr.;Fakturadato;Kundenr.;Pakkenr.;Afsendelsesdato;Produkt;Modtagerland;Modtagerpostnr.;Vægt (kg);Ydelse;Beløb;Valuta;Reference\n',
      'Rechnungsnummer;Rechnungsdatum;Kundennummer;Paketnummer;Versanddatum;Produkt;Empfängerland;Empfänger-PLZ;Gewicht (kg);Leistung;Betrag;Währung;Referenz\n',
      '5100000001;28.11.2025;2761234567;;00123456789;24.11.2025;DE ;01067;;18;35;95;0;0;0;29;0;25;673;Bestellung Müller;;\n',
    ];
    for (const head of others) assert.ok(detectDsv(sample(head)) < 0.5, head.slice(0, 40));
    assert.ok(detectDsv(sample('AWB Number\tShipment Date\tFuel Surcharge\tAmount\n1234567890\t2025-01-01\t12.5\t99', 'workbook')) < 0.5);
    assert.ok(detectDsv(sample(`${SPEC_COLUMNS.join(';')}\n`, 'workbook')) < 0.5, 'a CSV header is not a printed invoice');
  });
});

describe('DSV printed invoices read straight from the .xls (BIFF8), without LibreOffice', () => {
  const tmp = tempDir('dsv-xls-');
  after(() => tmp.cleanup());
  const printed = dsvFixtures.cases().filter((c) => c.ext === 'xls');

  test('there are printed cases', () => assert.ok(printed.length >= 2));

  for (const c of printed) {
    test(c.name, async () => {
      const file = path.join(tmp.dir, `${c.name}.xls`);
      fs.writeFileSync(file, c.bytes);
      assert.ok(detectDsv(sample(workbookHead(readWorkbookFile(file)), 'workbook')) >= 0.9, 'detected from the first sheet');
      const batches = await parseAll(workbookInput(file));
      const issues = batches.flatMap((b) => b.issues).filter((i) => i.severity !== 'info');
      assert.deepEqual(issues.map((i) => i.code), c.expected.issues.map((i) => i.code).filter((x) => x !== 'unmapped_charge'));
      assert.deepEqual(batches[0]?.locale?.number, { decimal: '.', thousands: '' }, 'plain decimals, not øre');
      const lines = batches.flatMap((b) => b.lines);
      const inv = c.expected.invoices[0];
      assert.ok(inv);
      for (const l of lines) {
        assert.equal(l.invoice.number, inv.invoice_number, 'numeric cell read as its digits');
        assert.equal(l.invoice.accountNumber, inv.account_number, 'leading zeros kept');
        assert.equal(l.invoice.currency, inv.currency);
        assert.equal(l.shipment, null, 'invoice-level lines only');
      }
      assert.deepEqual(
        lines.map((l) => ({ row: l.row, description: l.charges[0]?.description, minor: Math.round(Number(l.charges[0]?.amount) * 100) })),
        c.expected.charges.map((ch) => ({ row: ch.source_row, description: ch.charge_description, minor: ch.amount_minor })),
      );
      assert.equal(Math.round(Number(lines[0]?.invoice.statedTotal) * 100), inv.stated_total_minor);
    });
  }
});

describe('DSV printed-invoice sheet reader', () => {
  const header = [
    ['DSV Road A/S'],
    ['Fakturanummer / Invoice number', '', '7405000001', '', 'Fakturadato / Invoice date', '2025-05-14'],
    ['Kundenummer / Customer number', '', '00012345', '', 'Valuta / Currency', 'DKK'],
    [],
  ];
  const table = ['Pos.', 'Beskrivelse / Description', '', 'Valuta', 'Beløb / Amount'];

  test('lines once, subtotals never; a subtotal that does not repeat its line is a warning; a header repeated on page 2 is skipped', async () => {
    const g = grid([
      ...header,
      table,
      ['1', 'Fragt', '', 'DKK', '100'],
      ['', 'Subtotal', '', '', '100'],
      ['2', '', 'Olietillæg 21,30 %', 'DKK', '21.3'],
      ['', 'Subtotal', '', '', '20'],
      ['', 'Side 2 af 2'],
      table,
      ['3', 'Momsfri ydelse', '', 'DKK', '5'],
      ['', 'Subtotal', '', '', '5'],
      ['', 'I alt ekskl. moms / Total excl. VAT', '', '', '126.3'],
      ['', 'Moms 25% / VAT 25%', '', 'DKK', '30.33'],
      ['', 'I alt DKK / Total DKK', '', '', '156.63'],
      ['', 'Subtotal', '', '', '999'], // footer: never read
    ]);
    const r = await parseSheet(g, 'f.xls');
    assert.ok(r);
    assert.deepEqual(r.lines.map((l) => [l.row, l.charges[0]?.description, l.charges[0]?.amount]), [
      [6, 'Fragt', '100'],
      [8, 'Olietillæg 21,30 %', '21.3'],
      [12, 'Momsfri ydelse', '5'],
      [15, 'Moms 25% / VAT 25%', '30.33'],
    ]);
    assert.deepEqual(r.issues.map((i) => [i.code, i.severity, i.at.row]), [['inconsistent_value', 'warning', 9]]);
    assert.equal(r.lines[0]?.invoice.statedTotal, '156.63');
    assert.equal(r.lines[0]?.invoice.number, '7405000001');
    assert.equal(r.lines[0]?.sheet, 'Faktura');
  });

  test('values to the right, below, or after a colon; currency from the total label when the header has none', async () => {
    const g = grid(
      [
        ['Invoice no.', 'Invoice date', 'Customer no.'],
        ['7405000002', '14.05.2025', '000777'],
        ['Due date: 13.06.2025'],
        ['Pos.', 'Description', 'Amount'],
        ['1', 'Frakt Varberg – Malmö', '10.5'],
        ['', 'VAT 25%', '2.63'],
        ['', 'Total SEK', '13.13'],
      ],
      [[0, 0, 0, 0]],
    );
    const r = await parseSheet(g, 'f.xlsx');
    assert.ok(r);
    const inv = r.lines[0]?.invoice;
    assert.deepEqual(inv, { number: '7405000002', date: '14.05.2025', accountNumber: '000777', currency: 'SEK', statedTotal: '13.13' });
  });

  test('columns the layout does not name (a quantity) stay out of the description; a total label may sit in the currency column', async () => {
    const g = grid([
      ...header,
      ['Pos.', 'Beskrivelse', 'Antal', 'Valuta', 'Beløb'],
      ['1', 'Fragt Taastrup – Aarhus', '4', 'DKK', '400'],
      ['', 'Subtotal', '', '', '400'],
      ['', 'Moms 25%', '', '', '100'],
      ['', '', '', 'I alt DKK', '500'],
    ]);
    const r = await parseSheet(g, 'f.xls');
    assert.deepEqual(r?.lines.map((l) => [l.charges[0]?.description, l.charges[0]?.amount, l.charges[0]?.currency]), [
      ['Fragt Taastrup – Aarhus', '400', 'DKK'],
      ['Moms 25%', '100', ''],
    ]);
    assert.equal(r?.lines[0]?.invoice.statedTotal, '500');
    assert.deepEqual(r?.issues, []);
  });

  test('a sheet without a total row or an invoice number gives an error and no lines', async () => {
    const noTotal = await parseSheet(grid([...header, table, ['1', 'Fragt', '', 'DKK', '100'], ['', 'Subtotal', '', '', '100']]), 'f.xls');
    assert.deepEqual(noTotal?.lines, []);
    assert.deepEqual(noTotal?.issues.map((i) => [i.code, i.at.column]), [['missing_value', 'I alt / Total']]);
    const noNumber = await parseSheet(grid([header[2] as string[], table, ['1', 'Fragt', '', 'DKK', '100'], ['', 'I alt DKK', '', '', '100']]), 'f.xls');
    assert.deepEqual(noNumber?.issues.map((i) => i.code), ['missing_value', 'missing_value']);
    assert.deepEqual(noNumber?.lines, []);
  });

  test('nothing lost: every invoice sheet of a workbook is read, each with its own sheet name; a cover sheet is skipped with a note', async () => {
    const invoiceSheet = (number: string, amount: string, name: string): SheetGrid => ({
      ...grid([
        ['DSV Road A/S'],
        ['Fakturanummer / Invoice number', '', number, '', 'Fakturadato / Invoice date', '2025-05-14'],
        ['Kundenummer / Customer number', '', '00012345', '', 'Valuta / Currency', 'DKK'],
        [],
        table,
        ['1', 'Fragt', '', 'DKK', amount],
        ['', 'Subtotal', '', '', amount],
        ['', 'I alt DKK / Total DKK', '', '', amount],
      ]),
      name,
    });
    const cover = { ...grid([['Almindelige betingelser'], ['NSAB 2015']]), name: 'Terms' };
    const file = 'two-invoices.xls';
    const batches = await parseAll({ file, kind: 'workbook', path: file, encoding: 'utf8', bytes: 0, head: '', chunks: async function* () {}, sheets: [cover, invoiceSheet('7405000001', '100', 'May'), invoiceSheet('7405000002', '250', 'June')] });
    const lines = batches.flatMap((b) => b.lines);
    assert.deepEqual(lines.map((l) => [l.invoice.number, l.charges[0]?.amount]), [['7405000001', '100'], ['7405000002', '250']]);
    const issues = batches.flatMap((b) => b.issues);
    assert.deepEqual(issues.filter((i) => i.severity !== 'info'), []);
    assert.ok(issues.some((i) => i.severity === 'info' && /"Terms"/.test(i.message)), 'the skipped sheet is named');
  });

  test('a workbook whose sheet has no line table (terms, a cover page) is not a printed invoice: wrong_format, no lines', async () => {
    const r = await parseSheet(grid([['Almindelige betingelser'], ['NSAB 2015']]), 'f.xls');
    assert.deepEqual(r.lines, []);
    assert.deepEqual(r.issues.map((i) => i.code), ['wrong_format']);
  });
});

describe('DSV fakturaspecifikation rows', () => {
  const head = 'Invoice no;Invoice date;Customer;Consignment_Number;Colli;Grossweight;Billing_Weight;Calculation and texts;Currency;VAT_Amount;Amount';

  test('header names resolve in any order', () => {
    const index = resolveCsvHeader(['Amount', 'VAT_Amount', 'Calculation and texts', 'Invoice no', 'Consignment_Number', 'Invoice date']);
    assert.equal(index.amount, 0);
    assert.equal(index.chargeText, 2);
    assert.equal(index.invoiceNumber, 3);
  });

  test('NONE is empty; package facts once per consignment; a charge text without amount is a warning; VAT_Amount is never a charge', async () => {
    const text = [
      head,
      '401;20250514;0042;0070001;3;1,250;1,400;Fragt;DKK;44450;177800',
      '401;20250514;0042;0070001;3;1,250;1,400;Olietillæg 21,30 %;DKK;9468;37871',
      '401;20250514;0042;0070001;NONE;NONE;NONE;NONE;DKK;0;NONE',
      '401;20250514;0042;0070001;NONE;NONE;NONE;Miljøtillæg;DKK;0;NONE',
      '401;20250514;0042;NONE;NONE;NONE;NONE;Fakturagebyr;DKK;725;2900',
      '',
    ].join('\n');
    const batches = await parseAll(textInput(text, 5));
    const lines = batches.flatMap((b) => b.lines);
    assert.deepEqual(lines.map((l) => [l.row, l.shipment?.packageRow ?? null, l.shipment?.packageCount ?? null, l.charges.map((c) => c.amount)]), [
      [2, true, '3', ['177800']],
      [3, false, '', ['37871']],
      [4, false, '', []],
      [5, false, '', []],
      [6, null, null, ['2900']],
    ]);
    assert.equal(lines[0]?.shipment?.billedWeight, '1,400');
    assert.equal(lines[0]?.shipment?.weightUnit, 'kg');
    assert.deepEqual(batches.flatMap((b) => b.issues).map((i) => [i.code, i.at.row, i.at.column]), [['missing_value', 5, 'Amount']]);
    assert.equal(batches.some((b) => b.locale !== undefined), false, 'the adapter locale (øre) applies');
    assert.equal(dsv.locale.number.impliedMinor, true);
  });

  test('another carrier’s semicolon header is wrong_format on row 1', async () => {
    const batches = await parseAll(textInput('Fakturanr.;Fakturadato;Pakkenr.;Ydelse;Beløb\n1;02-06-2025;003;Fragt;61,25\n'));
    assert.deepEqual(batches.flatMap((b) => b.issues).map((i) => [i.code, i.at.row]), [['wrong_format', 1]]);
  });
});
