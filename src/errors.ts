/**
 * Typed errors. Bad *data* is never thrown: it becomes an Issue (see model/issue.ts). These are
 * for a whole file or the system being unusable; each carries the process exit code it maps to.
 */
export const EXIT = {
  ok: 0,
  /** some file quarantined or some invoice unreconciled */
  dataProblem: 1,
  /** usage or configuration error */
  usage: 2,
  /** system failure: database unreachable, disk, missing program */
  system: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export abstract class EtlError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
}

/** Wrong flags, unknown carrier, bad config value. */
export class UsageError extends EtlError {
  readonly code = 'usage';
  readonly exitCode = EXIT.usage;
}

/** Database unreachable, file system failure, missing system program. */
export class SystemError extends EtlError {
  readonly code = 'system';
  readonly exitCode = EXIT.system;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Loading a file failed inside its transaction; everything it wrote was rolled back. */
export class LoadError extends EtlError {
  readonly code = 'load';
  readonly exitCode = EXIT.system;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * One input path cannot be read (permission denied, not a regular file, I/O error): reported
 * naming the path and the cause, counted, and the other paths go on (exit 1, not 3).
 */
export class PathError extends EtlError {
  readonly code = 'path';
  readonly exitCode = EXIT.dataProblem;
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${reason}`, options);
  }
}

/** Why a file-system call failed, in words, with the errno code: `permission denied (EACCES)`. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such file or directory',
    ELOOP: 'too many levels of symbolic links',
    EIO: 'input/output error',
    ENOSPC: 'disk full (no space left on device)',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
  };
  const w = typeof e?.code === 'string' ? words[e.code] : undefined;
  return w !== undefined ? `${w} (${e.code})` : describeError(err);
}

/** Text of any thrown value, for messages. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * A carrier portal misbehaved or refused us. `transient` failures (HTTP 5xx, time-outs, an
 * expired session, a maintenance page, a cut-off download) are retried with backoff; others
 * (wrong password, unknown account) fail the account at once. Messages never contain secrets.
 */
export class PortalError extends EtlError {
  readonly code = 'portal';
  readonly exitCode = EXIT.dataProblem;
  constructor(
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
