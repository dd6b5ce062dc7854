/**
 * What a database error means for the run. Only the database being unusable (connection lost,
 * disk full, anything unknown) stops a run; a statement the database refuses because of one
 * file's values is that file's problem (it is quarantined with the database's message and the
 * other files go on).
 */
import { describeError } from '../errors.js';

export type DbFailure =
  /** The connection (or the server) went away: PostgreSQL SQLSTATE 08xxx and 57Pxx, socket errors. */
  | 'connection_lost'
  /** No space for the database: SQLITE_FULL, PostgreSQL 53100 disk_full, ENOSPC, EDQUOT. */
  | 'disk_full'
  /** The database refused this data: PostgreSQL classes 22 (data exception) and 23 (integrity), SQLite constraint/mismatch/too big. */
  | 'rejected_data'
  | 'other';

const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** pg's own texts for a connection that died under a client (they carry no SQLSTATE). */
const PG_CONNECTION_TEXTS = /Connection terminated|not queryable|Client was closed|connection is closed|Connection ended/i;

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export function classifyDbError(err: unknown): DbFailure {
  const code = codeOf(err);
  if (code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC' || code === 'EDQUOT') return 'disk_full';
  if (code.startsWith('08') || code.startsWith('57P') || SOCKET_CODES.has(code)) return 'connection_lost';
  if (code === '' && PG_CONNECTION_TEXTS.test(describeError(err))) return 'connection_lost';
  if (/^2[23][0-9A-Z]{3}$/.test(code)) return 'rejected_data';
  if (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG') return 'rejected_data';
  return 'other';
}

/** The database's words plus its error code, e.g. `invalid input syntax for type integer (22P02)`. */
export function dbMessage(err: unknown): string {
  const code = codeOf(err);
  const text = describeError(err);
  return code !== '' && !text.includes(code) ? `${text} (${code})` : text;
}
