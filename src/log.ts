/**
 * Two outputs: pino JSON lines to `<data dir>/logs/etl.log` for machines, short human lines on
 * stderr for people. Nothing here should ever receive a secret: callers log file names, counts
 * and messages built from data, never credentials; as a last filter every line is scrubbed of the
 * process's known secrets (the database password).
 */
import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { describeFsError } from './errors.js';
import { PROCESS_SECRETS } from './secrets.js';

export interface Output {
  readonly log: Logger;
  /** A human line on stderr (suppressed with --json except warnings and errors). */
  say(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** --verbose only. */
  debug(message: string): void;
}

/**
 * The machine log, or null when its file cannot be written (read-only or full data directory):
 * then the command still runs, with its human lines on stderr only (read-only commands such as
 * `etl status` must work on a read-only data directory).
 */
function openLogFile(dataDir: string, level: string): { log: Logger; problem: string | null } {
  const file = path.join(dataDir, 'logs', 'etl.log');
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return { log: pino({ level, base: { pid: process.pid } }, pino.destination({ dest: file, sync: true, mkdir: true })), problem: null };
  } catch (err) {
    return { log: pino({ level: 'silent' }), problem: `cannot write the log file ${file} (${describeFsError(err)}); logging to stderr only` };
  }
}

export function createOutput(dataDir: string, options: { json: boolean; verbose: boolean }): Output {
  const { log, problem } = openLogFile(dataDir, options.verbose ? 'debug' : 'info');
  const line = (s: string) => process.stderr.write(`${s}\n`);
  if (problem !== null) line(`warning: ${problem}`);
  return {
    log,
    say: (raw) => {
      const m = PROCESS_SECRETS.scrub(raw);
      log.info(m);
      if (!options.json) line(m);
    },
    warn: (raw) => {
      const m = PROCESS_SECRETS.scrub(raw);
      log.warn(m);
      line(`warning: ${m}`);
    },
    error: (raw) => {
      const m = PROCESS_SECRETS.scrub(raw);
      log.error(m);
      line(`error: ${m}`);
    },
    debug: (raw) => {
      const m = PROCESS_SECRETS.scrub(raw);
      log.debug(m);
      if (options.verbose) line(m);
    },
  };
}

/** A one-line progress bar on a TTY, shown only for files that take more than a second. */
export function createProgress(enabled: boolean): { update(file: string, done: number, total: number): void; clear(): void } {
  let started = 0;
  let current = '';
  let shown = false;
  return {
    update(file, done, total) {
      if (!enabled) return;
      const now = Date.now();
      if (file !== current) {
        current = file;
        started = now;
      }
      if (now - started < 1000) return;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const mb = (n: number) => (n / 1e6).toFixed(1);
      process.stderr.write(`\r${'#'.repeat(filled)}${'.'.repeat(width - filled)} ${pct}% ${mb(done)}/${mb(total)} MB ${file.slice(-40)}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
      current = '';
    },
  };
}
