import { CsvReader, type CsvEnd, type CsvOptions, type CsvRecord } from '../parsing/csv.js';
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
