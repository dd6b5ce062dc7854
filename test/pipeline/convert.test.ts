/** xls → xlsx through the real headless LibreOffice, one start for a batch. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as XLSX from 'xlsx';
import { SystemError } from '../../src/errors.js';
import { libreOfficeConverter } from '../../src/pipeline/convert.js';
import { readWorkbookFile } from '../../src/parsing/xlsx.js';
import { tempDir } from '../support/paths.js';

const tmp = tempDir('etl-convert-');
after(() => tmp.cleanup());

/** A small printed-invoice-like sheet: merged label, numeric invoice number, date, text with leading zeros. */
function xls(name: string, invoiceNumber: number, customer: string): string {
  const ws: XLSX.WorkSheet = {
    A1: { t: 's', v: 'Fakturanummer / Invoice number' },
    D1: { t: 'n', v: invoiceNumber },
    A2: { t: 's', v: 'Fakturadato / Invoice date' },
    D2: { t: 'n', v: 45724, z: 'dd-mm-yyyy' }, // 2025-03-08
    A3: { t: 's', v: 'Kundenummer / Customer number' },
    D3: { t: 's', v: customer },
    A5: { t: 's', v: 'Miljøtillæg' },
    D5: { t: 'n', v: 1234.5 },
    '!ref': 'A1:D5',
    '!merges': [{ s: { r: 0, c: 0 }, e: { r: 0, c: 2 } }, { s: { r: 4, c: 0 }, e: { r: 4, c: 2 } }],
  };
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, 'Faktura');
  const file = path.join(tmp.dir, name);
  fs.writeFileSync(file, XLSX.write(wb, { bookType: 'xls', type: 'buffer' }) as Buffer);
  return file;
}

describe('LibreOffice conversion', () => {
  test('converts a batch of real .xls files in one run; a broken file in the batch does not spoil the others', async () => {
    const a = xls('a.xls', 7405120931, '00012345');
    const b = xls('b.xls', 7405120932, '00067890');
    const broken = path.join(tmp.dir, 'broken.xls');
    fs.writeFileSync(broken, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600, 7)]));
    const out = await libreOfficeConverter({ workRoot: path.join(tmp.dir, 'tmp') }).toXlsx([a, b, broken]);
    const xa = out.get(a);
    const xb = out.get(b);
    assert.equal(typeof xa, 'string');
    assert.equal(typeof xb, 'string');
    assert.equal(xa, path.join(tmp.dir, 'a.xlsx'), 'kept beside the raw file');
    // LibreOffice may refuse the broken file or import its bytes as text: either way it gets a
    // result of its own (the carrier's parser then rejects the content)
    assert.ok(out.has(broken));

    const [sheet] = readWorkbookFile(xa as string);
    assert.ok(sheet);
    assert.equal(sheet.rows[0]?.[3], '7405120931', 'a numeric invoice number stays an exact integer text');
    assert.equal(sheet.rows[1]?.[3], '2025-03-08', 'date cells come out ISO');
    assert.equal(sheet.rows[2]?.[3], '00012345', 'text keeps leading zeros');
    assert.equal(sheet.rows[4]?.[0], 'Miljøtillæg');
    assert.equal(sheet.rows[4]?.[3], '1234.5');
    assert.deepEqual(sheet.merges.map((m) => [m.s.r, m.s.c, m.e.r, m.e.c]).sort(), [[0, 0, 0, 2], [4, 0, 4, 2]]);
    const [sheetB] = readWorkbookFile(xb as string);
    assert.equal(sheetB?.rows[2]?.[3], '00067890');
  });

  test('a missing soffice is a system error that says how to install it', async () => {
    await assert.rejects(
      libreOfficeConverter({ workRoot: path.join(tmp.dir, 'tmp'), soffice: path.join(tmp.dir, 'no-soffice') }).toXlsx([path.join(tmp.dir, 'a.xls')]),
      (err: unknown) => err instanceof SystemError && err.exitCode === 3 && /libreoffice-calc-nogui/.test(err.message),
    );
  });
});
