/**
 * A compact "maybe seen" set of strings: 32-bit hashes in an open-addressing table (about 8 bytes
 * per key, the strings themselves are not kept). `mightHave` never misses a key that was added,
 * and says yes for a key that was not about once in 2^32 / size: callers use it to skip a
 * database look-up that would find nothing, and still ask the database when it says yes.
 */
export class KeyFilter {
  private table = new Uint32Array(1024);
  private count = 0;

  /** Distinct hashes held (keys with the same hash count once). */
  get size(): number {
    return this.count;
  }

  add(key: string): void {
    if ((this.count + 1) * 2 > this.table.length) this.grow();
    if (insert(this.table, hashOf(key))) this.count++;
  }

  mightHave(key: string): boolean {
    if (this.count === 0) return false;
    const h = hashOf(key);
    const mask = this.table.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = this.table[i] as number;
      if (v === h) return true;
      if (v === 0) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (const v of old) if (v !== 0) insert(this.table, v);
  }
}

/** Puts hash `h` (never 0: 0 marks an empty slot) in `table`; false when it was there already. */
function insert(table: Uint32Array, h: number): boolean {
  const mask = table.length - 1;
  for (let i = h & mask; ; i = (i + 1) & mask) {
    const v = table[i] as number;
    if (v === h) return false;
    if (v === 0) {
      table[i] = h;
      return true;
    }
  }
}

/** FNV-1a over the UTF-16 code units, mixed (murmur3's finalizer) so the low bits index well; never 0. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
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
