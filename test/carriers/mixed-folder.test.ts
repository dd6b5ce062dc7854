/** A folder mixing every carrier's sample files ingests in one command, each file recognized. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { CARRIERS } from '../../carriers/index.js';
import { runCli } from '../support/cli.js';
import { fixtureDirOf, goldenCases, tempDir } from '../support/paths.js';

const tmp = tempDir('etl-mixed-');
after(() => tmp.cleanup());

test('etl ingest <folder> without --carrier loads every carrier\'s samples, each recognized', async () => {
  const folder = path.join(tmp.dir, 'inbox');
  fs.mkdirSync(folder);
  const expected = new Map<string, string>();
  let mismatches = 0;
  for (const c of CARRIERS) {
    for (const g of goldenCases(fixtureDirOf(c.id))) {
      const name = `${c.id}-${path.basename(g.file)}`;
      fs.copyFileSync(g.file, path.join(folder, name));
      expected.set(name, c.id);
      if (fs.readFileSync(g.expectedFile, 'utf8').includes('"total_mismatch"')) mismatches++;
    }
  }
  const r = await runCli(['--data-dir', path.join(tmp.dir, 'data'), '--json', 'ingest', folder]);
  const out = JSON.parse(r.stdout) as { results: { file: string; carrier: string; detected: boolean; status: string; message: string | null }[] };
  assert.deepEqual(
    out.results.map((x) => [x.file, x.carrier, x.status]).sort(),
    [...expected].map(([file, carrier]) => [file, carrier, 'loaded']).sort(),
    r.stderr,
  );
  assert.ok(out.results.every((x) => x.detected));
  // a sample that deliberately does not reconcile makes the run exit 1 (data problems)
  assert.equal(r.code, mismatches > 0 ? 1 : 0, r.stderr);
});
