/**
 * Failure evidence without secrets. A page shows the signed-in user (escaped, in links, in JSON
 * for its scripts, in a base64 cookie), and a playwright trace keeps DOM snapshots, requests
 * with headers and bodies, and responses as files inside its zip. So every evidence file is
 * scrubbed as bytes after it is written (each entry of the trace zip too), checked again by
 * decoding it, and withheld (deleted, and said) when a secret still shows. See docs/security.md.
 */
import fs from 'node:fs';
import type { Page } from 'playwright';
import type { SecretScrubber } from '../secrets.js';
import { readZip, writeZip } from './zip.js';

export type EvidenceOutcome = { readonly file: string; readonly kept: true } | { readonly file: string; readonly kept: false; readonly why: string };

/** Writes `bytes` to `file` with the secrets masked, or nothing when one survives the masking. */
export function writeScrubbed(file: string, bytes: Buffer, scrubber: SecretScrubber): EvidenceOutcome {
  const clean = scrubber.scrubBytes(bytes);
  if (scrubber.leaks(clean)) return { file, kept: false, why: 'a secret survived scrubbing' };
  fs.writeFileSync(file, clean);
  return { file, kept: true };
}

/**
 * Rewrites the playwright trace at `rawZip` into `file` with every entry scrubbed, then deletes
 * `rawZip`. A trace that cannot be read, or with an entry still holding a secret, is withheld.
 */
export function writeScrubbedTrace(rawZip: string, file: string, scrubber: SecretScrubber): EvidenceOutcome {
  try {
    const entries = readZip(fs.readFileSync(rawZip)).map((e) => ({ name: e.name, data: scrubber.scrubBytes(e.data) }));
    const leaking = entries.find((e) => scrubber.leaks(e.data));
    if (leaking !== undefined) return { file, kept: false, why: `its entry ${leaking.name} still held a secret after scrubbing` };
    fs.writeFileSync(file, writeZip(entries));
    return { file, kept: true };
  } catch (err) {
    return { file, kept: false, why: `it could not be scrubbed (${err instanceof Error ? err.message : String(err)})` };
  } finally {
    fs.rmSync(rawZip, { force: true });
  }
}

/**
 * What a screenshot must hide: password fields, and every element whose own text or input value
 * shows a secret (the user's name in a header, a username field filled in). Found by reading
 * the texts into Node, so no secret is ever handed to the page or a locator.
 */
export async function screenshotMasks(page: Page, scrubber: SecretScrubber): Promise<ReturnType<Page['locator']>[]> {
  const all = page.locator('body *');
  // own text nodes (3) only, so a container is not masked for a child's text
  const texts = await all.evaluateAll((els) =>
    els.map((el) => {
      const node = el as unknown as { value?: unknown; childNodes: ArrayLike<{ nodeType: number; textContent: string | null }> };
      if (typeof node.value === 'string') return node.value;
      return Array.from(node.childNodes)
        .filter((n) => n.nodeType === 3)
        .map((n) => n.textContent ?? '')
        .join(' ');
    }),
  );
  const masks = [page.locator('input[type=password]')];
  texts.forEach((t, i) => {
    if (t !== '' && scrubber.mentions(t)) masks.push(all.nth(i));
  });
  return masks;
}
