/**
 * Streaming RFC-4180 record reader and delimiter sniffing.
 *
 * Why not papaparse or udsv: UPS rows have 250 mostly-empty fields. papaparse measured 59k
 * rows/s on such rows here (node 20, 113 MB, 200k rows) — below the 90k rows/s the whole ingest
 * must reach — and udsv assumes one column count per file, while UPS files trim trailing
 * placeholder columns row by row. This reader slices fields with indexOf (139k rows/s on the
 * same file, before any tuning) and reports the physical line each record starts on.
 */

export interface CsvRecord {
  /** 1-based physical line number where the record starts. */
  readonly row: number;
  /** All fields, or with `pick` only the picked ones, in pick order ('' when the row is shorter). */
  readonly fields: string[];
  /** How many fields the row really has. */
  readonly width: number;
}

export interface CsvOptions {
  /**
   * 0-based columns to keep. The others are scanned but never sliced: a UPS row has 250 fields
   * and we read 29, so this saves most of the allocation (and garbage collection) per row.
   */
  readonly pick?: readonly number[];
}

export interface CsvEnd {
  /** The text ended inside a quoted field that was never closed. */
  readonly unterminatedQuoteRow: number | null;
  /** The last record had no line break after it (normal for some exporters; see `lastRecord`). */
  readonly endedWithoutNewline: boolean;
}

const QUOTE = 34;

/**
 * Incremental reader: `push` text chunks in order, get back the complete records so far, then
 * `end()`. Memory is bounded by one chunk plus one partial record.
 */
export class CsvReader {
  private buf = '';
  private line = 1;
  private lastEndedWithNewline = true;
  private unterminated: number | null = null;
  /** The width of the line `plainLine` read last (no object per line for two results). */
  private plainWidth = 0;

  /** slot[col] = index in `fields` for picked columns, -1 for the others; null = keep all. */
  private readonly slot: Int32Array | null;
  private readonly picked: number;

  constructor(
    private readonly delimiter: string,
    options: CsvOptions = {},
  ) {
    if (delimiter.length !== 1) throw new Error(`CSV delimiter must be one character, got "${delimiter}"`);
    const pick = options.pick;
    if (pick === undefined) {
      this.slot = null;
      this.picked = 0;
    } else {
      this.slot = new Int32Array(Math.max(0, ...pick) + 1).fill(-1);
      pick.forEach((col, j) => {
        (this.slot as Int32Array)[col] = j;
      });
      this.picked = pick.length;
    }
  }

  /** Appends `chunk` and returns every record now complete. */
  push(chunk: string): CsvRecord[] {
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    return this.drain(false);
  }

  /** Returns the records left at end of input and how the input ended. */
  end(): { records: CsvRecord[]; end: CsvEnd } {
    const records = this.drain(true);
    return {
      records,
      end: { unterminatedQuoteRow: this.unterminated, endedWithoutNewline: !this.lastEndedWithNewline },
    };
  }

  private drain(final: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    const s = this.buf;
    const d = this.delimiter;
    const dc = d.charCodeAt(0);
    const len = s.length;
    const slot = this.slot;
    let pos = 0;
    // where the next quote is at or after `pos` (-1: none left in the text); a line before it
    // has no quoted field and takes the fast path
    let nextQuote = s.indexOf('"');
    while (pos < len) {
      const startLine = this.line;
      let nl = s.indexOf('\n', pos);
      if (nl === -1 && !final) break; // wait for the rest of the line
      let lineEnd = nl === -1 ? len : nl;
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = s.indexOf('"', pos);
      if (nextQuote === -1 || nextQuote >= lineEnd) {
        const fields = this.plainLine(s, pos, lineEnd);
        const width = this.plainWidth;
        this.lastEndedWithNewline = lineEnd < len;
        this.line += 1;
        pos = lineEnd + 1;
        if (!(width === 1 && (slot === null ? fields[0] === '' : true))) out.push({ row: startLine, fields, width });
        continue;
      }
      const fields: string[] = slot === null ? [] : new Array<string>(this.picked).fill('');
      let col = 0;
      // stores field `col` (all of them, or only the picked ones)
      const put = (v: string): void => {
        if (slot === null) fields.push(v);
        else if (col < slot.length) {
          const j = slot[col] as number;
          if (j >= 0) fields[j] = v;
        }
        col++;
      };
      let i = pos;
      let extraLines = 0;
      let incomplete = false;
      for (;;) {
        if (s.charCodeAt(i) === QUOTE) {
          // quoted field: may contain delimiters, doubled quotes and line breaks
          let value = '';
          let j = i + 1;
          let closed = false;
          for (;;) {
            const q = s.indexOf('"', j);
            if (q === -1) break;
            if (s.charCodeAt(q + 1) === QUOTE) {
              value += s.slice(j, q + 1);
              j = q + 2;
              continue;
            }
            if (q + 1 === len && !final) break; // a `""` may straddle the chunk boundary
            value += s.slice(j, q);
            i = q + 1;
            closed = true;
            break;
          }
          if (!closed) {
            if (!final) {
              incomplete = true;
              break;
            }
            this.unterminated = startLine;
            value += s.slice(j);
            i = len;
          }
          for (let k = value.indexOf('\n'); k !== -1; k = value.indexOf('\n', k + 1)) extraLines++;
          const valueCol = col;
          put(value);
          if (i > lineEnd) {
            // the quoted value spanned line breaks: find the real end of this record
            nl = s.indexOf('\n', i);
            if (nl === -1 && !final) {
              incomplete = true;
              break;
            }
            lineEnd = nl === -1 ? len : nl;
          }
          // after a closing quote: delimiter, line end, or (lenient) stray text up to the next delimiter
          if (i >= lineEnd || (i === lineEnd - 1 && s.charCodeAt(i) === 13)) break;
          if (s[i] === d) {
            i++;
            continue;
          }
          const next = s.indexOf(d, i);
          const stop = next === -1 || next > lineEnd ? lineEnd : next;
          const stray = s.slice(i, stop);
          if (slot === null) fields[fields.length - 1] += stray;
          else if (valueCol < slot.length && (slot[valueCol] as number) >= 0) fields[slot[valueCol] as number] += stray;
          if (stop === lineEnd) break;
          i = stop + 1;
          continue;
        }
        // unquoted field: a tight char loop beats one indexOf call per field on 250-field rows
        let k = i;
        while (k < lineEnd && s.charCodeAt(k) !== dc) k++;
        const wanted = slot === null || (col < slot.length && (slot[col] as number) >= 0);
        if (k >= lineEnd) {
          let end = lineEnd;
          if (end > i && s.charCodeAt(end - 1) === 13) end--;
          if (wanted) put(end === i ? '' : s.slice(i, end));
          else col++;
          break;
        }
        if (wanted) put(k === i ? '' : s.slice(i, k));
        else col++;
        i = k + 1;
      }
      if (incomplete) break;
      this.lastEndedWithNewline = lineEnd < len;
      this.line += 1 + extraLines;
      pos = lineEnd + 1;
      // a blank line is not a record
      if (!(col === 1 && lineEnd - pos <= 1 && (slot === null ? fields[0] === '' : true))) out.push({ row: startLine, fields, width: col });
    }
    this.buf = pos >= len ? '' : s.slice(pos);
    return out;
  }

  /**
   * One line without quotes, [pos, lineEnd): the same fields as the general loop above (its width
   * in `plainWidth`), but
   * past the last picked column the fields are only counted. Most UPS rows have no quote and
   * 250 mostly empty fields, so this is where the reader spends its time.
   */
  private plainLine(s: string, pos: number, lineEnd: number): string[] {
    let end = lineEnd;
    if (end > pos && s.charCodeAt(end - 1) === 13) end--;
    const slot = this.slot;
    if (slot === null) {
      const fields = s.slice(pos, end).split(this.delimiter);
      this.plainWidth = fields.length;
      return fields;
    }
    const dc = this.delimiter.charCodeAt(0);
    const fields = new Array<string>(this.picked).fill('');
    const last = slot.length;
    let col = 0;
    let i = pos;
    for (;;) {
      let k = i;
      while (k < end && s.charCodeAt(k) !== dc) k++;
      const j = slot[col] as number;
      if (j >= 0 && k > i) fields[j] = s.slice(i, k);
      col++;
      if (k >= end) break;
      i = k + 1;
      if (col === last) {
        // the rest is only counted: one field more than the delimiters left
        for (let m = i; m < end; m++) if (s.charCodeAt(m) === dc) col++;
        col++;
        break;
      }
    }
    this.plainWidth = col;
    return fields;
  }
}

/**
 * The first `max` records of `head` (the start of a file, possibly cut in the middle of a
 * record), read by the same reader as the whole file: quoted delimiters and line breaks inside
 * quotes count as text. A record cut off by the end of the sample is left out, unless it is the
 * only one (a one-line sample without a final newline).
 */
export function headRecords(head: string, delimiter: string, max = 10): CsvRecord[] {
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  const reader = new CsvReader(delimiter);
  const records = reader.push(text);
  if (records.length === 0) records.push(...reader.end().records.filter((r) => r.row === 1));
  return records.slice(0, max);
}

/**
 * Picks the delimiter whose field count per record is highest and steady over the first records
 * of `sample`, read by the CSV reader itself (so a quoted field holding delimiters or line breaks
 * counts as one field). Returns null when no candidate appears at all.
 */
export function sniffDelimiter(sample: string, candidates: readonly string[] = [',', ';', '|', '\t']): string | null {
  let best: string | null = null;
  let bestScore = 0;
  for (const c of candidates) {
    const counts = headRecords(sample, c).map((r) => r.width - 1);
    if (counts.length === 0) continue;
    const min = Math.min(...counts);
    const max = Math.max(...counts);
    // steady counts score their minimum; unsteady ones half of it
    const score = min === max ? min : min / 2;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
