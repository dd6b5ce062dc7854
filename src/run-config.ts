/**
 * `etl.config.yaml`: the carriers and accounts `etl run` downloads from, concurrency and date
 * window. zod-validated; errors name the file, line and field. Secrets are never in this file:
 * it names the environment variables that hold them.
 */
import fs from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { UsageError } from './errors.js';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)');

const accountSchema = z.strictObject({
  carrier: z.string().min(1),
  /** The account number as the carrier writes it (text: leading zeros kept). */
  account: z.union([z.string().min(1), z.number().transform(String)]),
  portalUrl: z.url({ protocol: /^https?$/ }),
  usernameEnv: envName,
  passwordEnv: envName,
  totpSecretEnv: envName.optional(),
});

export const runConfigSchema = z.strictObject({
  /** Accounts downloading at once. */
  concurrency: z.number().int().min(1).max(32).default(4),
  /** Files downloaded at once per account, through its logged-in browser context. */
  downloadConcurrency: z.number().int().min(1).max(64).default(32),
  /** Extra attempts after a transient failure (HTTP 5xx, time-outs, session expiry, cut downloads). */
  retries: z.number().int().min(0).max(10).default(3),
  /** First backoff in ms; doubled per attempt, with jitter. */
  backoffMs: z.number().int().min(0).max(60_000).default(1000),
  window: z.strictObject({ firstRunDays: z.number().int().min(1).max(3660).default(31) }).default({ firstRunDays: 31 }),
  browser: z
    .strictObject({
      executablePath: z.string().min(1).optional(),
      headless: z.boolean().default(true),
      timeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
    })
    .default({ headless: true, timeoutMs: 30_000 }),
  accounts: z.array(accountSchema).min(1, 'list at least one account'),
});

export type RunConfig = z.infer<typeof runConfigSchema>;
export type AccountConfig = RunConfig['accounts'][number];

/** Reads and validates the config file. Throws UsageError with file:line and the field. */
export function loadRunConfig(file: string): RunConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`configuration file ${file} not found (pass --config, or set ETL_CONFIG); see etl.config.example.yaml`);
  }
  return parseRunConfig(text, file);
}

export function parseRunConfig(text: string, file = 'etl.config.yaml'): RunConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e?.linePos?.[0];
    throw new UsageError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${e?.message.split('\n')[0] ?? ''}`);
  }
  const parsed = runConfigSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const path = (first?.path ?? []).map((p) => (typeof p === 'symbol' ? String(p) : p));
  // the nearest node that exists gives the line
  let line: number | undefined;
  for (let n = path.length; n >= 0 && line === undefined; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) line = lineCounter.linePos(node.range[0]).line;
  }
  const where = path.length > 0 ? path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '') : '(top level)';
  throw new UsageError(`${file}${line !== undefined ? `:${line}` : ''}: ${where}: ${first?.message ?? 'invalid'}`);
}
