/** Every bad input is quarantined with the issue its expected file names, and a clear message. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { useTestDatabase } from '../support/databases.js';
import { ingest } from '../support/ingest.js';
import { goldenCases, UPS_FIXTURES } from '../support/paths.js';

const expectedSchema = z.object({
  status: z.literal('quarantined'),
  code: z.string(),
  source_row: z.number().int().nullable(),
  source_column: z.string().nullable(),
});

const cases = goldenCases(path.join(UPS_FIXTURES, 'bad'));

describe('UPS bad inputs', () => {
  const t = useTestDatabase('sqlite');

  test('there are bad inputs to walk', () => {
    assert.ok(cases.length >= 7, `found ${cases.length}`);
  });

  for (const c of cases) {
    test(c.name, async () => {
      const expected = expectedSchema.parse(JSON.parse(fs.readFileSync(c.expectedFile, 'utf8')));
      const [r] = await ingest(t.db, t.tdb.dataDir, [c.file]);
      assert.equal(r?.status, 'quarantined');
      const file = await t.db.db.selectFrom('source_files').selectAll().where('id', '=', r?.sourceFileId ?? -1).executeTakeFirstOrThrow();
      assert.equal(file.status, 'quarantined');
      assert.ok(fs.existsSync(file.stored_path), 'raw copy kept in the landing store');
      assert.deepEqual(fs.readFileSync(file.stored_path), fs.readFileSync(c.file));
      const issues = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', file.id).where('severity', '=', 'error').orderBy('id').execute();
      const hit = issues.find((i) => i.code === expected.code);
      assert.ok(hit, `expected a ${expected.code} issue, got ${issues.map((i) => `${i.code}: ${i.message}`).join(' | ')}`);
      assert.equal(hit.source_row, expected.source_row);
      assert.equal(hit.source_column, expected.source_column);
      // the message names the file, and the row and column when there are any
      const name = path.basename(c.file);
      assert.ok(hit.message.startsWith(name), hit.message);
      if (expected.source_row !== null) assert.ok(hit.message.includes(`row ${expected.source_row}`), hit.message);
      if (expected.source_column !== null) assert.ok(hit.message.includes(`column ${expected.source_column}`), hit.message);
      assert.equal(file.message, issues[0]?.message);
      // nothing partial reached the data tables
      const rows = await t.db.db.selectFrom('charges').select('id').where('source_file_id', '=', file.id).execute();
      assert.equal(rows.length, 0);
    });
  }
});
