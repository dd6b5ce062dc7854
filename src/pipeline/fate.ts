/**
 * What decides a file's fate: the carrier and account the operator gave, the engine's version,
 * the adapters that could read it, and the charge-map overrides. Stored on `source_files.fate_key`
 * (JSON) when a file is loaded or quarantined, so that ingesting identical bytes again retries a
 * quarantined file exactly when one of these changed, and otherwise says why it did not.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { CarrierAdapter } from '../carrier-kit/contract.js';
import { overridesFingerprint, overridesFor, type ChargeOverride } from './overrides.js';

export interface Fate {
  /** `--carrier` given, or null when the carrier was to be recognized from the content. */
  readonly carrier: string | null;
  /** `--account` given, or null. */
  readonly account: string | null;
  /** The package version (what an upgrade changes). */
  readonly engine: string;
  /** `id@hash` of each adapter that could read the file (the given one, or every candidate). */
  readonly adapters: string;
  /** Fingerprint of the overrides of those carriers ('' = none). */
  readonly overrides: string;
}

let engineVersion: string | undefined;

/** package.json's version (dist/src/pipeline → the package root), read once. */
export function engineVersionOf(): string {
  if (engineVersion === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
      engineVersion = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      engineVersion = 'unknown';
    }
  }
  return engineVersion;
}

/**
 * Text of everything an adapter is made of: its data (locale, charge map, layouts...) and the
 * source of its functions, recursively. Any change to how it reads files changes the text,
 * whatever shape the adapter has (hand-written parse or declarative layouts).
 */
function describe(value: unknown, seen: Set<unknown>, depth: number): string {
  if (typeof value === 'function') return `fn:${value.toString()}`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (seen.has(value) || depth > 12) return '[seen]';
  seen.add(value);
  if (Array.isArray(value)) return `[${value.map((v) => describe(v, seen, depth + 1)).join(',')}]`;
  if (value instanceof Map) return `Map[${[...value].map(([k, v]) => `${describe(k, seen, depth + 1)}=>${describe(v, seen, depth + 1)}`).join(',')}]`;
  if (value instanceof Set) return `Set[${[...value].map((v) => describe(v, seen, depth + 1)).join(',')}]`;
  if (value instanceof RegExp) return value.toString();
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${k}:${describe((value as Record<string, unknown>)[k], seen, depth + 1)}`).join(',')}}`;
}

const adapterHashes = new WeakMap<CarrierAdapter, string>();

/**
 * The compiled files of the carrier's folder (dist/carriers/<id>/, beside dist/src/), sorted by
 * name: they catch a change in a helper the adapter's functions call. Empty when not found
 * (another layout of the install); the adapter's own description still counts.
 */
function carrierFolderText(id: string): string {
  try {
    const dir = new URL(`../../carriers/${encodeURIComponent(id)}/`, import.meta.url);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .sort()
      .map((f) => `${f}\n${fs.readFileSync(new URL(f, dir), 'utf8')}`)
      .join('\n');
  } catch {
    return '';
  }
}

/** `id@<12 hex>`: the adapter's version as far as reading files goes. */
export function adapterVersion(adapter: CarrierAdapter): string {
  let h = adapterHashes.get(adapter);
  if (h === undefined) {
    // the portal download does not decide how a file is read
    h = createHash('sha256')
      .update(describe({ ...adapter, download: undefined }, new Set(), 0))
      .update(carrierFolderText(adapter.id))
      .digest('hex')
      .slice(0, 12);
    adapterHashes.set(adapter, h);
  }
  return `${adapter.id}@${h}`;
}

/** The fate inputs of one ingest call. */
export function fateOf(options: {
  readonly carrier?: CarrierAdapter;
  readonly carriers: readonly CarrierAdapter[];
  readonly account?: string;
  readonly overrides?: readonly ChargeOverride[];
}): Fate {
  const candidates = options.carrier !== undefined ? [options.carrier] : options.carriers;
  const overrides = candidates.flatMap((c) => overridesFor(options.overrides ?? [], c.id));
  return {
    carrier: options.carrier?.id ?? null,
    account: options.account ?? null,
    engine: engineVersionOf(),
    adapters: candidates.map(adapterVersion).sort().join(' '),
    overrides: overridesFingerprint(overrides),
  };
}

export function fateKey(f: Fate): string {
  return JSON.stringify({ carrier: f.carrier, account: f.account, engine: f.engine, adapters: f.adapters, overrides: f.overrides });
}

/** The stored fate, or null when it was not recorded (before migration 0004) or unreadable. */
export function parseFate(key: string | null): Fate | null {
  if (key === null) return null;
  try {
    const v = JSON.parse(key) as Partial<Record<keyof Fate, unknown>>;
    const str = (x: unknown) => (typeof x === 'string' ? x : null);
    return { carrier: str(v.carrier), account: str(v.account), engine: str(v.engine) ?? '', adapters: str(v.adapters) ?? '', overrides: str(v.overrides) ?? '' };
  } catch {
    return null;
  }
}

const shown = (v: string | null, none: string) => (v === null ? none : `"${v}"`);

/**
 * What changed between the fate a quarantined file got and now, as phrases for the terminal;
 * empty when nothing did (then retrying would only quarantine it again).
 */
export function fateChanges(before: Fate | null, now: Fate): string[] {
  if (before === null) return ['what decided its fate was not recorded (quarantined before this version)'];
  const out: string[] = [];
  if (before.carrier !== now.carrier) out.push(`--carrier changed (${shown(before.carrier, 'none')} → ${shown(now.carrier, 'none')})`);
  if (before.account !== now.account) out.push(`--account changed (${shown(before.account, 'none')} → ${shown(now.account, 'none')})`);
  if (before.engine !== now.engine) out.push(`the ETL version changed (${before.engine} → ${now.engine})`);
  // with another --carrier the candidate adapters differ anyway: that change is already named
  else if (before.carrier === now.carrier && before.adapters !== now.adapters) out.push('the carrier adapter changed');
  // overrides are fingerprinted for the candidate carriers: another --carrier compares other sets
  if (before.carrier === now.carrier && before.overrides !== now.overrides) out.push('the charge-map overrides changed');
  return out;
}

/** Why an identical quarantined file was not tried again, naming what was compared. */
export function notRetriedMessage(sourceFileId: number, now: Fate): string {
  return (
    `identical file already quarantined (source file ${sourceFileId}) and nothing that decides its fate changed ` +
    `(--carrier ${shown(now.carrier, 'none')}, --account ${shown(now.account, 'none')}, ETL ${now.engine}, same carrier adapters and charge-map overrides): not retried. ` +
    `Pass --carrier/--account, fix the file, or run etl retry ${sourceFileId} to try it again anyway`
  );
}
