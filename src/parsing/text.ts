/**
 * Bytes → text: binary detection, encoding detection and streaming decoding.
 *
 * Node's TextDecoder('windows-1252') decodes 0x80 as U+0080 instead of `€` (checked on node
 * 20.20), so single-byte code pages go through iconv-lite, which implements them correctly.
 */
import { isUtf8 } from 'node:buffer';

/** Encodings we read. `cp1252` is what "Latin-1" files from Windows really are (a superset). */
export type TextEncoding = 'utf8' | 'cp1252' | 'iso-8859-10';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** True when the first bytes look like a binary file: NUL bytes or many control characters. */
export function looksBinary(head: Buffer): boolean {
  const n = Math.min(head.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i] as number;
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return n > 0 && control / n > 0.05;
}

export function hasUtf8Bom(head: Buffer): boolean {
  return head.length >= 3 && head.subarray(0, 3).equals(UTF8_BOM);
}

/**
 * Checks a whole stream for UTF-8 validity chunk by chunk (no decoding, no string building): a
 * German file can be plain ASCII for megabytes before its first Latin-1 `ä`.
 */
export class Utf8Check {
  private carry: Buffer = Buffer.alloc(0);
  private valid = true;

  update(chunk: Buffer): void {
    if (!this.valid || chunk.length === 0) return;
    let body = chunk;
    if (this.carry.length > 0) {
      // finish the sequence the previous chunk ended in (at most 3 bytes + 3 bytes)
      const take = Math.min(chunk.length, 4 - this.carry.length);
      const joined = Buffer.concat([this.carry, chunk.subarray(0, take)]);
      const done = completeLength(joined);
      if (done === 0 && take === chunk.length) {
        this.carry = joined;
        return;
      }
      if (!isUtf8(joined.subarray(0, done))) {
        this.valid = false;
        return;
      }
      body = chunk.subarray(take - (joined.length - done));
    }
    const cut = completeLength(body);
    if (!isUtf8(body.subarray(0, cut))) this.valid = false;
    this.carry = Buffer.from(body.subarray(cut));
  }

  /** Final verdict: every byte was valid UTF-8 and nothing was left half-written. */
  result(): boolean {
    return this.valid && this.carry.length === 0;
  }

  /** Every byte was valid UTF-8 except that the stream ended inside a character (cut off). */
  endsMidCharacter(): boolean {
    return this.valid && this.carry.length > 0;
  }
}

/** Length of `buf` without a trailing, possibly incomplete, UTF-8 sequence. */
function completeLength(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = buf[n - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Streaming decoder for one encoding; strips a UTF-8 BOM. */
export interface ChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/** iconv-lite is loaded only for single-byte files (it adds ~8 MB to every process that loads it). */
export async function createDecoder(encoding: TextEncoding): Promise<ChunkDecoder> {
  if (encoding === 'utf8') {
    const d = new TextDecoder('utf-8'); // strips the BOM by default
    return { write: (c) => d.decode(c, { stream: true }), end: () => d.decode() };
  }
  const iconv = (await import('iconv-lite')).default;
  const d = iconv.getDecoder(encoding);
  if (encoding === 'cp1252') {
    // cp1252 is Latin-1 but for 0x80-0x9F (€, ‚, „, …): a chunk without those bytes decodes as
    // Latin-1, which Node does natively into a one-byte string (iconv builds UTF-16 first).
    // Single-byte decoding keeps no state between chunks, so the two may alternate.
    return { write: (c) => (hasC1Bytes(c) ? d.write(c) : c.toString('latin1')), end: () => d.end() ?? '' };
  }
  return { write: (c) => d.write(c), end: () => d.end() ?? '' };
}

/** Whether `buf` has a byte in 0x80-0x9F (where cp1252 and Latin-1 differ). */
function hasC1Bytes(buf: Uint8Array): boolean {
  const c1 = (from: number, to: number): boolean => {
    for (let i = from; i < to; i++) {
      const b = buf[i] as number;
      if (b >= 0x80 && b <= 0x9f) return true;
    }
    return false;
  };
  if (buf.length < 16) return c1(0, buf.length);
  // four bytes at a time where they are aligned: most are ASCII (no high bit at all)
  const start = (4 - (buf.byteOffset % 4)) % 4;
  const words = Math.floor((buf.length - start) / 4);
  if (c1(0, start)) return true;
  const w = new Uint32Array(buf.buffer, buf.byteOffset + start, words);
  for (let k = 0; k < words; k++) {
    if (((w[k] as number) & 0x80808080) !== 0 && c1(start + k * 4, start + k * 4 + 4)) return true;
  }
  return c1(start + words * 4, buf.length);
}

/**
 * A copy of `s` that does not keep its parent alive. V8 represents a slice of 13+ characters as a
 * view into the string it came from; a tracking number kept for the whole file would otherwise
 * pin the whole 1 MiB text chunk it was read from (seen: 463 MB peak RSS on a 44 MB file).
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (` ${s}`).slice(1);
}

/**
 * Characters no stored text may hold: C0 controls except tab, LF and CR (which quoted CSV fields
 * legitimately contain), DEL, C1 controls, and UTF-16 surrogates without their other half.
 * PostgreSQL refuses NUL outright ("invalid byte sequence for encoding UTF8: 0x00") while SQLite
 * stores it, so the same file would load on one database and stop the run on the other.
 */
const UNSAFE_TEXT_SOURCE = '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNSAFE_TEXT = new RegExp(UNSAFE_TEXT_SOURCE);
const UNSAFE_TEXT_ALL = new RegExp(UNSAFE_TEXT_SOURCE, 'g');

function codePointName(c: string): string {
  return `U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
}

function isSurrogate(c: string): boolean {
  const u = c.charCodeAt(0);
  return u >= 0xd800 && u <= 0xdfff;
}

/** True when `s` holds a character scrubText removes (cheap: the common case is false). */
export function hasUnsafeText(s: string): boolean {
  return UNSAFE_TEXT.test(s);
}

/**
 * `s` with control characters removed and lone surrogates replaced by U+FFFD, plus the code
 * points found (`U+0000`), for the issue that reports it.
 */
export function scrubText(s: string): { text: string; found: string[] } {
  const found = new Set<string>();
  const text = s.replace(UNSAFE_TEXT_ALL, (c) => {
    found.add(codePointName(c));
    return isSurrogate(c) ? '\ufffd' : '';
  });
  return { text, found: [...found] };
}

/** `s` for a message or log: each unsafe character shown as `\u0000`, so it can be stored and read. */
export function printable(s: string): string {
  if (!UNSAFE_TEXT.test(s)) return s;
  return s.replace(UNSAFE_TEXT_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Bytes Windows-1252 leaves undefined: a file holding them is not cp1252 text either. */
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** Signatures of files that are often saved or downloaded under a `.csv` name. */
const SIGNATURES: readonly { readonly magic: Buffer; readonly what: (head: Buffer) => string }[] = [
  {
    magic: Buffer.from('PK\x03\x04', 'latin1'),
    what: (head) =>
      head.includes('xl/') || head.includes('[Content_Types].xml')
        ? 'an Excel workbook (xlsx, a ZIP archive), not CSV text: save it with an .xlsx name and ingest that'
        : head.includes('mimetypeapplication/vnd.oasis') ? 'an OpenDocument spreadsheet (ods), not CSV text: save it with an .ods name and ingest that' : 'a ZIP archive, not CSV text: unpack it and ingest the files inside',
  },
  { magic: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), what: () => 'an old Excel workbook (xls), not CSV text: save it with an .xls name and ingest that' },
  { magic: Buffer.from('%PDF-', 'latin1'), what: () => 'a PDF document, not CSV text: download the invoice\'s CSV or Excel billing data instead' },
  { magic: Buffer.from([0x1f, 0x8b]), what: () => 'gzip-compressed: unpack it and ingest the file inside' },
];

/**
 * What the first bytes say a file is, when that is why no carrier can read it as text: UTF-16
 * text, a spreadsheet or archive with a text name, or binary data. null = plausible text.
 */
export function binaryKind(head: Buffer): string | null {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    return `UTF-16 text (${head[0] === 0xff ? 'little' : 'big'}-endian, with a byte-order mark), which carrier files never are: save it again as UTF-8 CSV`;
  }
  for (const sig of SIGNATURES) if (head.length >= sig.magic.length && head.subarray(0, sig.magic.length).equals(sig.magic)) return sig.what(head);
  const utf16 = utf16WithoutBom(head);
  if (utf16 !== null) return `UTF-16 text (${utf16}-endian, no byte-order mark), which carrier files never are: save it again as UTF-8 CSV`;
  if (!hasUtf8Bom(head) && looksBinary(head)) return 'binary data, not text (NUL or control bytes in the first 8 KiB)';
  return null;
}

/** UTF-16 without a BOM: ASCII text with a NUL in every other byte. */
function utf16WithoutBom(head: Buffer): 'little' | 'big' | null {
  const n = Math.min(head.length, 512) & ~1;
  if (n < 8) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.9 && evenNul < pairs * 0.1) return 'little';
  if (evenNul > pairs * 0.9 && oddNul < pairs * 0.1) return 'big';
  return null;
}

/**
 * Why a file that is not valid UTF-8 does not decode, from its bytes: cut off in the middle of a
 * UTF-8 character, or valid in none of the encodings carriers use. null = it is plausible
 * Windows-1252 / Latin-1 text. Reads the file (only called when a file was not recognized).
 */
/**
 * True when every byte is valid UTF-8 except that the bytes end inside a character: a UTF-8 file
 * cut off. Stops at the first invalid sequence (a Latin-1 file), so it is cheap on those.
 */
export function endsMidUtf8Character(bytes: Iterable<Buffer>): boolean {
  const check = new Utf8Check();
  for (const chunk of bytes) {
    check.update(chunk);
    if (!check.result() && !check.endsMidCharacter()) return false;
  }
  return check.endsMidCharacter();
}

export function undecodableReason(bytes: Iterable<Buffer>): string | null {
  const check = new Utf8Check();
  let offset = 0;
  let undefinedByte = -1;
  let undefinedAt = -1;
  for (const chunk of bytes) {
    check.update(chunk);
    if (undefinedAt < 0) {
      const i = chunk.findIndex((b) => CP1252_UNDEFINED.has(b));
      if (i >= 0) {
        undefinedAt = offset + i;
        undefinedByte = chunk[i] as number;
      }
    }
    offset += chunk.length;
  }
  if (check.endsMidCharacter()) {
    return 'it ends in the middle of a UTF-8 character (every byte before the last is valid UTF-8): the file was cut off, probably an incomplete download or copy';
  }
  if (!check.result() && undefinedAt >= 0) {
    const hex = undefinedByte.toString(16).toUpperCase().padStart(2, '0');
    return `its bytes decode in none of the encodings carrier files use: not UTF-8 (invalid byte sequences), and not Windows-1252/Latin-1 (byte 0x${hex} at offset ${undefinedAt} is undefined there)`;
  }
  return null;
}
