import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDecoder, detach, endsMidUtf8Character, hasUnsafeText, looksBinary, printable, scrubText, Utf8Check } from '../../src/parsing/text.js';

function check(buf: Buffer, cuts: number[]): boolean {
  const c = new Utf8Check();
  let at = 0;
  for (const cut of [...cuts, buf.length]) {
    c.update(buf.subarray(at, cut));
    at = cut;
  }
  return c.result();
}

describe('Utf8Check', () => {
  const utf8 = Buffer.from('Zuschlag für große Pakete € 😀 Øre', 'utf8');
  const latin1 = Buffer.from('Wöchentliche Servicepauschale', 'latin1');

  test('accepts UTF-8 however the chunks cut through multi-byte characters', () => {
    for (let i = 0; i <= utf8.length; i++) {
      for (let j = i; j <= utf8.length; j += 3) assert.equal(check(utf8, [i, j]), true, `cuts ${i},${j}`);
    }
  });

  test('rejects Latin-1 bytes, and a file that ends inside a character', () => {
    for (let i = 0; i <= latin1.length; i++) assert.equal(check(latin1, [i]), false, `cut ${i}`);
    assert.equal(check(utf8.subarray(0, utf8.indexOf(0xf0) + 2), []), false);
  });
});

describe('decoding', () => {
  test('cp1252 decodes the euro sign and umlauts (Node 20 TextDecoder gets 0x80 wrong)', async () => {
    const d = await createDecoder('cp1252');
    assert.equal(d.write(Buffer.from([0x80, 0x20, 0xe4, 0xf6])) + d.end(), '€ äö');
  });
  test('cp1252: every byte value decodes as iconv-lite decodes it, in chunks with and without 0x80-0x9F', async () => {
    const iconv = (await import('iconv-lite')).default;
    const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b));
    const d = await createDecoder('cp1252');
    // chunks of 1..32 bytes: some hold only ASCII/Latin-1 bytes, some hold cp1252's own
    let got = '';
    for (let i = 0, n = 1; i < all.length; i += n, n = (n % 32) + 1) got += d.write(all.subarray(i, i + n));
    got += d.end();
    assert.equal(got, iconv.decode(all, 'cp1252'));
    assert.ok(got.includes('€') && got.includes('ä') && got.includes('Ÿ'));
  });
  test('utf8 strips the BOM and joins characters split across chunks', async () => {
    const d = await createDecoder('utf8');
    const b = Buffer.from('\ufeffgroße', 'utf8');
    assert.equal(d.write(b.subarray(0, 7)) + d.write(b.subarray(7)) + d.end(), 'große');
  });
  test('binary detection', () => {
    assert.equal(looksBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])), true);
    assert.equal(looksBinary(Buffer.from('2.1,0000A12B34,DE\r\n', 'latin1')), false);
  });
  test('detach returns an equal string', () => {
    const big = 'x'.repeat(100_000);
    assert.equal(detach(big.slice(10, 40)), big.slice(10, 40));
    assert.equal(detach('short'), 'short');
  });
});

describe('text fields hold no control characters (same text on SQLite and PostgreSQL)', () => {
  test('NUL, ESC, DEL and C1 controls are removed and named; tab, line breaks and real text stay', () => {
    assert.deepEqual(scrubText('Fuel\u0000Surcharge'), { text: 'FuelSurcharge', found: ['U+0000'] });
    assert.deepEqual(scrubText('\u001b[1mZone\u007f 5\u0085'), { text: '[1mZone 5', found: ['U+001B', 'U+007F', 'U+0085'] });
    assert.equal(hasUnsafeText('Zustellung\tam Samstag\r\nStraße 😀 €'), false);
  });

  test('a lone UTF-16 surrogate becomes U+FFFD; a proper pair (an emoji) is kept', () => {
    assert.deepEqual(scrubText('a\ud83db'), { text: 'a\ufffdb', found: ['U+D83D'] });
    assert.deepEqual(scrubText('x\ude00'), { text: 'x\ufffd', found: ['U+DE00'] });
    assert.equal(hasUnsafeText('\ud83d\ude00'), false);
  });

  test('printable shows them as escapes for messages and logs', () => {
    assert.equal(printable('a\u0000b\u001bc'), 'a\\u0000b\\u001bc');
    assert.equal(printable('plain'), 'plain');
  });
});

describe('endsMidUtf8Character', () => {
  test('a UTF-8 text cut inside a character, in any chunking', () => {
    const cut = Buffer.from('Straße', 'utf8').subarray(0, 5); // 'Stra' + first byte of ß
    assert.equal(endsMidUtf8Character([cut]), true);
    assert.equal(endsMidUtf8Character([cut.subarray(0, 2), cut.subarray(2)]), true);
  });

  test('complete UTF-8 and Latin-1 text are not cut off', () => {
    assert.equal(endsMidUtf8Character([Buffer.from('Straße', 'utf8')]), false);
    assert.equal(endsMidUtf8Character([Buffer.from('Straße ä', 'latin1')]), false);
  });
});
