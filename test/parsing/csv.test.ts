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

describe('CsvReader, lines with and without quotes', () => {
  // a seeded generator: the same "random" files on every run
  function rng(seed: number): () => number {
    let x = seed >>> 0;
    return () => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return x / 2 ** 32;
    };
  }
  const PLAIN = ['', '', '', 'a', 'bc', '1.50', ' x ', 'a\rb', '1Z999AA10123456784'];
  const QUOTED: readonly [string, string][] = [['"q,1"', 'q,1'], ['"say ""hi"""', 'say "hi"'], ['"two\nlines"', 'two\nlines'], ['""', '']];

  /** A file of random lines, and each record's fields as a reader must return them. */
  function randomFile(seed: number, quotes: boolean): { text: string; expected: { row: number; fields: string[] }[] } {
    const next = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    const lines: string[] = [];
    const expected: { row: number; fields: string[] }[] = [];
    let row = 1;
    for (let n = 0; n < 300; n++) {
      const width = 2 + Math.floor(next() * 30);
      const raw: string[] = [];
      const fields: string[] = [];
      for (let c = 0; c < width; c++) {
        if (quotes && next() < 0.05) {
          const [text, value] = pick(QUOTED);
          raw.push(text);
          fields.push(value);
        } else {
          const v = pick(PLAIN);
          raw.push(v);
          fields.push(v);
        }
      }
      expected.push({ row, fields });
      row += 1 + fields.join('').split('\n').length - 1;
      lines.push(raw.join(',') + (next() < 0.5 ? '\r\n' : '\n'));
    }
    return { text: lines.join(''), expected };
  }

  for (const quotes of [false, true]) {
    test(`every field of every line, all columns or picked ones, whatever the chunks (${quotes ? 'some quoted fields' : 'no quotes'})`, () => {
      for (let seed = 1; seed <= 6; seed++) {
        const { text, expected } = randomFile(seed, quotes);
        const pickCols = [7, 0, 3, 40, 12];
        for (const chunk of [text.length, 997, 64, 7]) {
          const all = new CsvReader(',');
          const picked = new CsvReader(',', { pick: pickCols });
          const got: CsvRecord[] = [];
          const gotPicked: CsvRecord[] = [];
          for (let i = 0; i < text.length; i += chunk) {
            got.push(...all.push(text.slice(i, i + chunk)));
            gotPicked.push(...picked.push(text.slice(i, i + chunk)));
          }
          got.push(...all.end().records);
          gotPicked.push(...picked.end().records);
          const at = `seed ${seed}, chunk ${chunk}`;
          assert.deepEqual(got.map((r) => ({ row: r.row, fields: r.fields })), expected, at);
          assert.deepEqual(gotPicked.map((r) => r.width), expected.map((e) => e.fields.length), at);
          assert.deepEqual(gotPicked.map((r) => r.fields), expected.map((e) => pickCols.map((c) => e.fields[c] ?? '')), at);
        }
      }
    });
  }
});
