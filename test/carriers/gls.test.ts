/**
 * GLS-specific checks the golden files do not make on their own: the legacy surcharge-column
 * mapping resolves to the codes formats.md 8.4 fixes, weights convert exactly, header names
 * match loosely, detection separates GLS from the other carriers' files, and the layout and
 * locale are chosen from the content even when the text arrives in tiny chunks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { textInput, textSample } from '../support/parse-input.js';
import { GLS_CHARGES } from '../../carriers/gls/charges.js';
import { HEADER_ALIASES, LEGACY_FREIGHT_DESCRIPTION, LEGACY_SURCHARGES } from '../../carriers/gls/columns.js';
import { gls } from '../../carriers/gls/index.js';
import { tenthsToKilograms } from '../../carriers/gls/layouts.js';
import { normalizeName } from '../../src/carrier-kit/index.js';
import type { FileSample, ParseBatch, ParseInput } from '../../src/carrier-kit/contract.js';
import { indexHeader } from '../../src/carrier-kit/header.js';
import { createChargeClassifier } from '../../src/pipeline/clean.js';

const classify = createChargeClassifier(GLS_CHARGES);
const code = (text: string) => classify(text, '', '');
const detectGls = (s: FileSample) => gls.detect(s);
const resolveHeader = (names: readonly string[]) => indexHeader(names, HEADER_ALIASES, normalizeName);

const sample = (head: string, kind: FileSample['kind'] = 'text'): FileSample => textSample(head, kind);

const input = (text: string, chunkSize = 7): ParseInput => textInput(text, chunkSize);

async function parseAll(text: string, chunkSize?: number): Promise<ParseBatch[]> {
  const out: ParseBatch[] = [];
  for await (const b of gls.parse(input(text, chunkSize))) out.push(b);
  return out;
}

const LEGACY_ROW = '5100000001;28.11.2025;2761234567;;00123456789;24.11.2025;DE ;01067;;18;35;95;0;0;0;29;0;25;673;Bestellung Müller;;';
const DANISH_HEADER = 'Fakturanr.;Fakturadato;Kundenr.;Pakkenr.;Afsendelsesdato;Produkt;Modtagerland;Modtagerpostnr.;Vægt (kg);Ydelse;Beløb;Valuta;Reference';
const GERMAN_HEADER = 'Rechnungsnummer;Rechnungsdatum;Kundennummer;Paketnummer;Versanddatum;Produkt;Empfängerland;Empfänger-PLZ;Gewicht (kg);Leistung;Betrag;Währung;Referenz';

describe('GLS legacy surcharge columns (formats.md 8.4)', () => {
  test('columns 10-17 map, in order, to toll, energy, residential, island/remote, weighing, non-sortable, peak, other', () => {
    assert.deepEqual(LEGACY_SURCHARGES.map((s) => s.position), [10, 11, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual(
      LEGACY_SURCHARGES.map((s) => code(s.description)),
      ['toll', 'fuel', 'residential', 'remote_area', 'weighing', 'non_sortable', 'peak', 'other'],
    );
    assert.equal(code(LEGACY_FREIGHT_DESCRIPTION), 'freight');
  });

  test('weights in tenths of a kg become exact decimal text', () => {
    assert.equal(tenthsToKilograms('25', ','), '2,5');
    assert.equal(tenthsToKilograms('5', ','), '0,5');
    assert.equal(tenthsToKilograms('0', ','), '0,0');
    assert.equal(tenthsToKilograms('0120', ','), '12,0');
    assert.equal(tenthsToKilograms(' 315 ', '.'), '31.5');
    assert.equal(tenthsToKilograms('', ','), '');
    assert.equal(tenthsToKilograms('2,5', ','), null);
    assert.equal(tenthsToKilograms('-5', ','), null);
  });
});

describe('GLS charge texts', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['Fragt', 'freight'], ['Fracht', 'freight'],
    ['Dieseltillæg', 'fuel'], ['Dieselzuschlag', 'fuel'], ['Diesel Floater', 'fuel'],
    ['Energitillæg', 'fuel'], ['Energie', 'fuel'], ['Energy', 'fuel'],
    ['Vejafgift', 'toll'], ['Maut Verkehr National', 'toll'], ['Maut Verkehr International', 'toll'],
    ['Zustellung Privatadresse', 'residential'], ['Weighing Service', 'weighing'], ['NSG', 'non_sortable'],
    ['Black Week / Saison', 'peak'], ['KlimaProtect', 'environmental'], ['Vorfinanzierung', 'service_fee'],
    ['Rabatt', 'discount'], ['Rabat', 'discount'], ['Discount', 'discount'],
    ['dieseltillæg 12,04 %', 'fuel'],
  ];
  for (const [text, expected] of cases) test(`${text} → ${expected}`, () => assert.equal(code(text), expected));
  test('an unknown text stays unmapped (the engine warns)', () => assert.equal(code('FlexDeliveryService'), null));
});

describe('GLS header names', () => {
  test('match by normalized name, whatever the case, spacing or punctuation', () => {
    const idx = resolveHeader(['FAKTURANR', 'fakturadato ', 'Pakke-nr.', 'YDELSE', 'beløb', 'Empfänger PLZ', 'Vægt kg']);
    assert.deepEqual(idx, { invoiceNumber: 0, invoiceDate: 1, parcelNumber: 2, description: 3, amount: 4, receiverPostcode: 5, weight: 6 });
  });
});

describe('detectGls', () => {
  test('claims both layouts with at least 0.9', () => {
    assert.ok(detectGls(sample(`${LEGACY_ROW}\r\n${LEGACY_ROW}\r\n`)) >= 0.9);
    assert.ok(detectGls(sample(`\uFEFF${DANISH_HEADER}\r\n5;14-03-2025;2;3;13-03-2025;BP;DK;2525;2,5;Fragt;1.261,25;DKK;\r\n`)) >= 0.9);
    assert.ok(detectGls(sample(`${GERMAN_HEADER}\n`)) >= 0.9);
    // the last line of a head may be cut anywhere
    assert.ok(detectGls(sample(`${LEGACY_ROW}\n${LEGACY_ROW.slice(0, 30)}`)) >= 0.9);
  });

  test('gives other carriers\' files less than 0.5', () => {
    const ups = (d: string, n: number) => ['2.1', '', '0000A1B2C3', 'DE', '2025-03-01', ...new Array<string>(n - 5).fill('0')].join(d);
    const others = [
      `${ups(',', 250)}\n${ups(',', 250)}\n`,
      `${ups(';', 244)}\n${ups(';', 244)}\n`,
      `${ups(';', 53)}\n`,
      '"Line Type","Billing Source","Original Invoice Number","Invoice Number","Station Code"\nI,GB-TD,,LHR1,LHR\n',
      'Line Type;Billing Source;Original Invoice Number;Invoice Number;Station Code\nI;GB-TD;;LHR1;LHR\n',
      'Royal Mail Address|Document Type|Document Number|Account Number|Total Net\nx|Invoice|9012345678|0123456789|12.00\n',
      'Sales Order,,Invoice,,Destination\nSales Order No.,Date,Invoice Number,Account Number,Country\n"1",01.03.2025,"9000000001","0123456789",GB\n',
      'Invoice no;Invoice date;Customer;Account_Code;Consignment_Number;Calculation and texts;Currency;Amount\n80000001;20250314;X;1;7000000001;Fragt;DKK;4500\n',
      '',
    ];
    for (const head of others) assert.ok(detectGls(sample(head)) < 0.5, head.slice(0, 60));
    assert.equal(detectGls(sample(`${GERMAN_HEADER}\n`, 'workbook')), 0);
  });
});

describe('parseGls', () => {
  test('legacy: integer-cents locale on the first batch, one line per parcel, surcharge columns melted', async () => {
    const batches = await parseAll(`${LEGACY_ROW}\r\n`);
    assert.deepEqual(batches[0]?.locale, { number: { decimal: ',', thousands: '', impliedMinor: true } });
    const lines = batches.flatMap((b) => b.lines);
    assert.equal(lines.length, 1);
    const l = lines[0];
    assert.ok(l);
    assert.deepEqual(
      l.charges.map((c) => [c.description, c.amount, c.column]),
      [['Fracht', '673', '19 Net Amount'], ['Maut', '18', '10 Maut'], ['Energiezuschlag', '35', '11 Energiezuschlag'], ['Zustellung Privatadresse', '95', '12 Zustellung Privatadresse'], ['Saisonzuschlag', '29', '16 Saisonzuschlag']],
    );
    assert.equal(l.shipment?.trackingNumber, '00123456789');
    assert.equal(l.shipment?.billedWeight, '2,5');
    assert.equal(l.shipment?.receiverCountry, 'DE');
    assert.equal(l.invoice.currency, 'EUR');
    assert.equal(l.invoice.statedTotal, '');
    assert.deepEqual(batches.flatMap((b) => b.issues), []);
  });

  test('legacy: a weight that is not whole tenths is a warning, the row still loads', async () => {
    const row = LEGACY_ROW.replace(';25;673;', ';2,5;673;');
    const batches = await parseAll(`${row}\n`);
    const issues = batches.flatMap((b) => b.issues);
    assert.deepEqual(issues.map((i) => [i.severity, i.code, i.at.column]), [['warning', 'bad_number', '18 Billed Weight (0.1 kg)']]);
    assert.equal(batches.flatMap((b) => b.lines)[0]?.shipment?.billedWeight, '');
  });

  test('header: decimal-comma locale, freight row is the package row, rows without parcel are invoice-level', async () => {
    const text = [
      GERMAN_HEADER,
      '5100000002;21.11.2025;2761234567;00123456789;17.11.2025;BP;DE;01067;17,3;Fracht;1.008,01;EUR;Ref',
      '5100000002;21.11.2025;2761234567;00123456789;17.11.2025;BP;DE;01067;17,3;Maut Verkehr National;0,17;EUR;Ref',
      '5100000002;21.11.2025;2761234567;;;;;;;Energie;-12,50;EUR;',
      '',
    ].join('\n');
    const batches = await parseAll(text, 5);
    assert.deepEqual(batches[0]?.locale, { number: { decimal: ',', thousands: '.' } });
    const lines = batches.flatMap((b) => b.lines);
    assert.deepEqual(lines.map((l) => l.row), [2, 3, 4]);
    assert.deepEqual(lines.map((l) => l.shipment?.packageRow ?? null), [true, false, null]);
    assert.deepEqual(lines.map((l) => l.shipment?.billedWeight ?? null), ['17,3', '', null]);
    assert.deepEqual(lines.map((l) => l.shipment?.service ?? null), ['BP', '', null]);
    assert.deepEqual(lines.map((l) => l.charges[0]?.column), ['Betrag', 'Betrag', 'Betrag']);
    assert.equal(lines[0]?.columns.description, 'Leistung');
  });

  test('neither layout: wrong_format on row 1', async () => {
    const batches = await parseAll('a;b;c\n1;2;3\n');
    assert.deepEqual(batches.flatMap((b) => b.issues).map((i) => [i.code, i.at.row]), [['wrong_format', 1]]);
    const comma = await parseAll('a,b,c\n1,2,3\n');
    assert.deepEqual(comma.flatMap((b) => b.issues).map((i) => i.code), ['wrong_format']);
  });

  test('the adapter is registered under its id with the header locale as default', () => {
    assert.equal(gls.id, 'gls');
    assert.deepEqual(gls.locale.dateFormats, ['DD.MM.YYYY', 'DD-MM-YYYY']);
    assert.equal(gls.locale.defaultCurrency, 'EUR');
  });
});
