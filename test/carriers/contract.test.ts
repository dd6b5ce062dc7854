/**
 * The carrier contract, checked for every registered adapter: identity, frozen declarative
 * data, valid charge codes, documentation and fixtures, and detection that picks the right
 * carrier for every fixture while no other carrier claims it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CARRIERS } from '../../carriers/index.js';
import { isChargeCode } from '../../src/model/charge-codes.js';
import { detectCarrier } from '../../src/pipeline/detect.js';
import { needsConversion, sampleOf, type Prepared } from '../../src/pipeline/ingest.js';
import { landFile } from '../../src/pipeline/land.js';
import { convertedXlsx } from '../support/converted.js';
import { fixtureDirOf, goldenCases, ROOT, tempDir } from '../support/paths.js';

describe('carrier contract', () => {
  test('ids are unique kebab-case names', () => {
    const ids = CARRIERS.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  for (const c of CARRIERS) {
    describe(c.id, () => {
      test('adapter, locale and charge map are frozen data', () => {
        assert.ok(Object.isFrozen(c), 'adapter frozen');
        assert.ok(Object.isFrozen(c.locale), 'locale frozen');
        assert.ok(c.accepts.length > 0);
      });

      test('every charge mapping targets a canonical code, and no label is listed twice', () => {
        const seen = new Set<string>();
        for (const [label, code] of c.charges.labels) {
          assert.ok(isChargeCode(code), `${label} → ${code}`);
          assert.ok(label.trim() !== '', 'empty label');
          assert.ok(!seen.has(label.toLowerCase()), `label listed twice: ${label}`);
          seen.add(label.toLowerCase());
        }
        for (const [k, code] of [...Object.entries(c.charges.codes ?? {}), ...Object.entries(c.charges.classes ?? {})]) {
          assert.ok(isChargeCode(code), `${k} → ${code}`);
        }
        assert.ok(c.charges.labels.length > 0, 'the charge map is empty');
      });

      test('has a README and golden fixtures with expected files', () => {
        assert.ok(fs.existsSync(path.join(ROOT, 'carriers', c.id, 'README.md')), 'carriers/<id>/README.md');
        const dir = fixtureDirOf(c.id);
        assert.ok(fs.existsSync(dir), `${dir} exists`);
        assert.ok(goldenCases(dir).length >= 2, 'at least two golden cases');
      });
    });
  }
});

describe('detection picks the right carrier for every fixture, and no other carrier claims it', () => {
  const tmp = tempDir('etl-detect-');
  const prepared = new Map<string, { carrier: string; prepared: Prepared }>();

  before(async () => {
    for (const c of CARRIERS) {
      const dir = fixtureDirOf(c.id);
      if (!fs.existsSync(dir)) continue;
      for (const g of goldenCases(dir)) {
        const landed = await landFile(g.file, tmp.dir);
        const key = `${c.id}/${path.basename(g.file)}`;
        // legacy spreadsheets: converted by LibreOffice once for the whole suite (one start)
        const workbookPath = needsConversion(landed) ? await convertedXlsx(g.file) : landed.originalName.endsWith('.xlsx') ? landed.storedPath : null;
        prepared.set(key, { carrier: c.id, prepared: { landed, workbookPath } });
      }
    }
  });
  after(() => tmp.cleanup());

  test('every fixture', async () => {
    assert.ok(prepared.size > 0);
    const wrong: string[] = [];
    for (const [key, { carrier, prepared: p }] of prepared) {
      const sample = await sampleOf(p);
      const d = detectCarrier(sample, CARRIERS);
      if (!d.ok || d.carrier.id !== carrier) wrong.push(`${key}: ${d.ok ? `picked ${d.carrier.id}` : d.message}`);
      for (const other of CARRIERS) {
        if (other.id !== carrier && other.detect(sample) >= 0.5) wrong.push(`${key}: ${other.id} also claims it (${other.detect(sample)})`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
