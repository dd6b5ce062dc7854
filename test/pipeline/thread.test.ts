/**
 * A big text file's pure steps run in a worker thread while the main thread loads
 * (pipeline/flow-thread.ts). Whatever thread they run on, the database must end up identical:
 * every text fixture of every carrier, the bad ones included, loaded once with the steps here
 * and once in a worker, on SQLite and on PostgreSQL, compared row by row.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CARRIERS } from '../../carriers/index.js';
import type { Db } from '../../src/db/connect.js';
import { ingestFile, type IngestContext } from '../../src/pipeline/ingest.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { snapshot } from '../support/ingest.js';
import { fixtureDirOf } from '../support/paths.js';
import { REAL_INVOICES } from '../support/real-invoices.js';

const TEXT = /\.(csv|txt)$/i;

/** Every text fixture of every carrier, good and bad, and every real invoice, with its carrier. */
const FIXTURES = CARRIERS.flatMap((adapter) => {
  const dir = fixtureDirOf(adapter.id);
  const bad = path.join(dir, 'bad');
  const files = [
    ...fs.readdirSync(dir).map((f) => path.join(dir, f)),
    ...(fs.existsSync(bad) ? fs.readdirSync(bad).map((f) => path.join(bad, f)) : []),
  ].filter((f) => TEXT.test(f));
  // the real invoices (../shared/real-invoices/<carrier>/, never copied here) when they are here
  const real = path.join(REAL_INVOICES, adapter.id);
  const reals = fs.existsSync(real) ? fs.readdirSync(real).map((f) => path.join(real, f)).filter((f) => TEXT.test(f)) : [];
  if (reals.length === 0 && ['ups', 'dhl', 'royal-mail'].includes(adapter.id) && (process.env.CI === 'true' || process.env.CI === '1')) {
    throw new Error(`no real ${adapter.id} invoices in ${real}: CI must have ../shared/real-invoices beside the project root`);
  }
  return [...files.sort(), ...reals.sort()].map((file) => ({ adapter, file }));
});

/** Counts the worker threads started while `fn` runs. */
async function countingWorkers<T>(fn: () => Promise<T>): Promise<[T, number]> {
  let n = 0;
  const seen = (): void => void n++;
  process.on('worker', seen);
  try {
    return [await fn(), n];
  } finally {
    process.off('worker', seen);
  }
}

/** Loads every fixture; says per file its outcome and how many worker threads it started. */
async function loadAll(db: Db, dataDir: string, ctx: Partial<IngestContext>): Promise<Array<{ outcome: string; workers: number }>> {
  const out: Array<{ outcome: string; workers: number }> = [];
  for (const { adapter, file } of FIXTURES) {
    const [r, workers] = await countingWorkers(() => ingestFile({ db, dataDir, runId: null, ...ctx }, adapter, file));
    out.push({ outcome: `${path.basename(file)} ${r.status} ${r.invoices} ${r.charges} ${r.unreconciled} ${r.warnings} ${r.errors}`, workers });
  }
  return out;
}

const SCENARIOS = [
  { name: 'every text fixture, good and bad, loads exactly as with the steps on the main thread', ctx: {} },
  // spillAt 1 and 700-byte reads: every batch spills, rows come back to written shipments
  { name: 'shipments spilled and continued across tiny batches come out the same', ctx: { spillAt: 1, readChunk: 700 } },
];

for (const dialect of DIALECTS) {
  for (const scenario of SCENARIOS) {
    describe(`a file's steps in a worker thread, on ${dialect}`, () => {
      const here = useTestDatabase(dialect);
      const there = useTestDatabase(dialect);

      test(scenario.name, async () => {
        assert.ok(FIXTURES.length >= 20, `only ${FIXTURES.length} text fixtures found`);
        const onMain = await loadAll(here.db, here.tdb.dataDir, { ...scenario.ctx, threadAt: Infinity });
        const inWorker = await loadAll(there.db, there.tdb.dataDir, { ...scenario.ctx, threadAt: 0 });
        assert.deepEqual(onMain.map((r) => r.workers), onMain.map(() => 0), 'threadAt Infinity: no worker');
        // a file stopped before parsing (empty, binary) never needs one; every loaded file ran in one
        for (const r of inWorker) if (r.outcome.includes(' loaded ')) assert.equal(r.workers, 1, r.outcome);
        assert.ok(inWorker.filter((r) => r.workers === 1).length >= FIXTURES.length - 4);
        assert.deepEqual(inWorker.map((r) => r.outcome), onMain.map((r) => r.outcome));
        assert.ok(onMain.some((r) => r.outcome.includes(' loaded ')) && onMain.some((r) => r.outcome.includes(' quarantined ')), 'good and bad files both present');
        assert.deepEqual(await snapshot(there.db), await snapshot(here.db));
      });
    });
  }
}
