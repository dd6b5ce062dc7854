/** Every carrier's golden sample invoices loaded into a test database (the demo data). */
import assert from 'node:assert/strict';
import { CARRIERS } from '../../carriers/index.js';
import type { Db } from '../../src/db/connect.js';
import { seedPostcodeCentroids } from '../../src/emissions/seed.js';
import { loadedFileIds } from '../../src/pipeline/ingest.js';
import { ingest } from './ingest.js';
import { fixtureDirOf, goldenCases } from './paths.js';

export async function loadGoldenSamples(db: Db, dataDir: string): Promise<void> {
  const loaded: number[] = [];
  for (const carrier of CARRIERS) {
    const results = await ingest(db, dataDir, goldenCases(fixtureDirOf(carrier.id)).map((c) => c.file), carrier.id);
    assert.deepEqual(results.map((r) => r.status), results.map(() => 'loaded'), carrier.id);
    loaded.push(...loadedFileIds(results));
  }
  // what `etl ingest` does after loading: the loaded US ZIPs' centroids
  await seedPostcodeCentroids(db.db, loaded);
}
