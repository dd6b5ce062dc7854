/** The report's pure parts: histogram bins in integer minor units, and JSON safe inside a page. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { binOf, floorDiv, niceStep, shipmentBins } from '../../src/report/data.js';
import { scriptJson } from '../../src/report/html.js';
import { linkClientScript } from '../../src/report/client-script.js';
import { tempDir } from '../support/paths.js';

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

describe('report client linking (client-script.ts)', () => {
  const tmp = tempDir('client-link-');
  after(() => tmp.cleanup());
  const write = (name: string, text: string): string => {
    const file = path.join(tmp.dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  test('the compiled client links into one script: dependencies first, no import or export left, the shared money helpers included', () => {
    const script = linkClientScript();
    assert.doesNotMatch(script, /^\s*(import|export)\s/m);
    const at = (name: string) => script.indexOf(`function ${name}(`);
    assert.ok(at('formatMinorDigits') >= 0 && at('formatMinorDigits') < at('formatAmount'), 'minor-units.ts comes before the page kit that uses it');
    assert.ok(at('renderSpend') < at('render'), 'sections come before the entry');
    assert.doesNotMatch(script, /<\/script/i);
  });

  test('modules are linked once each, in dependency order', () => {
    write('a/shared.js', 'export function twice(x) {\n    return 2 * x;\n}\n//# sourceMappingURL=shared.js.map\n');
    write('a/one.js', "import { twice } from './shared.js';\nexport const ONE = twice(1);\n");
    const entry = write('a/main.js', "import { twice } from './shared.js';\nimport { ONE } from './one.js';\nexport {};\nconsole.log(twice(ONE));\n");
    const script = linkClientScript(entry);
    assert.equal(script.match(/function twice/g)?.length, 1);
    assert.ok(script.indexOf('function twice') < script.indexOf('const ONE') && script.indexOf('const ONE') < script.indexOf('console.log'));
    assert.doesNotMatch(script, /sourceMappingURL|export|import/);
  });

  test('what the linker cannot honour is refused naming the module: packages, renamed imports, re-exports, clashing names', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['pkg.js', "import { Chart } from 'chart.js';\n", /pkg\.js: import of 'chart\.js'/],
      ['rename.js', "import { twice as double } from './a/shared.js';\n", /rename\.js: renamed import/],
      ['reexport.js', "export * from './a/shared.js';\n", /reexport\.js: unsupported export/],
      ['clash.js', "import { twice } from './a/shared.js';\nfunction twice() {}\n", /clash\.js: the top-level name twice is also declared/],
    ];
    for (const [name, text, message] of cases) assert.throws(() => linkClientScript(write(name, text)), message);
  });
});
