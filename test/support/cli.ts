import { spawn } from 'node:child_process';
import { CLI } from './paths.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /**
   * Run as this uid/gid (no supplementary groups), through setpriv. Tests run as root, for whom
   * file permissions deny nothing: an unprivileged user is how EACCES really happens.
   */
  readonly asUser?: number;
  /** Kill the CLI after this long (code null): a hang fails the test instead of the suite. */
  readonly timeoutMs?: number;
}

/** The unprivileged user of permission tests (nobody). */
export const NOBODY = 65534;

/** Runs the compiled `etl` CLI as a child process. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const argv = [CLI, ...args];
    const child =
      options.asUser === undefined
        ? spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('setpriv', [`--reuid=${options.asUser}`, `--regid=${options.asUser}`, '--clear-groups', process.execPath, ...argv], {
            env: { ...process.env, ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
