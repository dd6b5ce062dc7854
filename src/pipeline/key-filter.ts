import { hashText as hashOf } from '../model/string-set.js';

/**
 * A compact "maybe seen" set of strings: 32-bit hashes in an open-addressing table (4 to 8 bytes
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
    // up to three quarters full: linear probing stays short, and the table is half the size
    if ((this.count + 1) * 4 > this.table.length * 3) this.grow();
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
