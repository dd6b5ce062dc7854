/**
 * Looks for secrets in bytes the way an attacker reading evidence, logs or a report would: the
 * plain value and every encoding a page, URL, JSON text or base64 blob gives it. Written apart
 * from src/secrets.ts on purpose: a test that reused the scrubber's own patterns could not see
 * what they miss.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import * as XLSX from 'xlsx';

export interface Needle {
  readonly secret: string;
  readonly encoding: string;
  readonly find: (haystack: string) => boolean;
}

const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
const special = (c: string) => !/[A-Za-z0-9]/.test(c);

/** The stable base64 characters of `bytes` after `align` bytes of anything else. */
function base64Core(bytes: Buffer, align: number): string {
  const enc = Buffer.concat([Buffer.alloc(align, 0x20), bytes]).toString('base64');
  return enc.slice(Math.ceil((8 * align) / 6), Math.floor((8 * (align + bytes.length)) / 6));
}

/** Every encoding of `secret` to look for, as byte strings (latin1 view of the bytes). */
export function needlesFor(secret: string): Needle[] {
  const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  const forms = new Map<string, string>([
    ['raw', utf8(secret)],
    ['HTML text (&amp; &lt; &gt;)', utf8(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))],
    ['HTML attribute (&amp; &quot;)', utf8(secret.replace(/&/g, '&amp;').replace(/"/g, '&quot;'))],
    ['HTML all named (&#39;)', utf8(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'))],
    ['HTML decimal entities', utf8([...secret].map((c) => (special(c) ? `&#${c.codePointAt(0)};` : c)).join(''))],
    ['HTML hex entities', utf8([...secret].map((c) => (special(c) ? `&#x${hex(c.codePointAt(0) ?? 0, 1).toLowerCase()};` : c)).join(''))],
    ['encodeURIComponent', encodeURIComponent(secret)],
    ['URL-encoded, lower-case hex', encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['form-encoded (+ for space)', new URLSearchParams({ x: secret }).toString().slice(2)],
    ['JSON string', utf8(JSON.stringify(secret).slice(1, -1))],
    ['JSON \\u escapes', [...secret].map((c) => (special(c) ? [...c].map((u) => `\\u${hex(u.charCodeAt(0), 4).toLowerCase()}`).join('') : c)).join('')],
    ['JSON \\u escapes of <>&\' (as Go and Java write them)', utf8(JSON.stringify(secret).slice(1, -1).replace(/[<>&']/g, (c) => `\\u${hex(c.charCodeAt(0), 4).toLowerCase()}`))],
  ]);
  if ([...secret].every((c) => c.charCodeAt(0) <= 0xff)) forms.set('Latin-1 bytes', secret);
  const needles: Needle[] = [];
  const numeric = /^\d+$/.test(secret);
  const seen = new Set<string>();
  for (const [encoding, form] of forms) {
    if (seen.has(form)) continue; // "Qk7xW2mZ" is its own HTML, URL and JSON form: say it once
    seen.add(form);
    // a one-time code is a number of its own; the same digits inside a timestamp are not it
    const re = numeric ? new RegExp(`(?<![0-9.])${form}(?!\\.?[0-9])`) : null;
    needles.push({ secret, encoding, find: re ? (h) => re.test(h) : (h) => h.includes(form) });
  }
  for (const [name, src] of [
    ['raw', Buffer.from(secret, 'utf8')],
    ['JSON', Buffer.from(JSON.stringify(secret).slice(1, -1), 'utf8')],
    ['JSON object {"sub":...}', Buffer.from(JSON.stringify({ sub: secret }), 'utf8')],
  ] as const) {
    for (let align = 0; align < 3; align++) {
      const core = base64Core(src, align);
      if (core.length < 8) continue;
      const url = core.replace(/\+/g, '-').replace(/\//g, '_');
      needles.push({ secret, encoding: `base64 of ${name} at byte ${align}`, find: (h) => h.includes(core) || h.includes(url) });
    }
  }
  return needles;
}

export interface Haystack {
  readonly where: string;
  readonly text: string;
}

interface CfbContainer {
  readonly FileIndex: readonly { readonly name: string; readonly type: number; readonly content: Uint8Array | number[] }[];
  readonly FullPaths: readonly string[];
}

/** The entries of a zip, read by SheetJS's own zip reader (not the one under test). */
export function unzip(file: string): Haystack[] {
  const cfb = (XLSX.CFB as { read(data: Buffer, opts: { type: 'buffer' }): CfbContainer }).read(fs.readFileSync(file), { type: 'buffer' });
  // (SheetJS adds a marker entry of its own, \x01Sh33tJ5, to every container it reads)
  return cfb.FileIndex.flatMap((e, i) =>
    e.type === 2 && !e.name.startsWith('\u0001Sh33tJ5') ? [{ where: `${file}!${cfb.FullPaths[i] ?? e.name}`, text: Buffer.from(e.content).toString('latin1') }] : [],
  );
}

/** Every file under `dir` (names and bytes), zips opened. */
export function filesUnder(dir: string): Haystack[] {
  if (!fs.existsSync(dir)) return [];
  const out: Haystack[] = [];
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(e.parentPath, e.name);
    out.push({ where: `file name ${file}`, text: Buffer.from(file, 'utf8').toString('latin1') });
    if (!e.isFile()) continue;
    out.push({ where: file, text: fs.readFileSync(file).toString('latin1') });
    if (file.endsWith('.zip')) out.push(...unzip(file));
  }
  return out;
}

/** "where: encoding of secret" for each leak found. */
export function findLeaks(haystacks: readonly Haystack[], secrets: readonly string[]): string[] {
  const needles = secrets.flatMap(needlesFor);
  const leaks: string[] = [];
  for (const h of haystacks) {
    for (const n of needles) if (n.find(h.text)) leaks.push(`${h.where}: ${n.encoding} of ${JSON.stringify(n.secret)}`);
  }
  return leaks;
}

/** Every row of every table of the database at `url` (sqlite:<file> or postgres://), as text. */
export async function databaseText(url: string): Promise<Haystack[]> {
  const out: Haystack[] = [];
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (!fs.existsSync(file)) return [];
    const db = new SQLite(file, { readonly: true });
    try {
      for (const { name } of db.prepare("select name from sqlite_master where type in ('table', 'view')").all() as { name: string }[]) {
        out.push({ where: `${url} ${name}`, text: Buffer.from(JSON.stringify(db.prepare(`select * from "${name}"`).all()), 'utf8').toString('latin1') });
      }
    } finally {
      db.close();
    }
    return out;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public'");
    for (const { table_name: name } of tables.rows) {
      const rows = await client.query(`select * from "${name}"`);
      out.push({ where: `postgres ${name}`, text: Buffer.from(JSON.stringify(rows.rows), 'utf8').toString('latin1') });
    }
  } finally {
    await client.end();
  }
  return out;
}
