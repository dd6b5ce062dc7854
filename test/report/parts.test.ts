/** The report's pure parts: histogram bins in integer minor units, and JSON safe inside a page. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binOf, floorDiv, niceStep, shipmentBins } from '../../src/report/data.js';
import { scriptJson } from '../../src/report/html.js';

describe('report parts', () => {
  test('floorDiv rounds down for negative totals too', () => {
    assert.deepEqual([floorDiv(7, 2), floorDiv(-7, 2), floorDiv(-8, 2), floorDiv(0, 5), floorDiv(-1, 1000)], [3, -4, -4, 0, -1]);
  });

  test('niceStep picks 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual([0, 1, 2, 3, 6, 11, 999, 1001].map(niceStep), [1, 1, 2, 5, 10, 20, 1000, 2000]);
  });

  test('bins cover credits, reach the 95th percentile (9400 here) and put the tail in one overflow bin', () => {
    const values = [{ total_minor: -350, count: 1 }, ...Array.from({ length: 98 }, (_, i) => ({ total_minor: 100 * (i + 1), count: 1 })), { total_minor: 1_000_000, count: 1 }];
    const bins = shipmentBins(values, 'EUR');
    assert.equal(bins.width_minor, 500);
    assert.equal(bins.start_minor, -500);
    assert.equal(bins.overflow, true);
    assert.equal(binOf(bins, -350), 0);
    assert.equal(binOf(bins, -1), 0);
    assert.equal(binOf(bins, 0), 1);
    assert.equal(binOf(bins, 1_000_000), bins.count);
    // every regular bin starts below the percentile; the overflow starts above it
    assert.ok(bins.start_minor + (bins.count - 1) * bins.width_minor <= 9400);
    assert.ok(bins.start_minor + bins.count * bins.width_minor > 9400);
  });

  test('one distinct total still gets a sensible bin, in the currency\'s own unit', () => {
    const eur = shipmentBins([{ total_minor: 0, count: 3 }], 'EUR');
    assert.deepEqual([eur.start_minor, eur.width_minor, eur.count, eur.overflow], [0, 5, 1, false]);
    const jpy = shipmentBins([{ total_minor: 1500, count: 2 }], 'JPY');
    assert.equal(binOf(jpy, 1500) < jpy.count, true);
    assert.equal(jpy.overflow, false);
  });

  test('embedded JSON cannot close its script element', () => {
    const tricky = { d: '</script><script>alert(1)</script><!-- & \u2028\u2029' };
    const text = scriptJson(tricky);
    assert.doesNotMatch(text, /<|>|&|\u2028|\u2029/);
    assert.deepEqual(JSON.parse(text), tricky);
  });
});
