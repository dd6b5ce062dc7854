/**
 * The compact exact set (src/model/string-set.ts) remembers what a carrier counted for a whole
 * file: it must answer exactly like a Map of Sets, through table growth and new pages, for keys
 * whose hashes collide, for many groups, and for texts beyond Latin-1 or longer than a page.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompactStringSet, hashText } from '../../src/model/string-set.js';

test('the set adds each key once and answers like a Set, through growth', () => {
  const s = new CompactStringSet();
  const ref = new Set<string>();
  for (let i = 0; i < 300_000; i++) {
    const k = `1Z${(i * 7919).toString(36).toUpperCase().padStart(16, '0')}`;
    assert.equal(s.add(k), !ref.has(k), k);
    ref.add(k);
    if (i % 3 === 0) assert.equal(s.add(k), false, k); // again: already there
  }
  assert.equal(s.size, ref.size);
  for (const k of ref) assert.ok(s.has(k), k);
  for (let i = 0; i < 10_000; i++) assert.equal(s.has(`1Y${i}`), false);
  // far smaller than strings in a Set: under 40 bytes a key here
  assert.ok(s.bytes < ref.size * 40, `${s.bytes} bytes for ${ref.size} keys`);
});

test('keys are per group: the same text in another group is another key', () => {
  const s = new CompactStringSet();
  const groups = 5_000;
  for (let g = 0; g < groups; g++) {
    assert.equal(s.add('1Z999AA10123456784', g), true);
    assert.equal(s.add(`T${g % 50}`, g), true);
  }
  for (let g = 0; g < groups; g++) {
    assert.equal(s.add('1Z999AA10123456784', g), false);
    assert.equal(s.add(`T${g % 50}`, g), false);
    assert.equal(s.has(`T${g % 50}`, g + groups), false);
  }
  assert.equal(s.size, groups * 2);
  // large group numbers take more varint bytes and still match exactly
  for (const g of [127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32 - 1]) {
    assert.equal(s.add('x', g), true);
    assert.equal(s.add('x', g), false);
    assert.equal(s.has('x', g), true);
  }
  assert.throws(() => s.add('x', -1), RangeError);
  assert.throws(() => s.add('x', 1.5), RangeError);
  assert.throws(() => s.has('x', 2 ** 32), RangeError);
});

test('keys whose hashes collide are told apart by their text', () => {
  // find pairs of distinct keys with the same 32-bit hash in the same table slot: a birthday
  // search over 2^17 keys gives a few full collisions
  const byHash = new Map<number, string>();
  const pairs: [string, string][] = [];
  for (let i = 0; pairs.length < 2 && i < 400_000; i++) {
    const k = `k${i}`;
    const h = hashText(k, Math.imul(0x811c9dc5 ^ 7, 0x01000193));
    const other = byHash.get(h);
    if (other !== undefined) pairs.push([other, k]);
    else byHash.set(h, k);
  }
  assert.ok(pairs.length > 0, 'no colliding pair found');
  const s = new CompactStringSet();
  for (const [a, b] of pairs) {
    assert.equal(s.add(a, 7), true);
    assert.equal(s.has(b, 7), false, `${b} collides with ${a} but was not added`);
    assert.equal(s.add(b, 7), true);
    assert.equal(s.add(a, 7), false);
    assert.equal(s.add(b, 7), false);
  }
  // keys sharing long prefixes (tracking numbers of one account) probe past each other
  const t = new CompactStringSet();
  for (let i = 0; i < 5_000; i++) assert.equal(t.add(`1ZTQ3JBD03044${String(i).padStart(5, '0')}`), true);
  for (let i = 0; i < 5_000; i++) assert.equal(t.add(`1ZTQ3JBD03044${String(i).padStart(5, '0')}`), false);
});

test('texts beyond Latin-1, empty and longer than a page are kept exactly', () => {
  const s = new CompactStringSet();
  const keys = ['', 'é', 'e\u0301', '\u00ff', '\u0100', 'Zürich-Ω', '😀', '\ud83d', 'x'.repeat(3 << 20), `${'y'.repeat(70_000)}Ω`];
  for (const k of keys) assert.equal(s.add(k, 1), true, JSON.stringify(k.slice(0, 10)));
  for (const k of keys) assert.equal(s.add(k, 1), false, JSON.stringify(k.slice(0, 10)));
  assert.equal(s.has('x'.repeat((3 << 20) - 1), 1), false);
  assert.equal(s.has('\u0101', 1), false);
  assert.equal(s.has('', 0), false);
  assert.equal(s.size, keys.length);
  // after a key of its own page, short keys go on a new page and are still found
  for (let i = 0; i < 50_000; i++) s.add(`after${i}`, 2);
  for (let i = 0; i < 50_000; i++) assert.equal(s.has(`after${i}`, 2), true);
  for (const k of keys) assert.equal(s.has(k, 1), true);
});
