import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CsvReader, sniffDelimiter, type CsvRecord } from '../../src/parsing/csv.js';

function readAll(text: string, delimiter: string, chunkSize = text.length): { records: CsvRecord[]; end: ReturnType<CsvReader['end']>['end'] } {
  const r = new CsvReader(delimiter);
  const records: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunkSize) records.push(...r.push(text.slice(i, i + chunkSize)));
  const last = r.end();
  records.push(...last.records);
  return { records, end: last.end };
}

const SAMPLE = [
  '2.1,0000A12B34,"Order 55, back-order",x',
  '2.1,,"He said ""hi""",',
  '2.1,"multi',
  'line",z,',
  '2.1,a;b,c,d',
].join('\r\n') + '\r\n';

describe('CsvReader', () => {
  test('splits RFC-4180 fields: quoted delimiters, doubled quotes, line breaks in quotes, empty fields', () => {
    const { records, end } = readAll(SAMPLE, ',');
    assert.deepEqual(records.map((r) => r.fields), [
      ['2.1', '0000A12B34', 'Order 55, back-order', 'x'],
      ['2.1', '', 'He said "hi"', ''],
      ['2.1', 'multi\r\nline', 'z', ''],
      ['2.1', 'a;b', 'c', 'd'],
    ]);
    // physical line numbers: the multi-line record starts on line 3, the next one on line 5
    assert.deepEqual(records.map((r) => r.row), [1, 2, 3, 5]);
    assert.equal(end.endedWithoutNewline, false);
    assert.equal(end.unterminatedQuoteRow, null);
  });

  test('gives the same records whatever the chunk boundaries', () => {
    const whole = readAll(SAMPLE, ',').records;
    for (let size = 1; size <= SAMPLE.length; size++) {
      assert.deepEqual(readAll(SAMPLE, ',', size).records, whole, `chunk size ${size}`);
    }
  });

  test('handles LF files, a missing final newline and blank lines', () => {
    const { records, end } = readAll('a;b\n\nc;d', ';');
    assert.deepEqual(records.map((r) => r.fields), [['a', 'b'], ['c', 'd']]);
    assert.deepEqual(records.map((r) => r.row), [1, 3]);
    assert.equal(end.endedWithoutNewline, true);
  });

  test('reports a quote that is never closed', () => {
    const { end } = readAll('a,b\nc,"never closed\nmore', ',');
    assert.equal(end.unterminatedQuoteRow, 2);
  });
});

describe('sniffDelimiter', () => {
  test('prefers the delimiter with a steady count, ignoring those inside quotes', () => {
    assert.equal(sniffDelimiter('a;b;"c,d,e,f";g\n1;2;3;4\n'), ';');
    assert.equal(sniffDelimiter('a,b,c\n1,2,3\n'), ',');
    assert.equal(sniffDelimiter('Royal Mail Address|Document Type|Total Net\nx|y|z\n'), '|');
    assert.equal(sniffDelimiter('no delimiters here\n'), null);
  });
});

describe('CsvReader pick', () => {
  test('keeps only the picked columns, in pick order, and still counts every field', () => {
    const r = new CsvReader(',', { pick: [3, 0, 9] });
    const recs = [...r.push('a,b,"c,c",d,e\nf,"g""",h\n'), ...r.end().records];
    assert.deepEqual(recs.map((x) => [x.fields, x.width]), [
      [['d', 'a', ''], 5],
      [['', 'f', ''], 3],
    ]);
  });
});
