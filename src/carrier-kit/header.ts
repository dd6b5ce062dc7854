/**
 * Header rows: find each field's column by any of its known spellings (aliases as data in a
 * carrier's columns.ts), compared through the carrier's own normalization.
 */

/** Field → 0-based column (absent fields are missing). */
export type HeaderIndex<F extends string> = Partial<Record<F, number>>;

/**
 * Finds each field's column in `names` (a header row): the first alias that matches wins, and
 * of repeated header names the first column. `normalize` makes spellings comparable
 * (`Weight (kg)` / `Weight(kg)`).
 */
export function indexHeader<F extends string>(
  names: readonly string[],
  aliases: Readonly<Record<F, readonly string[]>>,
  normalize: (name: string) => string,
): HeaderIndex<F> {
  const position = new Map<string, number>();
  names.forEach((n, i) => {
    const key = normalize(n);
    if (key !== '' && !position.has(key)) position.set(key, i);
  });
  const index: HeaderIndex<F> = {};
  for (const f of Object.keys(aliases) as F[]) {
    for (const alias of aliases[f]) {
      const at = position.get(normalize(alias));
      if (at !== undefined) {
        index[f] = at;
        break;
      }
    }
  }
  return index;
}

/** The `required` fields `index` did not find. */
export function missingFields<F extends string>(index: HeaderIndex<F>, required: readonly F[]): F[] {
  return required.filter((f) => index[f] === undefined);
}
