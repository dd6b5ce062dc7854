/**
 * Issue 8, defect 4: a hostile workbook must not hang the ingest. A 1.5 KB .xlsx whose cells are
 * A1 and XFD1048576 (a 17-billion-cell range) and a zip bomb are quarantined with a message that
 * names the limit and the numbers, and the files after them still load; the run ends, not
 * `running`. Reading is bounded in rows, columns, cells, unzipped bytes, memory and time.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { readWorkbookBounded, readWorkbookFile, WORKBOOK_LIMITS, WorkbookLimitError, type WorkbookLimitKind } from '../../src/parsing/xlsx.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS } from '../support/databases.js';
import { fixtureDirOf, tempDir } from '../support/paths.js';
import { row, sheetXml, writeHostileXlsx } from '../support/workbooks.js';

const tmp = tempDir('etl-wb-limits-');
after(() => tmp.cleanup());

const GOOD = path.join(fixtureDirOf('ups'), 'de-adjustments.csv');

/** The defect's instance: cells A1 and XFD1048576 only. */
async function bigRangeWorkbook(name: string): Promise<string> {
  const file = path.join(tmp.dir, name);
  await writeHostileXlsx(file, sheetXml('A1:XFD1048576', row(1, ['A1', 'Invoice']), row(1_048_576, ['XFD1048576', 1])));
  return file;
}

const bombs = new Map<string, Promise<string>>();
/** A zip bomb: ~0.5 MB on disk, its sheet XML 240 MB of empty rows once inflated (made once per kind). */
function zipBomb(name: string, declaredSheetSize?: number): Promise<string> {
  const file = path.join(tmp.dir, name);
  if (!bombs.has(file)) {
    const made = writeHostileXlsx(file, sheetXml('A1', row(1, ['A1', 'Invoice']), { repeat: '<row r="1"/>', times: 20_000_000 }), { declaredSheetSize });
    bombs.set(file, made.then(() => file));
  }
  return bombs.get(file) as Promise<string>;
}

function limitsOf(err: unknown): readonly WorkbookLimitKind[] {
  assert.ok(err instanceof WorkbookLimitError, `expected a WorkbookLimitError, got ${String(err)}`);
  return err.limits;
}

interface CliOut {
  readonly runId: number;
  readonly results: { file: string; status: string; message: string | null }[];
}

for (const dialect of DIALECTS) {
  describe(`hostile workbooks on ${dialect} (issue 8 defect 4: a bad workbook never costs the run)`, () => {
    test('the A1 + XFD1048576 workbook is quarantined naming the row, column and cell limits; the next file loads; the run ends', async () => {
      const tdb = await createTestDatabase(dialect);
      try {
        const hostile = await bigRangeWorkbook(`big-range-${dialect}.xlsx`);
        const r = await runCli(['--db', tdb.url, '--data-dir', tdb.dataDir, '--json', 'ingest', hostile, GOOD]);
        assert.equal(r.code, 1, r.stderr);
        const out = JSON.parse(r.stdout) as CliOut;
        const [bad, good] = out.results;
        assert.equal(bad?.status, 'quarantined');
        assert.match(bad?.message ?? '', /XFD1048576/);
        assert.match(bad?.message ?? '', /1,048,576 rows × 16,384 columns/);
        assert.match(bad?.message ?? '', /row limit \(100,000\), column limit \(1,024\) and cell limit \(1,000,000\)/);
        assert.equal(good?.status, 'loaded', 'the file after the hostile one still loads');

        const db = await tdb.open();
        try {
          const runs = await db.db.selectFrom('etl_runs').select(['status', 'files_loaded', 'files_quarantined']).execute();
          assert.deepEqual(runs, [{ status: 'data_problems', files_loaded: 1, files_quarantined: 1 }], 'the run record ends, not running');
          const issues = await db.db.selectFrom('data_issues').select(['code', 'message']).where('code', '=', 'workbook_limit').execute();
          assert.equal(issues.length, 1);
          assert.match(issues[0]?.message ?? '', /^big-range-\w+\.xlsx: /, 'the message names the file');
        } finally {
          await db.close();
        }
      } finally {
        await tdb.drop();
      }
    });

    test('a zip bomb (0.5 MB unzipping to 240 MB) is quarantined by its declared size before inflating; the next file loads', async () => {
      const tdb = await createTestDatabase(dialect);
      try {
        const bomb = await zipBomb('bomb.xlsx');
        const r = await runCli(['--db', tdb.url, '--data-dir', tdb.dataDir, '--json', 'ingest', bomb, GOOD]);
        assert.equal(r.code, 1, r.stderr);
        const out = JSON.parse(r.stdout) as CliOut;
        assert.equal(out.results[0]?.status, 'quarantined');
        assert.match(out.results[0]?.message ?? '', /unzips to at least 229 MiB; the limit is 128 MiB/);
        assert.equal(out.results[1]?.status, 'loaded');
      } finally {
        await tdb.drop();
      }
    });
  });
}

describe('reading one workbook is bounded (issue 8 defect 4)', () => {
  test('only cells that exist are read: a declared A1:XFD1048576 range over six real cells gives a 2 × 3 grid', async () => {
    const file = path.join(tmp.dir, 'declared-huge.xlsx');
    await writeHostileXlsx(file, sheetXml('A1:XFD1048576', row(1, ['A1', 'Invoice'], ['C1', 7405120931]), row(2, ['A2', 'Total'], ['B2', 'DKK'], ['C2', 1234.5])));
    const [sheet] = await readWorkbookBounded(file);
    assert.deepEqual(sheet?.rows, [
      ['Invoice', '', '7405120931'],
      ['Total', 'DKK', '1234.5'],
    ]);
  });

  test('a sheet with more real rows than the row limit is refused, naming the limit and the last row', async () => {
    const file = path.join(tmp.dir, 'many-rows.xlsx');
    await writeHostileXlsx(file, sheetXml('A1', ...Array.from({ length: 60 }, (_, i) => row(i + 1, [`A${i + 1}`, i]))));
    assert.throws(
      () => readWorkbookFile(file, { ...WORKBOOK_LIMITS, maxRows: 50 }),
      (err: unknown) => limitsOf(err).join() === 'rows' && /row 60 .*past the per-sheet row limit \(50\)$/.test((err as Error).message),
    );
    assert.equal(readWorkbookFile(file, { ...WORKBOOK_LIMITS, maxRows: 60 })[0]?.rows.length, 60, 'at the limit it reads');
  });

  test('a zip entry that inflates past the size its directory declares is refused (a lying zip bomb)', async () => {
    const file = await zipBomb('lying-bomb.xlsx', 5_000);
    await assert.rejects(readWorkbookBounded(file), (err: unknown) => limitsOf(err).join() === 'unzipped' && /sheet1\.xml .*more than the 5,000 bytes its zip directory declares/.test((err as Error).message));
  });

  test('past the memory limit the reading worker is stopped and the file refused; this process goes on', async () => {
    const file = path.join(tmp.dir, 'heavy.xlsx');
    // 100k real cells: tens of MB of SheetJS objects, far over an 8 MB heap
    const rows = Array.from({ length: 10_000 }, (_, i) => row(i + 1, ...Array.from({ length: 10 }, (_, c): [string, string] => [`${String.fromCharCode(65 + c)}${i + 1}`, `text ${i} ${c}`])));
    await writeHostileXlsx(file, sheetXml('A1:J10000', ...rows));
    await assert.rejects(readWorkbookBounded(file, { ...WORKBOOK_LIMITS, maxHeapMb: 8 }), (err: unknown) => limitsOf(err).join() === 'memory' && /limit of 8 MB/.test((err as Error).message));
    assert.equal((await readWorkbookBounded(file))[0]?.rows.length, 10_000, 'within the real limits the same file reads');
  });

  test('past the time limit the reading worker is terminated and the file refused', async () => {
    const file = await bigRangeWorkbook('slow.xlsx');
    // no worker can start, load SheetJS and read a workbook in 1 ms
    await assert.rejects(readWorkbookBounded(file, { ...WORKBOOK_LIMITS, timeoutMs: 1 }), (err: unknown) => limitsOf(err).join() === 'time');
  });
});
