/**
 * Keeps secrets out of everything we write: any text that may reach a log, a message, a file name
 * or the database passes through `scrub` first, and every evidence file through `scrubBytes`
 * then `leaks` (see docs/security.md).
 *
 * A page or a trace rarely holds a secret as typed: the portal HTML-escapes it (`&amp;`, `&#38;`,
 * `&eacute;`), puts it in a URL (`%26`, `+`), in JSON (`\u0026`, `\"`), in a cookie as base64, in a
 * Windows-1252 page as one byte. So each secret becomes one pattern in which every character may
 * take any of those forms (they mix within one string: `a&amp;b'c`), matched over bytes, plus
 * base64 patterns of the whole secret at the three byte alignments. `leaks` is a second,
 * independent check: it decodes the content instead (entities, percent, JSON escapes, base64
 * runs) and looks for the plain secret, so a form the patterns miss still withholds the file.
 */

/** HTML named character references a page may use for a character (plus `&#N;` and `&#xH;`). */
const NAMED_ENTITIES: Readonly<Record<string, readonly string[]>> = (() => {
  const ascii: Record<string, string[]> = {
    '&': ['amp'], '<': ['lt'], '>': ['gt'], '"': ['quot'], "'": ['apos'], '!': ['excl'], '#': ['num'], $: ['dollar'],
    '%': ['percnt'], '(': ['lpar'], ')': ['rpar'], '*': ['ast', 'midast'], '+': ['plus'], ',': ['comma'], '.': ['period'],
    '/': ['sol'], ':': ['colon'], ';': ['semi'], '=': ['equals'], '?': ['quest'], '@': ['commat'], '[': ['lsqb', 'lbrack'],
    '\\': ['bsol'], ']': ['rsqb', 'rbrack'], '^': ['Hat'], _: ['lowbar', 'UnderBar'], '`': ['grave', 'DiacriticalGrave'],
    '{': ['lcub', 'lbrace'], '|': ['verbar', 'vert', 'VerticalLine'], '}': ['rcub', 'rbrace'],
  };
  // U+00A0..U+00FF in order: the HTML 4 Latin-1 names every browser and server library knows
  const latin1 = ('nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro ' +
    'para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave ' +
    'Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml ' +
    'Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ' +
    'ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml').split(' ');
  latin1.forEach((name, i) => (ascii[String.fromCharCode(0xa0 + i)] = [name]));
  return ascii;
})();

const ENTITY_VALUES: ReadonlyMap<string, string> = new Map(Object.entries(NAMED_ENTITIES).flatMap(([ch, names]) => names.map((n) => [n.toLowerCase(), ch] as const)));

/** Shortest secret scrubbed: a shorter one would mask half of every page. */
export const MIN_SECRET_LENGTH = 3;
/** Base64 runs shorter than this match random data too often to be masked. */
const MIN_BASE64_RUN = 6;
const MASK = '***';

const reEscape = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => `\\${c}`);
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
/** A Buffer's bytes as a string of U+0000..U+00FF, one character per byte: regexes over bytes. */
const bytesOf = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/**
 * Every form one character may take in a page, a URL, JSON or a trace, as a regex over bytes.
 * Grouped by first character (raw, `%`, `\`, `&`) so the pattern of a long secret stays small
 * enough for V8 to compile it natively (a 750 KB trace entry, six secrets: 0.6 s; 1.8 s ungrouped).
 */
function characterPattern(ch: string): string {
  const forms = new Set([ch, ch.toLowerCase(), ch.toUpperCase()].filter((f) => [...f].length === 1));
  const raw = new Set<string>();
  const percent = new Set<string>(); // after %
  const backslash = new Set<string>(); // after one or more \ (JSON, JavaScript, escaped again)
  const entity = new Set<string>(); // after & (or an escaped &)
  for (const f of forms) {
    const cp = f.codePointAt(0) ?? 0;
    const utf8 = [...Buffer.from(f, 'utf8')];
    raw.add(reEscape(Buffer.from(utf8).toString('latin1'))); // as typed (UTF-8)
    percent.add(utf8.map((b) => hex(b, 2)).join('%')); // the `i` flag takes %c3 and %C3
    if (cp >= 0x80 && cp <= 0xff) {
      raw.add(reEscape(String.fromCharCode(cp))); // one byte in a Latin-1 / Windows-1252 page
      percent.add(hex(cp, 2));
    }
    entity.add(`#0*${cp}`);
    entity.add(`#x0*${hex(cp, 1)}`);
    for (const name of NAMED_ENTITIES[f] ?? []) entity.add(name);
    if (cp <= 0xffff) {
      backslash.add(`u${hex(cp, 4)}`);
      percent.add(`u${hex(cp, 4)}`); // JavaScript escape()
    } else {
      const hi = 0xd800 + ((cp - 0x10000) >> 10);
      const lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      backslash.add(`u${hex(hi, 4)}\\\\+u${hex(lo, 4)}`);
    }
    if (cp < 0x100) backslash.add(`x${hex(cp, 2)}`);
    if (cp < 0x80 && !/[A-Za-z0-9]/.test(f)) backslash.add(reEscape(f)); // \" \/ \\ \'
    if (f === ' ') raw.add('\\+'); // form encoding
  }
  const group = (xs: Set<string>) => (xs.size === 1 ? [...xs].join('') : `(?:${[...xs].join('|')})`);
  // the `&` of an entity may itself be escaped once (`&amp;amp;`, `\u0026amp;`, `%26amp%3B`)
  return `(?:${[...raw].join('|')}|%${group(percent)}|\\\\+${group(backslash)}|(?:&|&amp;|\\\\+u0026|%26)${group(entity)}(?:;|%3B)?)`;
}

/** The stable base64 characters of `bytes` preceded by `align` unknown bytes (0, 1 or 2). */
function base64Core(bytes: Buffer, align: number): string {
  const enc = Buffer.concat([Buffer.alloc(align), bytes]).toString('base64');
  const first = Math.ceil((8 * align) / 6);
  const end = Math.floor((8 * (align + bytes.length)) / 6);
  return enc.slice(first, end);
}

/** Whole-secret encodings a page or request may base64 (a cookie, a JWT, a data: URL, a body). */
function base64Sources(value: string): Buffer[] {
  const html = value.replace(/[&<>"']/g, (c) => `&${NAMED_ENTITIES[c]?.[0] ?? ''};`);
  const json = JSON.stringify(value).slice(1, -1);
  const form = new URLSearchParams({ x: value }).toString().slice(2);
  const sources = [value, html, json, encodeURIComponent(value), form].map((s) => Buffer.from(s, 'utf8'));
  if ([...value].every((c) => c.charCodeAt(0) <= 0xff)) sources.push(Buffer.from(value, 'latin1'));
  return sources;
}

function base64Pattern(core: string): string {
  return [...core].map((c) => (c === '+' || c === '-' ? '(?:\\+|-|%2B)' : c === '/' || c === '_' ? '(?:/|_|\\\\+/|%2F)' : c)).join('');
}

interface Compiled {
  readonly value: string;
  /** Every character in any of its forms, case-insensitive. */
  readonly pattern: RegExp;
  /** Base64 (standard and URL alphabets) of the secret's encodings, case-sensitive. */
  readonly base64: RegExp | null;
}

/**
 * A secret of digits only (a one-time code) counts where it stands as a number of its own: the
 * same six digits inside a longer number (a timestamp, a size, an id) are not it.
 */
function bounded(value: string, body: string): string {
  return /^\d+$/.test(value) ? `(?<![0-9.])${body}(?!\\.?[0-9])` : body;
}

/** Longer secrets (keys, certificates) are matched as whole strings in their usual encodings. */
const MAX_PER_CHARACTER = 128;

function wholeStringPattern(value: string): string {
  const forms = new Set([value, ...base64Sources(value).map((b) => b.toString('utf8'))]);
  return `(?:${[...forms].map((f) => reEscape(bytesOf(f))).join('|')})`;
}

/**
 * A one-character-class lookahead of what the secret's first character can start with (itself in
 * any case, as UTF-8 or one byte; `%`, `&`, `\`, `+`): most positions of a page fail it at once,
 * which makes scrubbing a trace several times faster than trying every alternative everywhere.
 */
function firstCharacterGuard(value: string): string {
  const first = [...value][0] ?? '';
  const starts = new Set(['%', '&', '\\', '+']);
  for (const f of [first, first.toLowerCase(), first.toUpperCase()]) {
    starts.add(Buffer.from(f, 'utf8').toString('latin1').charAt(0));
    const cp = f.codePointAt(0) ?? 0;
    if (cp >= 0x80 && cp <= 0xff) starts.add(String.fromCharCode(cp));
  }
  return `(?=[${[...starts].map((c) => `\\x${hex(c.charCodeAt(0), 2)}`).join('')}])`;
}

function compile(value: string): Compiled {
  const body = value.length <= MAX_PER_CHARACTER ? firstCharacterGuard(value) + [...value].map(characterPattern).join('') : wholeStringPattern(value);
  let pattern: RegExp;
  try {
    pattern = new RegExp(bounded(value, body), 'gi');
  } catch {
    // never let a regex error (its message quotes the pattern, hence the secret) escape
    pattern = new RegExp(bounded(value, reEscape(bytesOf(value))), 'gi');
  }
  const cores = new Set<string>();
  for (const src of base64Sources(value)) {
    for (let align = 0; align < 3; align++) {
      const core = base64Core(src, align);
      if (core.length >= MIN_BASE64_RUN) cores.add(base64Pattern(core));
    }
  }
  const base64 = cores.size > 0 ? new RegExp([...cores].join('|'), 'g') : null;
  return { value, pattern, base64 };
}

function decodeEntities(s: string): string {
  return s.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z][a-z0-9]{1,31}));?/gi, (m, dec?: string, hx?: string, name?: string) => {
    if (name !== undefined) {
      const ch = ENTITY_VALUES.get(name.toLowerCase());
      return ch === undefined ? m : bytesOf(ch);
    }
    const cp = dec !== undefined ? Number(dec) : Number.parseInt(hx ?? '', 16);
    return cp > 0 && cp <= 0x10ffff ? bytesOf(String.fromCodePoint(cp)) : m;
  });
}

const JSON_SHORT: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** JSON and JavaScript string escapes, one level (`\\u0026` → `\u0026`, `\u0026` → `&`). */
function decodeJsonEscapes(s: string): string {
  return s.replace(/\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))/g, (_, hi?: string, lo?: string, u?: string, x?: string, c?: string) => {
    if (hi !== undefined && lo !== undefined) return bytesOf(String.fromCharCode(Number.parseInt(hi, 16), Number.parseInt(lo, 16)));
    if (u !== undefined) return bytesOf(String.fromCharCode(Number.parseInt(u, 16)));
    if (x !== undefined) return String.fromCharCode(Number.parseInt(x, 16));
    return JSON_SHORT[c ?? ''] ?? c ?? '';
  });
}

/** Percent-encoding (to bytes), and JavaScript's `%uXXXX`. */
function decodePercent(s: string): string {
  return s
    .replace(/%u([0-9a-fA-F]{4})/g, (_, h: string) => bytesOf(String.fromCharCode(Number.parseInt(h, 16))))
    .replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

const DECODERS: readonly ((s: string) => string)[] = [decodeEntities, decodePercent, decodeJsonEscapes, (s) => s.replace(/\+/g, ' ')];

/**
 * `s` and what each decoder, and each chain of two, makes of it: a secret may be HTML-escaped
 * inside JSON, or inside a URL. Decoders that change nothing add no view.
 */
function decodedViews(s: string): string[] {
  const seen = new Set([s]);
  let frontier = [s];
  for (let depth = 0; depth < 2; depth++) {
    const next: string[] = [];
    for (const v of frontier) {
      for (const decode of DECODERS) {
        const d = decode(v);
        if (!seen.has(d)) {
          seen.add(d);
          next.push(d);
        }
      }
    }
    frontier = next;
  }
  return [...seen];
}

/** Every run that looks like base64, decoded at each of its four possible starting phases. */
function base64Views(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/[A-Za-z0-9+/_-]{8,}/g)) {
    for (let phase = 0; phase < 4; phase++) out.push(Buffer.from(m[0].slice(phase), 'base64').toString('latin1'));
  }
  return out;
}

export class SecretScrubber {
  private compiled: Compiled[] = [];

  /** Registers a secret (with its Unicode normalization forms). Shorter than 3 characters: ignored. */
  add(value: string | undefined): void {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
    for (const v of new Set([value, value.normalize('NFC'), value.normalize('NFD')])) {
      if (this.compiled.some((c) => c.value === v)) continue;
      this.compiled.push(compile(v));
    }
    this.compiled.sort((a, b) => b.value.length - a.value.length);
  }

  /** No secret registered (nothing to scrub). */
  get empty(): boolean {
    return this.compiled.length === 0;
  }

  /** `text` with every form of every secret replaced by `***`. */
  scrub(text: string): string {
    return this.scrubBytes(Buffer.from(text, 'utf8')).toString('utf8');
  }

  /** True when `text` shows a secret in any of its forms. */
  mentions(text: string): boolean {
    return this.scrub(text) !== text;
  }

  /** `bytes` (any content: HTML, JSON, a CSV, an image) with every form of every secret masked. */
  scrubBytes(bytes: Buffer): Buffer {
    if (this.compiled.length === 0) return bytes;
    let s = bytes.toString('latin1');
    for (const c of this.compiled) {
      s = s.replace(c.pattern, MASK);
      // masked with base64 zero bits, so the base64 stays decodable and the viewer still loads it
      // (one A per base64 character: `%2F` and `\/` are one character each)
      if (c.base64 !== null) s = s.replace(c.base64, (m) => 'A'.repeat(m.replace(/%2[bf]/gi, '+').replace(/\\/g, '').length));
    }
    return Buffer.from(s, 'latin1');
  }

  /**
   * Independent of the patterns: decodes `bytes` (entities, percent and JSON escapes, nested, and
   * base64 runs) and looks for any secret as plain text. For a last check of evidence files.
   */
  leaks(bytes: Buffer): boolean {
    if (this.compiled.length === 0) return false;
    // as UTF-8 and as one byte a character (Latin-1 pages); in capitals and small letters too,
    // since over bytes the `i` flag folds ASCII only
    const needles = this.compiled.flatMap((c) => {
      const forms = new Set<string>();
      for (const v of [c.value, c.value.toUpperCase(), c.value.toLowerCase()]) {
        forms.add(bytesOf(v));
        if ([...v].every((ch) => ch.charCodeAt(0) <= 0xff)) forms.add(v);
      }
      return [...forms].map((f) => new RegExp(bounded(c.value, reEscape(f)), 'i'));
    });
    // line by line (traces are JSON lines), so the decoded views stay small
    return bytes
      .toString('latin1')
      .split('\n')
      .some((line) => {
        // decoded base64 runs are joined into one text, so their entities and escapes decode too
        const views = [...decodedViews(line), ...decodedViews(base64Views(line).join('\n'))];
        return views.some((v) => needles.some((n) => n.test(v)));
      });
  }
}

/**
 * Secrets of this process that outlive one command's own scrubber (the database password): the
 * last filter of every human line, log message and top-level error message.
 */
export const PROCESS_SECRETS = new SecretScrubber();
