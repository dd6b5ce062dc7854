/**
 * land: copies a file into the landing store under the data dir, once, computing its sha256 and
 * checking its encoding in the same pass. The landed copy is what gets parsed, and stays for
 * analysts (and for quarantined files, for whoever fixes them).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describeFsError, PathError, SystemError } from '../errors.js';
import { Utf8Check } from '../parsing/text.js';
import { INCOMING_PREFIX, landingDirOf, ownedName } from './leftovers.js';

export interface LandedFile {
  readonly originalPath: string;
  readonly originalName: string;
  readonly storedPath: string;
  readonly sha256: string;
  readonly bytes: number;
  /** The first 64 KiB, for sniffing. */
  readonly head: Buffer;
  /** Every byte is valid UTF-8. */
  readonly utf8: boolean;
}

const HEAD_BYTES = 64 * 1024;

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-120);
}

/**
 * Opens a source file for reading, refusing anything but a regular file. O_NONBLOCK: opening a
 * FIFO for reading would otherwise wait forever for a writer; on a regular file it changes nothing.
 * Failures here are the path's own (PathError): the other files go on.
 */
async function openRegularFile(filePath: string): Promise<fs.promises.FileHandle> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(filePath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    throw new PathError(filePath, `cannot be read: ${describeFsError(err)}`, { cause: err });
  }
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw new PathError(filePath, `${kindOf(st)}, not a regular file; only regular files are read`);
  }
  return fh;
}

/** What a non-regular file is, for messages. */
export function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'a special file';
}

/**
 * Lands `filePath` as `<dataDir>/landing/<sha256[0..2]>/<sha256[0..16]>-<name>` (content-addressed:
 * the carrier may only be known after detection). `originalName` is the name the file arrived
 * with, when `filePath` is its landed copy (`etl retry`). Throws SystemError on I/O failure.
 */
export async function landFile(filePath: string, dataDir: string, originalName = path.basename(filePath)): Promise<LandedFile> {
  const root = landingDirOf(dataDir);
  // named after this process, so the next command can remove it if this one is killed (leftovers.ts)
  const tmp = path.join(root, `${ownedName(INCOMING_PREFIX)}${safeName(originalName)}`);
  const hash = createHash('sha256');
  const utf8 = new Utf8Check();
  const headParts: Buffer[] = [];
  let headLen = 0;
  let bytes = 0;
  try {
    fs.mkdirSync(root, { recursive: true });
    // One reused buffer for read, hash, UTF-8 check and write: no garbage per chunk.
    const buf = Buffer.allocUnsafe(1 << 20);
    const src = await openRegularFile(filePath);
    const dest = await fs.promises.open(tmp, 'w');
    try {
      for (;;) {
        const { bytesRead } = await src.read(buf, 0, buf.length, null).catch((err: unknown) => {
          throw new PathError(filePath, `cannot be read: ${describeFsError(err)}`, { cause: err });
        });
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        hash.update(chunk);
        utf8.update(chunk);
        bytes += bytesRead;
        if (headLen < HEAD_BYTES) {
          const part = chunk.subarray(0, HEAD_BYTES - headLen);
          headParts.push(Buffer.from(part));
          headLen += part.length;
        }
        await dest.write(chunk, 0, bytesRead);
      }
    } finally {
      await src.close();
      await dest.close();
    }
    const sha256 = hash.digest('hex');
    const dir = path.join(root, sha256.slice(0, 2));
    fs.mkdirSync(dir, { recursive: true });
    const storedPath = path.join(dir, `${sha256.slice(0, 16)}-${safeName(originalName)}`);
    if (fs.existsSync(storedPath)) fs.rmSync(tmp);
    else fs.renameSync(tmp, storedPath);
    return { originalPath: filePath, originalName, storedPath, sha256, bytes, head: Buffer.concat(headParts), utf8: utf8.result() };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    if (err instanceof PathError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !fs.existsSync(filePath)) throw new SystemError(`${filePath}: no such file`);
    throw new SystemError(`landing ${filePath} into ${root} failed: ${describeFsError(err)}`, { cause: err });
  }
}
