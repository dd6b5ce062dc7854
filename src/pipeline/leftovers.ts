/**
 * Work files a killed command leaves behind: `landing/.incoming-*` (a copy being landed),
 * `tmp/convert-*` (invoice copies LibreOffice converts) and
 * `runs/<run>/evidence/<account>/.unscrubbed-*` (a portal trace not yet scrubbed of secrets). Each name carries its owner's pid and
 * creation time (`<prefix><pid>-<ms>-...`); the next command removes those whose owner is gone.
 * A pid can be reused (in a container every run may get the same one), so an owner only counts
 * as alive when the live process with that pid started before the file was made.
 */
import fs from 'node:fs';
import path from 'node:path';

export const INCOMING_PREFIX = '.incoming-';
export const CONVERT_PREFIX = 'convert-';
/** A playwright trace before its secrets are scrubbed (portal/session.ts): never left on disk. */
export const UNSCRUBBED_PREFIX = '.unscrubbed-';

/** The landing folder and the conversion work folder of a data dir. */
export function landingDirOf(dataDir: string): string {
  return path.join(dataDir, 'landing');
}
export function workDirOf(dataDir: string): string {
  return path.join(dataDir, 'tmp');
}

/** `<prefix><pid>-<ms>-`: the start of a work file's name, owned by this process. */
export function ownedName(prefix: string): string {
  return `${prefix}${process.pid}-${Date.now()}-`;
}

interface Owner {
  readonly pid: number;
  readonly createdMs: number;
}

function ownerOf(name: string, prefix: string): Owner | null {
  const m = new RegExp(`^${prefix.replace(/[.]/g, '\\.')}(\\d+)-(\\d+)-`).exec(name);
  return m ? { pid: Number(m[1]), createdMs: Number(m[2]) } : null;
}

/** Boot time in ms and clock ticks per second, to turn /proc/<pid>/stat's start time into a date. */
let bootMs: number | null | undefined;
const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node supports

/** When the process `pid` started (ms since the epoch), or null where /proc cannot say. */
function startedMs(pid: number): number | null {
  if (pid === process.pid) return Date.now() - process.uptime() * 1000;
  try {
    if (bootMs === undefined) {
      const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
      bootMs = btime ? Number(btime[1]) * 1000 : null;
    }
    if (bootMs === null) return null;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces and parentheses): state is field 3,
    // starttime field 22
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? bootMs + (ticks / CLOCK_TICKS) * 1000 : null;
  } catch {
    return null;
  }
}

/** The owner still runs: its pid is alive and did not start after the file was made. */
function alive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: alive, another user's process
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = startedMs(owner.pid);
  // 2 s of slack: btime has 1 s resolution and the tick count 10 ms
  return started === null || started <= owner.createdMs + 2000;
}

/**
 * Removes the incoming files and conversion folders under `dataDir` whose owner is no longer
 * running. Best effort: a read-only or missing data dir removes nothing and never fails.
 * Returns the paths removed.
 */
export function removeLeftovers(dataDir: string): string[] {
  const removed: string[] = [];
  const places: (readonly [string, string])[] = [
    [landingDirOf(dataDir), INCOMING_PREFIX],
    [workDirOf(dataDir), CONVERT_PREFIX],
    ...evidenceDirsOf(dataDir).map((d) => [d, UNSCRUBBED_PREFIX] as const),
  ];
  for (const [dir, prefix] of places) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const owner = ownerOf(name, prefix);
      if (owner === null || alive(owner)) continue;
      const p = path.join(dir, name);
      try {
        fs.rmSync(p, { recursive: true, force: true });
        removed.push(p);
      } catch {
        // left for a later command (a read-only data dir, a file in use elsewhere)
      }
    }
  }
  return removed;
}

/** `runs/<run>/evidence/<account-attempt>/` folders (where a raw trace is written before scrubbing). */
function evidenceDirsOf(dataDir: string): string[] {
  const sub = (dir: string): string[] => {
    try {
      return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
    } catch {
      return [];
    }
  };
  return sub(path.join(dataDir, 'runs')).flatMap((run) => sub(path.join(run, 'evidence')));
}
