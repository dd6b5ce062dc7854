/** Carrier unit tests: text as a ParseInput (streamed in small chunks) and a detection sample. */
import type { FileSample, ParseInput } from '../../src/carrier-kit/contract.js';

/** `text` as a file to parse, delivered `chunkSize` characters at a time (chunk boundaries anywhere). */
export function textInput(text: string, chunkSize = 7, file = 'x.csv'): ParseInput {
  return {
    file,
    kind: 'text',
    path: '/dev/null',
    encoding: 'utf8',
    bytes: Buffer.byteLength(text),
    head: text.slice(0, 65_536),
    async *chunks() {
      for (let i = 0; i < text.length; i += chunkSize) yield text.slice(i, i + chunkSize);
    },
  };
}

export function textSample(head: string, kind: FileSample['kind'] = 'text', name = 'x.csv'): FileSample {
  return { name, kind, head };
}
