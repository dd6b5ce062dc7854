import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatMinor, minorDigits } from '../../src/model/money.js';
import { parseDecimal, parseMinor, type NumberFormat } from '../../src/parsing/amounts.js';
import { parseDate } from '../../src/parsing/dates.js';
import { parseDimensions } from '../../src/parsing/dimensions.js';

const DOT: NumberFormat = { decimal: '.', thousands: ',' };
const EITHER: NumberFormat = { decimal: 'either', thousands: '' };
const COMMA: NumberFormat = { decimal: ',', thousands: '.' };

function minor(text: string, fmt: NumberFormat, digits = 2): number | string {
  const r = parseMinor(text, fmt, digits);
  return r.ok ? r.minor : `error: ${r.reason}`;
}

describe('parseMinor', () => {
  test('parses exact minor units without floating point error', () => {
    assert.equal(minor('0.29', DOT), 29); // 0.29 * 100 = 28.999999999999996 in floats
    assert.equal(minor('1,234.56', DOT), 123456);
    assert.equal(minor('-100.00', DOT), -10000);
    assert.equal(minor('12.30-', DOT), -1230);
    assert.equal(minor(' 7 ', DOT), 700);
    assert.equal(minor('.5', DOT), 50);
    assert.equal(minor('1.261,25', COMMA), 126125);
    assert.equal(minor('12,34', EITHER), 1234);
    assert.equal(minor('12.34', EITHER), 1234);
    assert.equal(minor('-0.00', EITHER), 0);
    assert.equal(minor('1.230', EITHER), 123); // trailing zero beyond the currency's digits is exact
    assert.equal(minor('5', { ...EITHER, impliedMinor: true }), 5);
    assert.equal(minor('1.5', EITHER, 0), 'error: "1.5" has more than 0 decimals');
  });

  test('rejects what is not an exact amount', () => {
    for (const bad of ['12.3x', 'abc', '1.2.3', '1,2.3', '', '-', '1.234', '12,34.5', '1,23,456.00']) {
      const fmt = bad === '12,34.5' || bad === '1,2.3' ? EITHER : DOT;
      assert.equal(parseMinor(bad, fmt, 2).ok, false, bad);
    }
  });
});

describe('money', () => {
  test('formats minor units per ISO 4217 exponent', () => {
    assert.equal(formatMinor(-1234, 'EUR'), '-12.34');
    assert.equal(formatMinor(5, 'GBP'), '0.05');
    assert.equal(formatMinor(1234, 'JPY'), '1234');
    assert.equal(formatMinor(1234, 'KWD'), '1.234');
    assert.equal(minorDigits('DKK'), 2);
  });
});

describe('parseDate', () => {
  test('reads every declared format into ISO and refuses impossible dates', () => {
    assert.equal(parseDate('2025-03-08', ['YYYY-MM-DD']), '2025-03-08');
    assert.equal(parseDate('08/03/2025', ['YYYY-MM-DD', 'DD/MM/YYYY']), '2025-03-08');
    assert.equal(parseDate('3/8/25', ['YYYY-MM-DD', 'DD/MM/YYYY', 'M/D/YY']), '2025-03-08');
    assert.equal(parseDate('20240229', ['YYYYMMDD']), '2024-02-29');
    assert.equal(parseDate('02 Mar 2026', ['DD MMM YYYY']), '2026-03-02');
    assert.equal(parseDate('1.3.2026', ['DD.MM.YYYY']), '2026-03-01');
    assert.equal(parseDate('2025-13-45', ['YYYY-MM-DD']), null);
    assert.equal(parseDate('20250229', ['YYYYMMDD']), null);
    assert.equal(parseDate('31/04/2025', ['DD/MM/YYYY']), null);
  });
});

describe('parseDimensions and parseDecimal', () => {
  test('splits UPS dimension text with odd spacing and case', () => {
    assert.deepEqual(parseDimensions('12.0x 9.0x 7.0', EITHER), { length: 12, width: 9, height: 7 });
    assert.deepEqual(parseDimensions('24.0X 12.0X  8.0', EITHER), { length: 24, width: 12, height: 8 });
    assert.deepEqual(parseDimensions('30,5x20x15', EITHER), { length: 30.5, width: 20, height: 15 });
    assert.equal(parseDimensions('24.0x12.0', EITHER), null);
    assert.equal(parseDimensions('axbxc', EITHER), null);
  });
  test('reads measurements', () => {
    assert.equal(parseDecimal('2,5', EITHER), 2.5);
    assert.equal(parseDecimal('100.6', EITHER), 100.6);
    assert.equal(parseDecimal('x', EITHER), null);
  });
});
