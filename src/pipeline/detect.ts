/**
 * Carrier detection for `etl ingest` without --carrier: every adapter scores the file's sample
 * (0..1); the best wins if it scores at least 0.5 and no other carrier comes close.
 */
import type { CarrierAdapter, FileSample } from '../carrier-kit/contract.js';

export const DETECT_THRESHOLD = 0.5;
/** A runner-up this close to the winner makes the file ambiguous. */
export const DETECT_MARGIN = 0.2;

export type Detection =
  | { readonly ok: true; readonly carrier: CarrierAdapter; readonly score: number; readonly scores: string }
  | { readonly ok: false; readonly reason: 'unknown' | 'ambiguous'; readonly message: string; readonly scores: string };

export function detectCarrier(sample: FileSample, carriers: readonly CarrierAdapter[]): Detection {
  const ranked = carriers
    .map((c) => {
      let score = 0;
      try {
        score = c.detect(sample);
      } catch {
        score = 0; // detect must never throw; a broken one simply does not claim the file
      }
      return { carrier: c, score };
    })
    .sort((a, b) => b.score - a.score);
  const scores = ranked.map((r) => `${r.carrier.id} ${r.score.toFixed(2)}`).join(', ');
  const lines = sample.head.split('\n', 3);
  const looked = `looked at the ${sample.kind === 'workbook' ? 'first sheet' : 'first lines'} (${JSON.stringify((lines[0] ?? '').slice(0, 80))}...): ${scores}`;
  const [best, second] = ranked;
  if (best === undefined || best.score < DETECT_THRESHOLD) {
    return { ok: false, reason: 'unknown', message: `no carrier recognizes this file; ${looked}`, scores };
  }
  if (second !== undefined && second.score >= DETECT_THRESHOLD && best.score - second.score < DETECT_MARGIN) {
    return { ok: false, reason: 'ambiguous', message: `it could be ${best.carrier.id} or ${second.carrier.id}; pass --carrier; ${looked}`, scores };
  }
  return { ok: true, carrier: best.carrier, score: best.score, scores };
}
