/**
 * convert: legacy spreadsheets (.xls, .ods) → .xlsx with headless LibreOffice, a whole batch per
 * soffice start. The libreoffice-convert package starts one soffice per file (0.85 s each here);
 * one soffice converting 20 files took 1.47 s in all, so the engine batches and calls soffice
 * itself (docs/performance.md). Each run gets its own LibreOffice profile directory, so parallel
 * runs cannot collide, and a timeout.
 *
 * soffice dies with us: it runs in its own process group, killed on timeout and when this process
 * exits, and a watchdog shell (its own session, so it outlives a SIGKILL of this process) polls
 * our pid and, once we are gone, kills the group and removes the work folder. `setpriv
 * --pdeathsig` alone would not do: soffice execs oosplash, which forks soffice.bin, and only the
 * process that got the death signal would die. The work folder (invoice copies) is under the
 * data dir, named after our pid, so the next command also removes it (leftovers.ts).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SystemError } from '../errors.js';
import { CONVERT_PREFIX, ownedName } from './leftovers.js';

/** Extensions LibreOffice converts for us. */
export const CONVERTIBLE = new Set(['xls', 'ods']);

/** Converts files to xlsx. Injected so tests and callers can pass another implementation. */
export interface Converter {
  /**
   * Converts each file to xlsx, written beside it (same name, `.xlsx`). Resolves with the xlsx
   * path or the Error for each input; rejects only when the converter itself cannot run
   * (SystemError: soffice missing, exit 3).
   */
  toXlsx(files: readonly string[]): Promise<Map<string, string | Error>>;
}

export interface LibreOfficeOptions {
  /**
   * Where the work folders go: `<data-dir>/tmp` (leftovers.ts workDirOf). Never /tmp: the folder
   * holds copies of invoices, which stay with the data and are cleaned by the next command.
   */
  readonly workRoot: string;
  /** soffice binary: ETL_SOFFICE, else found on PATH. */
  readonly soffice?: string;
  /** Kill soffice after this long (default 60 s + 5 s per file). */
  readonly timeoutMs?: number;
}

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** The soffice to use, or a SystemError that says how to install it. */
export function resolveSoffice(configured = process.env.ETL_SOFFICE): string {
  const bin = configured ?? findOnPath('soffice') ?? findOnPath('libreoffice');
  if (bin === null || (configured !== undefined && !fs.existsSync(configured))) {
    throw new SystemError(
      `LibreOffice (soffice) is needed to read .xls/.ods files and was not found${configured ? ` at ${configured}` : ' on PATH'}: install the Debian package libreoffice-calc-nogui (scripts/install-deps.sh does), or set ETL_SOFFICE`,
    );
  }
  return bin;
}

export function libreOfficeConverter(options: LibreOfficeOptions): Converter {
  return {
    async toXlsx(files) {
      const out = new Map<string, string | Error>();
      if (files.length === 0) return out;
      const soffice = resolveSoffice(options.soffice);
      fs.mkdirSync(options.workRoot, { recursive: true });
      const work = fs.mkdtempSync(path.join(options.workRoot, ownedName(CONVERT_PREFIX)));
      const profile = path.join(work, `profile-${randomUUID()}`);
      const outDir = path.join(work, 'out');
      fs.mkdirSync(outDir);
      // soffice names each output after its input's base name; give every input a unique one
      const staged = files.map((f, i) => {
        const p = path.join(work, `${i}-${path.basename(f)}`);
        fs.copyFileSync(f, p);
        return p;
      });
      const timeoutMs = options.timeoutMs ?? 60_000 + 5_000 * files.length;
      try {
        const result = await run(
          soffice,
          ['--headless', '--norestore', '--nologo', '--nodefault', `-env:UserInstallation=${pathToFileURL(profile).href}`, '--convert-to', 'xlsx', '--outdir', outDir, ...staged],
          timeoutMs,
          work,
        );
        files.forEach((f, i) => {
          const produced = path.join(outDir, `${path.parse(staged[i] as string).name}.xlsx`);
          const target = path.join(path.dirname(f), `${path.parse(f).name}.xlsx`);
          if (fs.existsSync(produced) && fs.statSync(produced).size > 0) {
            fs.copyFileSync(produced, target);
            out.set(f, target);
          } else {
            out.set(f, new Error(`LibreOffice could not convert ${path.basename(f)} to xlsx${result.timedOut ? ` (timed out after ${Math.round(timeoutMs / 1000)} s)` : ''}${result.stderr ? `: ${result.stderr.trim().split('\n').slice(-2).join(' ')}` : ''}`));
          }
        });
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
      return out;
    },
  };
}

/**
 * Polls the pid in $1 every 0.5 s; once it is gone, kills process group $2 and removes folder $3.
 * Started in its own session, so a SIGKILL of this process does not take it along.
 */
// dash (Debian's sh) takes `kill -9 -PGID` but not `kill -KILL -- -PGID`
const WATCHDOG = 'while kill -0 "$1" 2>/dev/null; do sleep 0.5; done; kill -9 "-$2" 2>/dev/null; rm -rf "$3"';

function killGroup(pgid: number | undefined): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function run(cmd: string, args: string[], timeoutMs: number, work: string): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    // detached: its own process group (pgid = its pid), so soffice.bin and anything it forks can
    // be killed as one
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const pgid = child.pid;
    const watchdog =
      pgid === undefined ? undefined : spawn('/bin/sh', ['-c', WATCHDOG, 'etl-soffice-watchdog', String(process.pid), String(pgid), work], { stdio: 'ignore', detached: true });
    watchdog?.on('error', () => undefined); // no sh: the exit hook and the next command's cleanup remain
    watchdog?.unref();
    const onExit = (): void => killGroup(pgid);
    process.on('exit', onExit);
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(pgid);
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      process.off('exit', onExit);
      killGroup(pgid); // anything soffice left running in its group
      killGroup(watchdog?.pid);
    };
    child.on('error', (err) => {
      done();
      reject(new SystemError(`could not start LibreOffice (${cmd}): ${err.message}`, { cause: err }));
    });
    child.on('close', (code) => {
      done();
      resolve({ code, stderr, timedOut });
    });
  });
}
