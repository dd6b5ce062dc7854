/**
 * Suggestions for unmapped charge descriptions (`etl charges --unmapped`): a canonical code from
 * the carrier's own codes and classes, from the labels of every carrier (other languages
 * included), from the canonical code names, and from close spellings. Pure; a suggestion is only
 * ever shown, never applied unless the operator asks (`--apply-suggestions`).
 */
import type { ChargeMap } from '../carrier-kit/contract.js';
import { CHARGE_CODES, type ChargeCode } from '../model/charge-codes.js';

export interface SuggestionInput {
  readonly carrier: string;
  readonly description: string;
  /** The carrier's own code and class as stored (null when not recorded). */
  readonly carrierCode: string | null;
  readonly carrierClass: string | null;
}

export interface Suggestion {
  readonly code: ChargeCode;
  /** 0..1: 1 = the same words as a known label. */
  readonly score: number;
  /** Where it comes from, for the operator to judge. */
  readonly reason: string;
}

export interface CarrierCharges {
  readonly id: string;
  readonly charges: ChargeMap;
}

/** Below this a guess is noise: shown suggestions must be worth an operator's look. */
export const SUGGESTION_THRESHOLD = 0.75;

/** Lower case, accents off (`ü` → `u`, `ß` → `ss`), punctuation as spaces. */
export function normalizeLabel(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Levenshtein distance (insert, delete, substitute), two rows. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

function editSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - editDistance(a, b) / longest;
}

const tokens = (s: string) => s.split(' ').filter((t) => t.length >= 3);

/**
 * How close a description is to a label, 0..1 (both normalized). Labels are prefixes, so the
 * description is also compared cut to the label's length; words are compared one by one too,
 * with a small spelling tolerance, so word order and extra words cost less than a typo.
 */
export function labelSimilarity(description: string, label: string): number {
  if (label === '' || description === '') return 0;
  if (description.startsWith(label)) return 1;
  const whole = editSimilarity(description, label);
  // a prefix label of 6+ characters compared with as much of the description
  const prefix = label.length >= 6 && description.length > label.length ? editSimilarity(description.slice(0, label.length), label) : 0;
  const a = tokens(description);
  const b = tokens(label);
  let words = 0;
  if (a.length > 0 && b.length > 0) {
    // each label word counts by its best match: 1 when equal, its similarity when misspelt
    let matched = 0;
    for (const t of b) {
      let bestWord = 0;
      for (const u of a) {
        const sim = u === t ? 1 : Math.min(u.length, t.length) >= 5 ? editSimilarity(u, t) : 0;
        if (sim >= 0.8 && sim > bestWord) bestWord = sim;
      }
      matched += bestWord;
    }
    words = (2 * matched) / (a.length + b.length);
  }
  return Math.max(whole, prefix, words);
}

/** The best suggestion for one unmapped description, or null when nothing is close enough. */
export function suggestChargeCode(input: SuggestionInput, carriers: readonly CarrierCharges[]): Suggestion | null {
  const own = carriers.find((c) => c.id === input.carrier);
  // 1. the carrier's own code or class, written differently (case, spacing)
  for (const [value, table, what] of [
    [input.carrierCode, own?.charges.codes, 'code'],
    [input.carrierClass, own?.charges.classes, 'class'],
  ] as const) {
    const v = value?.trim().toUpperCase() ?? '';
    if (v === '' || table === undefined) continue;
    for (const [k, code] of Object.entries(table)) {
      if (k.trim().toUpperCase() === v) return { code, score: 0.95, reason: `${input.carrier}'s charge ${what} "${k}"` };
    }
  }
  // 2. labels of this carrier first, then of the others (other languages), then the code names
  const d = normalizeLabel(input.description);
  let best: Suggestion | null = null;
  const consider = (label: string, code: ChargeCode, source: string) => {
    const score = labelSimilarity(d, normalizeLabel(label));
    if (score >= SUGGESTION_THRESHOLD && (best === null || score > best.score)) {
      best = { code, score: Math.round(score * 100) / 100, reason: `${score === 1 ? 'same words as' : 'close to'} ${source} "${label}"` };
    }
  };
  const ordered = own === undefined ? carriers : [own, ...carriers.filter((c) => c !== own)];
  for (const c of ordered) for (const [label, code] of c.charges.labels) consider(label, code, `${c.id} label`);
  for (const code of CHARGE_CODES) if (code !== 'unmapped') consider(code.replace(/_/g, ' '), code, 'the canonical code');
  return best;
}
