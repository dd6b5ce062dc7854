/**
 * Hostile workbooks for the workbook-limit tests: a real SheetJS workbook whose sheet XML is
 * replaced by what a test needs (a far-away cell, a sheet that inflates to hundreds of MB, a zip
 * directory that lies about sizes). SheetJS cannot write these itself: writing A1:XFD1048576
 * walks the whole range.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import zlib from 'node:zlib';
import * as XLSX from 'xlsx';

const SHEET = 'xl/worksheets/sheet1.xml';
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">';

/** Sheet XML content, given as pieces (a piece repeated `times` streams, never sits in memory). */
export type Piece = string | Buffer | { readonly repeat: string; readonly times: number };

/** `<worksheet>` around the given pieces of `<sheetData>`. */
export function sheetXml(dimension: string, ...data: Piece[]): Piece[] {
  return [`${HEAD}<dimension ref="${dimension}"/><sheetData>`, ...data, '</sheetData></worksheet>'];
}

/** `<row>` with numeric cells at the given references. */
export function row(r: number, ...cells: [ref: string, value: number | string][]): string {
  const c = cells.map(([ref, v]) => (typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`));
  return `<row r="${r}">${c.join('')}</row>`;
}

function* chunksOf(pieces: readonly Piece[]): Generator<Buffer> {
  for (const p of pieces) {
    if (typeof p === 'string' || Buffer.isBuffer(p)) {
      yield Buffer.from(p);
      continue;
    }
    // 1 MiB blocks of the repeated unit
    const per = Math.max(1, Math.floor((1 << 20) / Buffer.byteLength(p.repeat)));
    const block = Buffer.from(p.repeat.repeat(per));
    let left = p.times;
    for (; left >= per; left -= per) yield block;
    if (left > 0) yield Buffer.from(p.repeat.repeat(left));
  }
}

async function deflate(pieces: readonly Piece[]): Promise<{ data: Buffer; crc: number; size: number }> {
  const d = zlib.createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  d.on('data', (b: Buffer) => out.push(b));
  let crc = 0;
  let size = 0;
  for (const chunk of chunksOf(pieces)) {
    crc = zlib.crc32(chunk, crc);
    size += chunk.length;
    if (!d.write(chunk)) await once(d, 'drain');
  }
  d.end();
  await once(d, 'end');
  return { data: Buffer.concat(out), crc, size };
}

export interface HostileOptions {
  /** The size the zip headers declare for the sheet XML (default: its real size). */
  readonly declaredSheetSize?: number;
}

/**
 * Writes an .xlsx: the parts of a one-sheet workbook SheetJS writes, with its sheet XML replaced
 * by `sheet`. Returns the size of the sheet XML unzipped.
 */
export async function writeHostileXlsx(file: string, sheet: readonly Piece[], options: HostileOptions = {}): Promise<number> {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['placeholder']]), 'Sheet1');
  // SheetJS types its bundled zip reader (CFB) as any: the shape it returns, as used here
  const zip = XLSX.CFB.read(XLSX.write(wb, { bookType: 'xlsx', type: 'buffer' }) as Buffer, { type: 'buffer' }) as {
    FullPaths: string[];
    FileIndex: { type: number; content: Uint8Array }[];
  };
  const parts: { name: string; pieces: readonly Piece[] }[] = [];
  zip.FullPaths.forEach((full, i) => {
    const name = full.replace(/^Root Entry\//, '');
    const entry = zip.FileIndex[i];
    if (entry === undefined || entry.type !== 2 || name.startsWith('\u0001')) return; // files only, not SheetJS's marker
    parts.push({ name, pieces: name === SHEET ? sheet : [Buffer.from(entry.content)] });
  });
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  let sheetSize = 0;
  for (const p of parts) {
    const { data, crc, size } = await deflate(p.pieces);
    if (p.name === SHEET) sheetSize = size;
    const declared = p.name === SHEET ? (options.declaredSheetSize ?? size) : size;
    const name = Buffer.from(p.name, 'latin1');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(data.length, 20);
    cd.writeUInt32LE(declared, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    central.push(cd, name);
    offset += local.length + name.length + data.length;
  }
  const cdSize = central.reduce((a, b) => a + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(file, Buffer.concat([...locals, ...central, end]));
  return sheetSize;
}
