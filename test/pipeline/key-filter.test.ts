/**
 * The loader's filter of written shipments (pipeline/key-filter.ts) decides whether a newly
 * opened shipment is looked up in the database: it must never miss a key it was given (the
 * shipment would be inserted twice), and may only rarely say yes to one it was not.
 * And a load batch crosses from the worker thread packed (pipeline/flow-thread.ts): it must
 * arrive with every charge field where it was.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portableBatch, revivedBatch } from '../../src/pipeline/flow-thread.js';
import type { LoadBatch } from '../../src/pipeline/flow.js';
import { KeyFilter } from '../../src/pipeline/key-filter.js';

test('the key filter never misses a key it was given, through growth', () => {
  const f = new KeyFilter();
  const keys: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    const k = `INV-${i % 7}\u00001Z${(i * 7919).toString(36).toUpperCase()}`;
    keys.push(k);
    f.add(k);
    f.add(k); // twice: counted once
  }
  // keys with the same 32-bit hash count once: ~4.6 such pairs are expected among 200k keys
  const distinct = new Set(keys).size;
  assert.ok(f.size <= distinct && f.size > distinct - 20, `${f.size} hashes for ${distinct} keys`);
  for (const k of keys) assert.ok(f.mightHave(k), k);
});

test('the key filter rarely says yes to a key it was not given', () => {
  const f = new KeyFilter();
  assert.equal(f.mightHave('anything'), false);
  for (let i = 0; i < 100_000; i++) f.add(`a${i}`);
  let wrong = 0;
  for (let i = 0; i < 100_000; i++) if (f.mightHave(`b${i}`)) wrong++;
  // 32-bit hashes: about 100k / 2^32 per look-up, so ~0 of 100k; 10 would mean a broken hash
  assert.ok(wrong < 10, `${wrong} false positives`);
});

test('a load batch crosses the thread boundary with its charges intact', () => {
  const charge = (row: number, over: Partial<LoadBatch['charges'][number]> = {}): LoadBatch['charges'][number] => ({
    invoiceKey: 'acct\u0000inv',
    trackingNumber: `1Z${row}`,
    chargeCode: 'freight',
    chargeDescription: `desc ${row}`,
    amountMinor: row * 100 + 7,
    incentiveMinor: row % 2 === 0 ? null : -row,
    currency: 'USD',
    sourceRow: row,
    carrierCode: `C${row}`,
    carrierClass: `K${row}`,
    adjustmentKind: row % 3 === 0 ? 'correction' : null,
    ...over,
  });
  const batch: LoadBatch = {
    newInvoices: [],
    opened: [{ invoiceKey: 'acct\u0000inv', facts: { trackingNumber: '1Z1' } }],
    charges: [
      charge(1), charge(2), charge(3, { trackingNumber: null, amountMinor: Number.MAX_SAFE_INTEGER }),
      charge(4, { amountMinor: -Number.MAX_SAFE_INTEGER, incentiveMinor: 0, chargeDescription: '', carrierCode: '' }),
      // texts repeated across the batch, and one text that two fields share
      charge(5, { chargeDescription: 'desc 1', carrierCode: 'USD', carrierClass: 'K1' }),
    ],
    spilled: [],
  };
  const portable = portableBatch(batch);
  const arrived = revivedBatch(structuredClone(portable.batch, { transfer: portable.transfer }));
  assert.deepEqual(arrived.charges, batch.charges);
  assert.deepEqual(arrived.opened, batch.opened);
});
