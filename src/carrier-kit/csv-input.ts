import { CsvReader, sniffDelimiter, type CsvEnd, type CsvOptions, type CsvRecord } from '../parsing/csv.js';
import type { ParseInput } from './contract.js';

/** A batch of CSV records, then (once) how the text ended. */
export type CsvBatch = { readonly records: readonly CsvRecord[]; readonly end?: CsvEnd };

/**
 * Streams `input` as CSV record batches (one batch per decoded chunk), so a 200 MB file never
 * sits in memory. The last batch carries `end`.
 */
export async function* readCsv(input: ParseInput, delimiter: string, options: CsvOptions = {}): AsyncIterable<CsvBatch> {
  const reader = new CsvReader(delimiter, options);
  for await (const chunk of input.chunks()) {
    const records = reader.push(chunk);
    if (records.length > 0) yield { records };
  }
  const { records, end } = reader.end();
  yield { records, end };
}

/** Sniffs the delimiter of `input` among `candidates` (null when none appears). */
export function sniffInputDelimiter(input: { readonly head: string }, candidates?: readonly string[]): string | null {
  return sniffDelimiter(input.head, candidates);
}

/**
 * Splits one line of CSV (RFC-4180 quotes; a quote after leading spaces still opens a quoted
 * field). For detection and header rows read from the sample, before the streaming reader starts
 * (so the reader can keep only the columns a carrier reads). Multi-line fields are not joined.
 */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (quoted) {
      if (ch === '"' && line.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === delimiter) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}
