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
  return { write: (c) => d.write(c), end: () => d.end() ?? '' };
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
