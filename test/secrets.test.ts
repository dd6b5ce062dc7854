/**
 * Promise: a secret is masked in every form a page, a URL, JSON or base64 gives it (mixed forms
 * too), and evidence still holding one after masking is withheld, never written. The scan uses
 * test/support/secret-scan.ts, written apart from src/secrets.ts.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as XLSX from 'xlsx';
import { writeScrubbed, writeScrubbedTrace } from '../src/portal/evidence.js';
import { readZip, writeZip } from '../src/portal/zip.js';
import { SecretScrubber } from '../src/secrets.js';
import { tempDir } from './support/paths.js';
import { findLeaks, unzip } from './support/secret-scan.js';

const tmp = tempDir('etl-secrets-unit-');
after(() => tmp.cleanup());

const USER = `Zoë O'Brien+ops & <"billing"> 100% Qk7xW2mZ\\/é@example.invalid`;
const PASSWORD = `pä$$ w0rd&'+<"é> %41 Vr9tL4pS#`;
const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

function scrubber(...secrets: string[]): SecretScrubber {
  const s = new SecretScrubber();
  for (const x of secrets) s.add(x);
  return s;
}

/** Forms pages and traces were seen to hold, each inside some surrounding text. */
function encodings(v: string): Record<string, string> {
  const hex = (c: string) => (c.codePointAt(0) ?? 0).toString(16);
  return {
    raw: `<p>Signed in as ${v}</p>`,
    'HTML, named (Chromium serializer)': `<p>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`,
    'HTML attribute': `<input value="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`,
    'HTML, decimal entities for every non-letter': [...v].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `&#${c.codePointAt(0)};`)).join(''),
    'HTML, hex entities, upper-case X': [...v].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `&#X${hex(c).toUpperCase()};`)).join(''),
    'HTML, named Latin-1 (&eacute; &euml; &auml;)': v.replace(/&/g, '&amp;').replace(/é/g, '&eacute;').replace(/ë/g, '&euml;').replace(/ä/g, '&auml;').replace(/</g, '&lt;'),
    'URL, encodeURIComponent': `/profile?user=${encodeURIComponent(v)}&x=1`,
    'URL, lower-case hex': encodeURIComponent(v).toLowerCase(),
    'form body (+ for space)': `csrf=abc&${new URLSearchParams({ user: v }).toString()}`,
    'form body of a Windows-1252 page (%E9)': [...v].map((c) => (/[A-Za-z0-9]/.test(c) ? c : c === ' ' ? '+' : `%${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(2, '0')}`)).join(''),
    JSON: `{"user":${JSON.stringify(v)}}`,
    'JSON in JSON (trace event holding a request body)': JSON.stringify({ postData: JSON.stringify({ user: v }) }),
    'JSON, \\u escapes of <>&\' (Go, Java)': JSON.stringify(v).replace(/[<>&']/g, (c) => `\\u${hex(c).padStart(4, '0')}`),
    'JavaScript, \\x escapes': [...v].map((c) => ((c.codePointAt(0) ?? 0) < 0x100 && !/[A-Za-z0-9]/.test(c) ? `\\x${hex(c).padStart(2, '0')}` : c)).join(''),
    'mixed: HTML entity for & only, raw quote': v.replace(/&/g, '&#38;'),
    'URL-encoded HTML (%26amp%3B)': encodeURIComponent(v.replace(/&/g, '&amp;')),
    'base64 cookie (JWT-like, base64url)': `profile=${Buffer.from(JSON.stringify({ sub: v })).toString('base64url')}; Path=/`,
    'base64 body at byte 0': Buffer.from(v).toString('base64'),
    'base64 body at byte 1': Buffer.from(`x${v}`).toString('base64'),
    'base64 body at byte 2': Buffer.from(`xy${v}`).toString('base64'),
    'Windows-1252 page bytes': Buffer.from(`<p>${v}</p>`, 'latin1').toString('latin1'),
    'NFD (decomposed accents)': v.normalize('NFD'),
    'upper case (a portal showing the user in capitals)': v.toUpperCase(),
  };
}

describe('the scrubber masks every encoding of a secret', () => {
  for (const [name, secret] of [
    ['a username full of characters pages escape', USER],
    ['a password with $, %41 and # in it', PASSWORD],
  ] as const) {
    test(`${name}: each form, in surrounding text, is masked and the rest of the text kept`, () => {
      const s = scrubber(secret);
      for (const [form, text] of Object.entries(encodings(secret))) {
        const bytes = form === 'Windows-1252 page bytes' ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
        const out = s.scrubBytes(bytes);
        // what the independent scan finds (upper case and NFD aside: the scan looks for the value as given)
        assert.deepEqual(findLeaks([{ where: form, text: out.toString('latin1') }], [secret]), [], form);
        assert.ok(!out.toString('latin1').includes(latin1('Qk7xW2mZ')) && !out.toString('latin1').includes('Vr9tL4pS'), `${form}: ${out.toString('latin1')}`);
        assert.equal(s.leaks(out), false, `${form}: the decoding check agrees`);
        assert.equal(s.leaks(bytes), true, `${form}: the decoding check sees the unmasked form`);
      }
    });
  }

  test('the text around a secret is kept, and base64 stays decodable', () => {
    const s = scrubber(USER);
    assert.equal(s.scrub(`<p>Signed in as ${USER.replace(/&/g, '&amp;')} · <a>My account</a></p>`), '<p>Signed in as *** · <a>My account</a></p>');
    const cookie = Buffer.from(JSON.stringify({ sub: USER, exp: 1 })).toString('base64url');
    const masked = s.scrub(cookie);
    assert.notEqual(masked, cookie);
    assert.match(masked, /^[A-Za-z0-9_-]+$/);
    assert.match(Buffer.from(masked, 'base64url').toString('latin1'), /^\{"sub":".*","exp":1\}$/s);
    // base64 inside JSON whose writer escapes slashes (PHP): as many characters as before
    for (const pad of ['', '?', '??']) {
      const b64 = Buffer.from(`${pad}${USER}>>>???`).toString('base64');
      const escaped = b64.replace(/\//g, '\\/');
      const out = s.scrub(escaped);
      assert.notEqual(out, escaped);
      assert.equal(out.replace(/\\/g, '').length, b64.length);
    }
  });

  test('a one-time code is masked where it stands alone, not inside a timestamp or a longer number', () => {
    const s = scrubber('482913');
    assert.equal(s.scrub('otp=482913&x'), 'otp=***&x');
    assert.equal(s.scrub('"code":"482913"'), '"code":"***"');
    assert.equal(s.scrub('"wallTime":1764482913001,"size":482913.5'), '"wallTime":1764482913001,"size":482913.5');
  });

  test('a long secret (a key, 2 KB) is masked as a whole in its usual encodings', () => {
    const key = `-----BEGIN KEY-----\n${'Ab+/'.repeat(500)}\n-----END KEY-----`;
    const s = scrubber(key);
    assert.equal(s.scrub(`x ${key} y`), 'x *** y');
    assert.equal(s.scrub(JSON.stringify({ k: key })), '{"k":"***"}');
  });
});

describe('evidence still holding a secret after masking is withheld', () => {
  test('a form the patterns do not cover (URL-encoded twice) is found by decoding, and the file is not written', () => {
    const s = scrubber(USER);
    const twice = encodeURIComponent(encodeURIComponent(USER));
    const file = path.join(tmp.dir, 'page.html');
    const outcome = writeScrubbed(file, Buffer.from(`<a href="/x?u=${twice}">`), s);
    assert.equal(outcome.kept, false);
    assert.ok(!fs.existsSync(file));
    const ok = writeScrubbed(file, Buffer.from(`<p>${USER.replace(/&/g, '&amp;')}</p>`), s);
    assert.equal(ok.kept, true);
    assert.equal(fs.readFileSync(file, 'utf8'), '<p>***</p>');
  });

  test('a trace zip is rewritten entry by entry, readable by another zip reader', () => {
    const s = scrubber(USER, PASSWORD);
    const raw = path.join(tmp.dir, 'raw.zip');
    const entries = [
      { name: 'trace.trace', data: Buffer.from(`{"type":"frame-snapshot","html":["P",{},${JSON.stringify(`Signed in as ${USER}`)}]}\n`) },
      { name: 'trace.network', data: Buffer.from(`{"request":{"postData":{"text":"${new URLSearchParams({ pwd: PASSWORD }).toString()}"}}}\n`) },
      { name: 'resources/page.html', data: Buffer.from(`<script>window.u = ${JSON.stringify(USER).replace(/</g, '\\u003c')}</script>`) },
      { name: 'resources/empty.bin', data: Buffer.alloc(0) },
    ];
    fs.writeFileSync(raw, writeZip(entries));
    const out = path.join(tmp.dir, 'evidence.trace.zip');
    assert.deepEqual(writeScrubbedTrace(raw, out, s), { file: out, kept: true });
    assert.ok(!fs.existsSync(raw), 'the unscrubbed trace is gone');
    const read = unzip(out);
    assert.deepEqual(read.map((e) => e.where.split('/').slice(-1)[0]).sort(), ['empty.bin', 'page.html', 'trace.network', 'trace.trace']);
    assert.deepEqual(findLeaks(read, [USER, PASSWORD]), []);
    assert.ok(read.some((e) => e.text.includes('Signed in as ***')));
    assert.equal(readZip(fs.readFileSync(out)).length, 4);
  });

  test('a damaged trace zip is withheld, and its unscrubbed copy removed', () => {
    const raw = path.join(tmp.dir, 'damaged.zip');
    const good = writeZip([{ name: 'trace.trace', data: Buffer.from(`x ${USER} `.repeat(50)) }]);
    fs.writeFileSync(raw, Buffer.concat([good.subarray(0, 40), Buffer.alloc(10), good.subarray(50)]));
    const out = path.join(tmp.dir, 'damaged.trace.zip');
    const outcome = writeScrubbedTrace(raw, out, scrubber(USER));
    assert.equal(outcome.kept, false);
    assert.ok(!fs.existsSync(out) && !fs.existsSync(raw));
  });

  test('the zip reader reads what another writer wrote (SheetJS), and refuses what it cannot read', () => {
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['a', 1]]), 'S');
    const xlsx = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
    const names = readZip(xlsx).map((e) => e.name);
    assert.ok(names.includes('xl/workbook.xml'), names.join(', '));
    assert.throws(() => readZip(Buffer.from('not a zip at all, not even close to one')), /not a zip/);
  });
});
