/**
 * `etl.config.yaml`: the carriers and accounts `etl run` downloads from, concurrency and date
 * window. zod-validated; errors name the file, line and field. Secrets are never in this file:
 * it names the environment variables that hold them.
 */
import fs from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { UsageError } from './errors.js';
import { auditConfigSchema, type AuditConfig } from './audit/config.js';
import { isMappableCode, unknownCodeMessage } from './model/charge-codes.js';
import { DEFAULT_WORKER_SETTINGS, workerSettingsSchema, type WorkerSettings } from './worker/settings.js';

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

/** A canonical charge code an override may map to (not `unmapped`); the message lists the valid ones. */
const mappableCode = z.string().superRefine((v, ctx) => {
  if (!isMappableCode(v)) ctx.addIssue({ code: 'custom', message: unknownCodeMessage(v) });
});

/**
 * `charges:` per carrier id: operator-owned overrides of the built-in charge maps (label prefix,
 * case-insensitive, or the carrier's own charge code → canonical code). They win over the maps.
 */
const carrierChargesSchema = z.strictObject({
  labels: z.record(z.string().trim().min(1, 'a label prefix cannot be empty'), mappableCode).optional(),
  codes: z.record(z.string().trim().min(1, 'a carrier code cannot be empty'), mappableCode).optional(),
});
export const chargesConfigSchema = z.record(z.string(), carrierChargesSchema);
export type ChargesConfig = z.infer<typeof chargesConfigSchema>;

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
  charges: chargesConfigSchema.optional(),
  /** Totals in this currency (issue 14; see loadReportingCurrency). */
  reporting_currency: z.lazy(() => reportingCurrencySchema).optional(),
  /** The audit rules: switches and parameters (src/audit/config.ts). */
  audit: auditConfigSchema.optional(),
  /** The job queue of `etl worker` (src/worker/settings.ts). */
  worker: workerSettingsSchema.optional(),
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
  return parseConfig(text, file, runConfigSchema);
}

/**
 * Only the `charges:` section, for commands that load files but download nothing (`etl ingest`,
 * `etl remap`, `etl retry`): a config holding just overrides is valid for them. Carrier ids are
 * checked against `carriers`; errors name the file, line and field.
 */
export function parseChargesConfig(text: string, file: string, carriers: readonly string[]): ChargesConfig {
  const schema = z.looseObject({
    charges: chargesConfigSchema
      .superRefine((v, ctx) => {
        for (const id of Object.keys(v)) {
          if (!carriers.includes(id)) ctx.addIssue({ code: 'custom', path: [id], message: `unknown carrier "${id}" (known: ${carriers.join(', ')})` });
        }
      })
      .optional(),
  });
  return parseConfig(text, file, schema).charges ?? {};
}

/**
 * `reporting_currency:` (issue 14): the ISO 4217 code totals are converted to, or null when the
 * file sets none (the default: no conversion). Checked against `known` (currencies with rates
 * or present in the data) by the caller; here only its shape.
 */
export const reportingCurrencySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'expected a 3-letter ISO 4217 currency code such as EUR')
  .transform((v) => v.toUpperCase());

export function parseReportingCurrency(text: string, file: string): string | null {
  // an empty file (or one holding only comments) sets nothing
  const schema = z.union([z.null(), z.looseObject({ reporting_currency: reportingCurrencySchema.nullable().optional() })]);
  return parseConfig(text, file, schema)?.reporting_currency ?? null;
}

/** Reads `reporting_currency:` of `file`; a missing file means none unless `required`. */
export function loadReportingCurrency(file: string, required: boolean): string | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    if (!required) return null;
    throw new UsageError(`configuration file ${file} not found (pass --config, or set ETL_CONFIG); see etl.config.example.yaml`);
  }
  return parseReportingCurrency(text, file);
}

/** Reads the `charges:` section of `file`; a missing file is no overrides unless `required`. */
export function loadChargesConfig(file: string, carriers: readonly string[], required: boolean): ChargesConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    if (!required) return {};
    throw new UsageError(`configuration file ${file} not found (pass --config, or set ETL_CONFIG); see etl.config.example.yaml`);
  }
  return parseChargesConfig(text, file, carriers);
}

/**
 * Only the `audit:` section (every command that loads or audits): rule switches and parameters.
 * A missing file, or a file without `audit:`, is every rule with its defaults unless `required`.
 */
export function loadAuditConfig(file: string, required: boolean): AuditConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    if (!required) return auditConfigSchema.parse(undefined);
    throw new UsageError(`configuration file ${file} not found (pass --config, or set ETL_CONFIG); see etl.config.example.yaml`);
  }
  return parseAuditConfig(text, file);
}

export function parseAuditConfig(text: string, file = 'etl.config.yaml'): AuditConfig {
  return parseConfig(text, file, z.looseObject({ audit: auditConfigSchema })).audit;
}

/** Only the `worker:` section of `file` (defaults when the file or the section is missing). */
export function loadWorkerSettings(file: string): WorkerSettings {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return DEFAULT_WORKER_SETTINGS;
  }
  return parseConfig(text, file, z.looseObject({ worker: workerSettingsSchema.optional() })).worker ?? DEFAULT_WORKER_SETTINGS;
}

function parseConfig<S extends z.ZodType>(text: string, file: string, schema: S): z.infer<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e?.linePos?.[0];
    throw new UsageError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${e?.message.split('\n')[0] ?? ''}`);
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const path = (first?.path ?? []).map((p) => (typeof p === 'symbol' ? String(p) : p));
  // the nearest node that exists gives the line; a bad map key (an unknown carrier) its own line
  let line: number | undefined;
  const parent = doc.getIn(path.slice(0, -1), true);
  if (path.length > 0 && isMap(parent)) {
    const key = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1])?.key;
    if (isScalar(key) && key.range) line = lineCounter.linePos(key.range[0]).line;
  }
  for (let n = path.length; n >= 0 && line === undefined; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) line = lineCounter.linePos(node.range[0]).line;
  }
  const where = path.length > 0 ? path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '') : '(top level)';
  throw new UsageError(`${file}${line !== undefined ? `:${line}` : ''}: ${where}: ${first?.message ?? 'invalid'}`);
}
