/**
 * What a carrier's `parse` reads from a landed text file: its text, decoded and streamed in
 * chunks. Used on the main thread and inside the file-flow worker (pipeline/flow-thread.ts).
 */
import fs from 'node:fs';
import type { ParseInput } from '../carrier-kit/contract.js';
import { createDecoder, type TextEncoding } from '../parsing/text.js';
import type { LandedFile } from './land.js';

/** What decoding needs of a landed file (it crosses to a worker thread as plain data). */
export type LandedText = Pick<LandedFile, 'originalName' | 'storedPath' | 'bytes' | 'head'>;

export async function decodedInput(landed: LandedText, encoding: TextEncoding, readChunk: number, onProgress?: (done: number) => void): Promise<ParseInput> {
  const headDecoder = await createDecoder(encoding);
  const head = headDecoder.write(landed.head) + (landed.head.length === landed.bytes ? headDecoder.end() : '');
  return {
    file: landed.originalName,
    kind: 'text',
    path: landed.storedPath,
    encoding,
    bytes: landed.bytes,
    head,
    async *chunks() {
      const decoder = await createDecoder(encoding);
      // One reused buffer: the decoder copies into a string, so no Buffer garbage per chunk.
      const buf = Buffer.allocUnsafe(readChunk);
      // Synchronous reads: 64 KiB from the page cache takes microseconds, while each async read
      // was a thread-pool round trip (0.8 s idle per 500k rows in a profile).
      const fd = fs.openSync(landed.storedPath, 'r');
      try {
        let done = 0;
        for (;;) {
          const bytesRead = fs.readSync(fd, buf, 0, buf.length, null);
          if (bytesRead === 0) break;
          done += bytesRead;
          onProgress?.(done);
          const text = decoder.write(buf.subarray(0, bytesRead));
          if (text.length > 0) yield text;
        }
      } finally {
        fs.closeSync(fd);
      }
      const rest = decoder.end();
      if (rest.length > 0) yield rest;
    },
  };
}

