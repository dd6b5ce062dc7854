/**
 * An exact set of short strings for what must be remembered for a whole file (a carrier's
 * packages already counted): each key is a few bytes in large pages plus a 4-byte slot of an
 * open-addressing hash table, instead of a JS string and a Set entry (about 60-70 bytes on the
 * heap, docs/performance.md). Keys belong to a group (a small non-negative integer, e.g. one per
 * invoice): the same text in two groups is two keys. Nothing is ever removed.
 *
 * A key is stored as [hash: 4 bytes][group: varint][length × 2 + wide: varint][code units: 1
 * byte each, or 2 when one of them is above U+00FF]; a table slot holds the key's reference + 1
 * (0: empty). Look-ups compare the hash, then the group and every code unit: the set is exact,
 * a hash collision only costs a comparison.
 */

/** Bytes per page: a reference is page × PAGE + offset. Pages start small and double up to this. */
const PAGE = 1 << 20;
const FIRST_PAGE = 4096;
/** References + 1 fit in 32 bits. */
const MAX_PAGES = 4095;

export class CompactStringSet {
  private table = new Uint32Array(64);
  private count = 0;
  private readonly pages: Uint8Array[] = [];
  /** Bytes used in the last page. */
  private used = 0;

  /** Keys held. */
  get size(): number {
    return this.count;
  }

  /** Bytes allocated for the keys and the table (what the set costs, outside the JS heap). */
  get bytes(): number {
    let n = this.table.byteLength;
    for (const p of this.pages) n += p.byteLength;
    return n;
  }

  /** Adds `key` to `group`; true when it was not there yet. */
  add(key: string, group = 0): boolean {
    checkGroup(group);
    const h = hashText(key, groupSeed(group));
    const mask = this.table.length - 1;
    let i = h & mask;
    for (let v = this.table[i] as number; v !== 0; i = (i + 1) & mask, v = this.table[i] as number) {
      if (this.matches(v - 1, h, key, group)) return false;
    }
    this.table[i] = this.append(h, key, group) + 1;
    this.count++;
    if (this.count * 4 > this.table.length * 3) this.grow();
    return true;
  }

  has(key: string, group = 0): boolean {
    checkGroup(group);
    const h = hashText(key, groupSeed(group));
    const mask = this.table.length - 1;
    for (let i = h & mask, v = this.table[i] as number; v !== 0; i = (i + 1) & mask, v = this.table[i] as number) {
      if (this.matches(v - 1, h, key, group)) return true;
    }
    return false;
  }

  /** The key stored at `ref` is `key` of `group` (whose hash is `h`). */
  private matches(ref: number, h: number, key: string, group: number): boolean {
    const page = this.pages[Math.floor(ref / PAGE)] as Uint8Array;
    let o = ref % PAGE;
    if (readHash(page, o) !== h) return false;
    o += 4;
    let g = 0;
    let shift = 1;
    for (let b = page[o++] as number; ; b = page[o++] as number) {
      g += (b & 0x7f) * shift;
      if (b < 0x80) break;
      shift *= 0x80;
    }
    if (g !== group) return false;
    let head = 0;
    shift = 1;
    for (let b = page[o++] as number; ; b = page[o++] as number) {
      head += (b & 0x7f) * shift;
      if (b < 0x80) break;
      shift *= 0x80;
    }
    const wide = head % 2 === 1;
    if ((head - (wide ? 1 : 0)) / 2 !== key.length) return false;
    if (wide) {
      for (let j = 0; j < key.length; j++, o += 2) if (key.charCodeAt(j) !== ((page[o] as number) | ((page[o + 1] as number) << 8))) return false;
    } else {
      for (let j = 0; j < key.length; j++, o++) if (key.charCodeAt(j) !== page[o]) return false;
    }
    return true;
  }

  /** Writes a key; returns its reference. */
  private append(h: number, key: string, group: number): number {
    let wide = false;
    for (let j = 0; j < key.length && !wide; j++) wide = key.charCodeAt(j) > 0xff;
    const head = key.length * 2 + (wide ? 1 : 0);
    const size = 4 + varintSize(group) + varintSize(head) + key.length * (wide ? 2 : 1);
    let page = this.pages[this.pages.length - 1];
    if (page === undefined || this.used + size > page.length) {
      if (this.pages.length >= MAX_PAGES) throw new RangeError(`CompactStringSet: more than ${MAX_PAGES} pages of keys`);
      // pages double up to PAGE; a key longer than that gets a page of its own
      page = new Uint8Array(Math.max(size, Math.min(PAGE, FIRST_PAGE * 2 ** this.pages.length)));
      this.pages.push(page);
      this.used = 0;
    }
    const ref = (this.pages.length - 1) * PAGE + this.used;
    let o = this.used;
    page[o++] = h & 0xff;
    page[o++] = (h >>> 8) & 0xff;
    page[o++] = (h >>> 16) & 0xff;
    page[o++] = h >>> 24;
    o = writeVarint(page, o, group);
    o = writeVarint(page, o, head);
    if (wide) {
      for (let j = 0; j < key.length; j++) {
        const c = key.charCodeAt(j);
        page[o++] = c & 0xff;
        page[o++] = c >>> 8;
      }
    } else {
      for (let j = 0; j < key.length; j++) page[o++] = key.charCodeAt(j);
    }
    this.used = o;
    return ref;
  }

  private grow(): void {
    const old = this.table;
    const table = new Uint32Array(old.length * 2);
    const mask = table.length - 1;
    for (const v of old) {
      if (v === 0) continue;
      const ref = v - 1;
      let i = readHash(this.pages[Math.floor(ref / PAGE)] as Uint8Array, ref % PAGE) & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = v;
    }
    this.table = table;
  }
}

/**
 * FNV-1a over the UTF-16 code units from `seed`, mixed (murmur3's finalizer) so the low bits
 * index a power-of-two table well; never 0 (tables use 0 for an empty slot).
 */
export function hashText(key: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  h >>>= 0;
  return h === 0 ? 1 : h;
}

function groupSeed(group: number): number {
  return Math.imul(0x811c9dc5 ^ group, 0x01000193);
}

function checkGroup(group: number): void {
  if (!Number.isInteger(group) || group < 0 || group > 0xffffffff) throw new RangeError(`CompactStringSet: group ${group} is not an integer in 0..2^32-1`);
}

function readHash(page: Uint8Array, o: number): number {
  return ((page[o] as number) | ((page[o + 1] as number) << 8) | ((page[o + 2] as number) << 16) | ((page[o + 3] as number) << 24)) >>> 0;
}

function varintSize(n: number): number {
  let size = 1;
  for (; n >= 0x80; n = Math.floor(n / 0x80)) size++;
  return size;
}

function writeVarint(page: Uint8Array, o: number, n: number): number {
  for (; n >= 0x80; n = Math.floor(n / 0x80)) page[o++] = (n % 0x80) | 0x80;
  page[o++] = n;
  return o;
}
