/**
 * "No carrier recognizes this file" says why when the bytes tell: UTF-16 text, a spreadsheet or
 * binary file with a .csv name, a file cut off in the middle of a character, bytes that decode in
 * none of the expected encodings. The file is quarantined with that reason, on both databases.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import XLSX from 'xlsx';
import { CARRIERS, findCarrier } from '../../carriers/index.js';
import { ingestPaths, type FileResult } from '../../src/pipeline/ingest.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { fixtureDirOf, tempDir, UPS_FIXTURES } from '../support/paths.js';

const UPS_TEXT = fs.readFileSync(path.join(UPS_FIXTURES, 'us-multipiece-inches.csv'), 'latin1');
const NOTES = 'Datum;Notiz;Betrag\n2025-03-01;Mittagessen in der Straße;12,50\n2025-03-02;Größere Bestellung;7,00\n';

for (const dialect of DIALECTS) {
  describe(`why no carrier recognizes a file (${dialect})`, () => {
    const t = useTestDatabase(dialect);
    const tmp = tempDir('etl-unrecognized-');
    after(() => tmp.cleanup());

    async function ingestOne(name: string, bytes: Buffer, carrier?: string): Promise<FileResult> {
      const file = path.join(tmp.dir, name);
      fs.writeFileSync(file, bytes);
      const adapter = carrier === undefined ? undefined : findCarrier(carrier);
      const [r] = await ingestPaths({ db: t.db, dataDir: t.tdb.dataDir, runId: null }, [file], { carriers: CARRIERS, ...(adapter ? { carrier: adapter } : {}) });
      assert.ok(r);
      const stored = await t.db.db.selectFrom('source_files').select(['status', 'message']).where('original_name', '=', name).executeTakeFirstOrThrow();
      assert.equal(stored.status, 'quarantined');
      assert.equal(stored.message, r.message);
      return r;
    }

    test('a UTF-16LE invoice with a byte-order mark: says it is UTF-16 text', async () => {
      const r = await ingestOne('utf16le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(UPS_TEXT, 'utf16le')]));
      assert.equal(r.status, 'quarantined');
      assert.match(r.message ?? '', /^utf16le\.csv: no carrier recognizes this file: it is UTF-16 text \(little-endian, with a byte-order mark\), which carrier files never are: save it again as UTF-8 CSV$/);
    });

    test('UTF-16BE without a byte-order mark is recognized as UTF-16 too', async () => {
      const le = Buffer.from(UPS_TEXT, 'utf16le');
      const r = await ingestOne('utf16be.csv', Buffer.from(le).swap16());
      assert.match(r.message ?? '', /no carrier recognizes this file: it is UTF-16 text \(big-endian, no byte-order mark\)/);
    });

    test('an .xlsx workbook renamed .csv: says it is an Excel workbook, to be ingested under an .xlsx name', async () => {
      const wb = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['Invoice Number', 'Amount'], ['000084602910', 12.5]]), 'Sheet1');
      const r = await ingestOne('billing.csv', XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
      assert.match(r.message ?? '', /^billing\.csv: no carrier recognizes this file: it is an Excel workbook \(xlsx, a ZIP archive\), not CSV text: save it with an \.xlsx name and ingest that$/);
    });

    test('a UTF-8 file cut off in the middle of a character: says it was cut off', async () => {
      const whole = Buffer.from(NOTES, 'utf8');
      const cut = whole.subarray(0, whole.indexOf(Buffer.from('ö', 'utf8')) + 1); // first byte of ö only
      const r = await ingestOne('notes-cut.csv', cut);
      assert.match(r.message ?? '', /^notes-cut\.csv: no carrier recognizes this file: it ends in the middle of a UTF-8 character .*: the file was cut off/);
    });

    test('a recognized UPS invoice cut off in the middle of a character is quarantined as truncated, not loaded as Latin-1 mojibake', async () => {
      const whole = Buffer.from(UPS_TEXT.replace('Fuel Surcharge', 'Fuel Surcharge Straße'), 'utf8');
      const cut = whole.subarray(0, whole.indexOf(Buffer.from('ß', 'utf8')) + 1);
      const r = await ingestOne('ups-cut.csv', cut, 'ups');
      assert.equal(r.issues[0]?.code, 'truncated');
      assert.match(r.message ?? '', /ups-cut\.csv: the file ends in the middle of a UTF-8 character/);
    });

    test('bytes valid in no expected encoding: says so, naming the byte that is undefined in Windows-1252', async () => {
      const bytes = Buffer.concat([Buffer.from('Rechnung;Betrag\n', 'latin1'), Buffer.from([0x81, 0x8d, 0xe9, 0x41, 0x0a])]);
      const r = await ingestOne('neither.csv', bytes);
      assert.match(r.message ?? '', /no carrier recognizes this file: its bytes decode in none of the encodings carrier files use: not UTF-8 \(invalid byte sequences\), and not Windows-1252\/Latin-1 \(byte 0x81 at offset 16 is undefined there\)/);
    });

    test('a spreadsheet given to a carrier whose files are CSV only is refused before conversion, naming what the carrier accepts', async () => {
      const ups = findCarrier('ups');
      assert.ok(ups && !ups.accepts.includes('xls'));
      const r = await ingestOne('invoice.xls', fs.readFileSync(path.join(fixtureDirOf('dsv'), 'printed-da-en-dkk.xls')), 'ups');
      assert.equal(r.status, 'quarantined');
      assert.equal(r.message, `invoice.xls: not read as ${ups.name}: it is a spreadsheet (xls), and ${ups.name} files come as ${ups.accepts.join(', ')} only`);
      assert.deepEqual(r.issues.map((i) => i.code), ['wrong_format']);
    });

    test('detection lets only carriers that accept the format of the file claim it', async () => {
      const ups = findCarrier('ups');
      assert.ok(ups);
      // a carrier that would claim anything, but declares CSV/text files only
      const greedy = { ...ups, detect: () => 1 };
      const wb = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(UPS_TEXT.split('\n').map((l) => l.split(','))), 'Sheet1');
      const file = path.join(tmp.dir, 'ups-as-workbook.xlsx');
      fs.writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
      const [r] = await ingestPaths({ db: t.db, dataDir: t.tdb.dataDir, runId: null }, [file], { carriers: [greedy] });
      assert.equal(r?.status, 'quarantined');
      assert.equal(r?.detected, true);
      assert.equal(r?.carrier, 'unknown');
      assert.match(r?.message ?? '', /no carrier recognizes this file/);
    });

    test('plain text no carrier knows still says what was looked at, without an invented cause', async () => {
      const r = await ingestOne('notes.csv', Buffer.from(NOTES, 'utf8'));
      assert.match(r.message ?? '', /^notes\.csv, row 1: no carrier recognizes this file; looked at the first lines/);
    });
  });
}
