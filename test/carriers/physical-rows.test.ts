/**
 * Issue 8, defects 8 and 10: a quoted field holding a line break must neither hide a valid file
 * (delimiter sniffing and detection read the sample with the CSV reader, quotes included) nor
 * shift the row numbers of messages, which are the file's physical lines, 1-based, everywhere;
 * and a problem with invoice fields read from a summary row is reported on that row.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { CARRIERS, findCarrier } from '../../carriers/index.js';
import type { ParseBatch } from '../../src/carrier-kit/contract.js';
import { detectCarrier } from '../../src/pipeline/detect.js';
import { CsvReader } from '../../src/parsing/csv.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { ingest } from '../support/ingest.js';
import { fixtureDirOf, tempDir } from '../support/paths.js';
import { textInput, textSample } from '../support/parse-input.js';

/** A fixture's text (UTF-8, or Latin-1 read byte for byte), and how to write it back. */
function fixture(carrier: string, name: string): { text: string; encode: (t: string) => Buffer } {
  const bytes = fs.readFileSync(path.join(fixtureDirOf(carrier), name));
  const utf8 = isUtf8(bytes);
  return { text: bytes.toString(utf8 ? 'utf8' : 'latin1'), encode: (t) => Buffer.from(t, utf8 ? 'utf8' : 'latin1') };
}

/** `text` with field `col` (0-based) of physical line `line` changed by `edit`, re-quoted as needed. */
function editField(text: string, delimiter: string, line: number, col: number, edit: (v: string) => string): string {
  const lines = text.split('\n');
  const target = lines[line - 1] ?? '';
  const cr = target.endsWith('\r') ? '\r' : '';
  const reader = new CsvReader(delimiter);
  const [rec] = [...reader.push(`${target.slice(0, target.length - cr.length)}\n`), ...reader.end().records];
  assert.ok(rec, `line ${line}`);
  const fields = rec.fields.map((v, i) => (i === col ? edit(v) : v));
  lines[line - 1] = fields.map((v) => (/["\n\r]/.test(v) || v.includes(delimiter) ? `"${v.replaceAll('"', '""')}"` : v)).join(delimiter) + cr;
  return lines.join('\n');
}

async function parseAll(carrier: string, text: string): Promise<ParseBatch[]> {
  const adapter = findCarrier(carrier);
  assert.ok(adapter);
  const out: ParseBatch[] = [];
  for await (const b of adapter.parse(textInput(text, 13))) out.push(b);
  return out;
}

const UPS_DESCRIPTION = 45; // col 46 Charge Description
/** A UPS file whose row 3 has a quoted description with a line break (the reported instance). */
const upsMultiLine = editField(fixture('ups', 'us-multipiece-inches.csv').text, ',', 3, UPS_DESCRIPTION, (v) => `${v}\nsee note`);
/** A GLS header CSV whose row 2 has a reference with a line break (sibling). */
const gls = fixture('gls', 'de-header-two-invoices.csv');
const glsMultiLine = editField(gls.text, ';', 2, 4, (v) => `${v}\nRampe 4; Tor "B"`);

describe('a quoted line break neither hides a file nor shifts row numbers (issue 8: 8, 10)', () => {
  test('UPS: a description with a line break on row 3 is recognised as UPS and parsed; later rows keep their physical line', async () => {
    const d = detectCarrier(textSample(upsMultiLine), CARRIERS);
    assert.ok(d.ok && d.carrier.id === 'ups', d.ok ? d.carrier.id : d.message);
    const batches = await parseAll('ups', upsMultiLine);
    assert.deepEqual(batches.flatMap((b) => b.issues).filter((i) => i.severity === 'error'), []);
    const rows = batches.flatMap((b) => b.lines).map((l) => l.row);
    // the record of line 3 spans lines 3-4: the next one starts on line 5
    assert.deepEqual(rows.slice(0, 4), [1, 2, 3, 5]);
    assert.equal(batches.flatMap((b) => b.lines).find((l) => l.row === 3)?.charges[0]?.description.endsWith('\nsee note'), true);
  });

  test('GLS header CSV (sibling): a reference with a line break and a `;` on row 2 is recognised and parsed', async () => {
    const d = detectCarrier(textSample(glsMultiLine), CARRIERS);
    assert.ok(d.ok && d.carrier.id === 'gls', d.ok ? d.carrier.id : d.message);
    const batches = await parseAll('gls', glsMultiLine);
    assert.deepEqual(batches.flatMap((b) => b.issues).filter((i) => i.severity === 'error'), []);
    assert.deepEqual(batches.flatMap((b) => b.lines).map((l) => l.row).slice(0, 3), [2, 4, 5]);
  });
});

for (const dialect of DIALECTS) {
  describe(`row numbers are physical lines on ${dialect} (issue 8: 8, 10)`, () => {
    const t = useTestDatabase(dialect);
    const tmp = tempDir('etl-rows-');
    after(() => tmp.cleanup());
    const write = (name: string, bytes: Buffer): string => {
      const file = path.join(tmp.dir, name);
      fs.writeFileSync(file, bytes);
      return file;
    };

    test('UPS with --carrier ups: the file with a multi-line description on row 3 loads, each charge at its physical line', async () => {
      const [r] = await ingest(t.db, t.tdb.dataDir, [write(`ups-multiline-${dialect}.csv`, Buffer.from(upsMultiLine))], 'ups');
      assert.equal(r?.status, 'loaded', r?.message ?? '');
      const rows = await t.db.db.selectFrom('charges').select('source_row').where('source_file_id', '=', r?.sourceFileId ?? -1).orderBy('source_row').execute();
      assert.ok(rows.some((c) => c.source_row === 5) && !rows.some((c) => c.source_row === 4), JSON.stringify(rows.map((c) => c.source_row)));
    });

    test('Royal Mail: 31 Feb 2025 in the summary row on line 2 is reported at row 2, column 8 Invoice Date', async () => {
      const rm = fixture('royal-mail', '20250310_9005919005_Invoice_0397009237.csv');
      assert.ok(rm.text.split('\n')[1]?.includes('|10 Mar 2025|'));
      const text = rm.text.replace('|10 Mar 2025|', '|31 Feb 2025|');
      const [r] = await ingest(t.db, t.tdb.dataDir, [write(`rm-31-feb-${dialect}.csv`, rm.encode(text))], 'royal-mail');
      assert.equal(r?.status, 'quarantined');
      const bad = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', r?.sourceFileId ?? -1).where('code', '=', 'bad_date').execute();
      assert.deepEqual(bad.map((i) => [i.source_row, i.source_column]), [[2, '8 Invoice Date']]);
      assert.match(bad[0]?.message ?? '', /row 2, column 8 Invoice Date: "31 Feb 2025"/);
    });

    test('GLS (sibling): a bad invoice date on the record after a multi-line reference is reported at its physical line 4', async () => {
      const text = editField(glsMultiLine, ';', 4, 1, () => '31.02.2025');
      const [r] = await ingest(t.db, t.tdb.dataDir, [write(`gls-bad-date-${dialect}.csv`, gls.encode(text))], 'gls');
      assert.equal(r?.status, 'quarantined');
      const bad = await t.db.db.selectFrom('data_issues').selectAll().where('source_file_id', '=', r?.sourceFileId ?? -1).where('code', '=', 'bad_date').execute();
      assert.deepEqual(bad.map((i) => [i.source_row, i.source_column]), [[4, 'Rechnungsdatum']]);
    });
  });
}
