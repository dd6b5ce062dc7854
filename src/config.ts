/**
 * Global options: flags win over environment variables, which win over defaults. zod-checked so
 * a bad value is a usage error naming the option.
 */
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from './errors.js';

export interface GlobalOptions {
  readonly dbUrl: string;
  readonly dataDir: string;
  readonly json: boolean;
  readonly verbose: boolean;
}

const schema = z.object({
  db: z.string().min(1).optional(),
  dataDir: z.string().min(1).optional(),
  json: z.boolean().optional(),
  verbose: z.boolean().optional(),
});

/** Resolves `--db`, `--data-dir`, `--json`, `--verbose` with ETL_DATABASE_URL / ETL_DATA_DIR. */
export function resolveGlobalOptions(raw: unknown, env: NodeJS.ProcessEnv = process.env): GlobalOptions {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UsageError(`option --${first?.path.join('.') ?? '?'}: ${first?.message ?? 'invalid'}`);
  }
  const o = parsed.data;
  const dataDir = path.resolve(o.dataDir ?? env.ETL_DATA_DIR ?? './data');
  // With only a data dir given, the SQLite database lives in it.
  const dbUrl = o.db ?? env.ETL_DATABASE_URL ?? `sqlite:${path.join(dataDir, 'etl.sqlite')}`;
  return { dbUrl, dataDir, json: o.json ?? false, verbose: o.verbose ?? false };
}
