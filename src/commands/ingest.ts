/** `etl ingest --carrier ups [--account N] <file-or-dir>...` */
import fs from 'node:fs';
import path from 'node:path';
import { CARRIERS, findCarrier } from '../../carriers/index.js';
import type { CarrierAdapter } from '../carrier-kit/contract.js';
import type { RunLock } from '../db/lock.js';
import { describeFsError, EtlError, EXIT, UsageError } from '../errors.js';
import { createProgress } from '../log.js';
import { CONVERTIBLE } from '../pipeline/convert.js';
import { ingestPaths, loadedFileIds, recordUnreadable, unusableDatabase, type FileResult } from '../pipeline/ingest.js';
import { kindOf } from '../pipeline/land.js';
import { finishRun, startRun } from '../pipeline/runs.js';
import type { AuditConfig } from '../audit/config.js';
import { auditConfigOf, auditLoaded } from './audit.js';
import { seedPostcodeCentroids } from '../emissions/seed.js';
import { operatorOverrides } from './charges.js';
import { printJson, type CommandContext } from './context.js';

export interface IngestOptions {
  readonly carrier?: string;
  readonly account?: string;
  /** The config file whose `charges:` overrides apply (default ETL_CONFIG or ./etl.config.yaml). */
  readonly config?: string;
}

/** A path that could not be used, with why (reported and counted; the other paths go on). */
export interface PathProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Files named explicitly are always tried; directories contribute the regular files carriers
 * read, walked recursively. Symbolic links are followed, but each directory is walked once (by
 * device and inode), so a link loop ends. An unreadable directory or a special file is a
 * problem of that path only. A named path that does not exist is a usage error.
 */
export function expandPaths(paths: readonly string[], accepts: ReadonlySet<string>): { files: string[]; problems: PathProblem[] } {
  const files: string[] = [];
  const problems: PathProblem[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, st: fs.Stats, found: string[]): void => {
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) return;
    seen.add(id);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      problems.push({ path: dir, message: `directory cannot be read: ${describeFsError(err)}` });
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      let target: fs.Stats;
      try {
        target = e.isSymbolicLink() ? fs.statSync(p) : fs.lstatSync(p);
      } catch (err) {
        problems.push({ path: p, message: `cannot be read: ${describeFsError(err)}` });
        continue;
      }
      if (target.isDirectory()) walk(p, target, found);
      else if (accepts.has(path.extname(e.name).slice(1).toLowerCase())) {
        if (target.isFile()) found.push(p);
        else problems.push({ path: p, message: `${kindOf(target)}, not a regular file; only regular files are read` });
      }
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${p}: no such file or directory`);
      problems.push({ path: p, message: `cannot be read: ${describeFsError(err)}` });
      continue;
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      walk(p, stat, found);
      files.push(...found.sort());
    }
    // named files go to landing, which refuses special files without blocking on them
    else files.push(p);
  }
  return { files, problems };
}

export function resolveCarrier(id: string | undefined): CarrierAdapter | undefined {
  if (id === undefined) return undefined;
  const adapter = findCarrier(id);
  if (adapter === undefined) throw new UsageError(`unknown carrier "${id}" (known: ${CARRIERS.map((c) => c.id).join(', ')})`);
  return adapter;
}

export async function ingestCommand(ctx: CommandContext, paths: readonly string[], opts: IngestOptions, lock?: RunLock): Promise<number> {
  const adapter = resolveCarrier(opts.carrier);
  // what the carrier(s) declare they take; the engine refuses anything else (ingest.ts acceptsFile)
  const accepts = new Set((adapter ? [adapter] : CARRIERS).flatMap((c) => c.accepts));
  const { files, problems } = expandPaths(paths, accepts);
  if (files.length === 0 && problems.length === 0) throw new UsageError(`no ${[...accepts].join('/')} files found in ${paths.join(', ')}`);
  const { db } = ctx;
  const overrides = await operatorOverrides(ctx, opts.config);
  const audit = auditConfigOf(opts.config);
  const progress = createProgress(process.stderr.isTTY === true && !ctx.options.json);
  return recordedRun(ctx, adapter ? `ingest --carrier ${adapter.id}` : 'ingest', async (runId, emit) => {
    const ingestCtx = { db, dataDir: ctx.options.dataDir, runId, onProgress: progress.update };
    for (const p of problems) emit(await recordUnreadable(ingestCtx, p.path, p.message));
    const ingestOptions = { carriers: CARRIERS, overrides, ...(adapter ? { carrier: adapter } : {}), ...(opts.account ? { account: opts.account } : {}) };
    // one file at a time, so each is reported as soon as it is done; legacy spreadsheets are
    // converted together (one LibreOffice start) at the end of the list
    const text = files.filter((f) => !CONVERTIBLE.has(path.extname(f).slice(1).toLowerCase()));
    const sheets = files.filter((f) => CONVERTIBLE.has(path.extname(f).slice(1).toLowerCase()));
    for (const f of text) {
      lock?.assertHeld();
      for (const r of await ingestPaths(ingestCtx, [f], ingestOptions)) {
        progress.clear();
        emit(r);
      }
    }
    if (sheets.length > 0) {
      lock?.assertHeld();
      for (const r of await ingestPaths(ingestCtx, sheets, ingestOptions)) emit(r);
    }
  }, audit);
}

/**
 * An `etl_runs` row around `work`, which reports each file as it is done through `emit`; then
 * the summary. Returns the exit code (1 when any file is bad). Shared by ingest and retry.
 */
export async function recordedRun(ctx: CommandContext, command: string, work: (runId: number, emit: (r: FileResult) => void) => Promise<void>, audit?: AuditConfig): Promise<number> {
  const runId = await startRun(ctx.db, command);
  const results: FileResult[] = [];
  let failure: unknown;
  try {
    await work(runId, (r) => {
      results.push(r);
      report(ctx, r);
    });
    // the accounts these files loaded get their audit findings recomputed
    if (audit !== undefined) await auditLoaded(ctx, results, audit);
    // the US ZIPs these files brought get their centroids (shipment_emissions' postcode tier)
    await seedPostcodeCentroids(ctx.db.db, loadedFileIds(results));
  } catch (err) {
    failure = err;
    // the database lost between files (a look-up, a quarantine record) says so, like during a load
    throw (err instanceof EtlError ? null : unusableDatabase(ctx.db, err, 'between files', 'the files not reported above were not loaded')) ?? err;
  } finally {
    await finishRun(ctx.db, runId, results, failure);
  }
  return summarize(ctx, runId, results);
}

/** Prints the run's summary line (or JSON) and returns the exit code: 1 when any file is bad. */
function summarize(ctx: CommandContext, runId: number, results: readonly FileResult[]): number {
  const { out, db } = ctx;
  const bad = results.filter((r) => r.status === 'quarantined' || r.status === 'unreadable' || r.unreconciled > 0 || r.conflicts > 0).length;
  const sum = (k: 'invoices' | 'charges' | 'unreconciled') => results.reduce((a, r) => a + r[k], 0);
  const summary = {
    run_id: runId,
    files: results.length,
    loaded: results.filter((r) => r.status === 'loaded').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    quarantined: results.filter((r) => r.status === 'quarantined').length,
    unreadable: results.filter((r) => r.status === 'unreadable').length,
    retried: results.filter((r) => r.retried !== undefined).length,
    invoices: sum('invoices'),
    charges: sum('charges'),
    unreconciled: sum('unreconciled'),
    database: db.safeUrl,
  };
  if (ctx.options.json) printJson({ ...summary, results });
  else {
    out.say(
      `run ${runId}: ${summary.files} file(s): ${summary.loaded} loaded, ${summary.skipped} unchanged, ${summary.quarantined} quarantined${summary.retried > 0 ? ` (${summary.retried} retried)` : ''}${summary.unreadable > 0 ? `, ${summary.unreadable} unreadable` : ''}; ${summary.invoices} invoice(s), ${summary.charges} charge line(s), ${summary.unreconciled} unreconciled → ${db.safeUrl}`,
    );
  }
  out.log.info({ event: 'ingest_summary', ...summary }, 'ingest finished');
  return bad > 0 ? EXIT.dataProblem : EXIT.ok;
}

export function report(ctx: CommandContext, r: FileResult): void {
  const { out } = ctx;
  if (r.retried !== undefined) out.say(`↻ ${r.file}: quarantined before (source file ${r.sourceFileId ?? '?'}); tried again: ${r.retried.join('; ')}`);
  out.log.info({ event: 'file', file: r.file, carrier: r.carrier, detected: r.detected, status: r.status, invoices: r.invoices, charges: r.charges, unreconciled: r.unreconciled, errors: r.errors, warnings: r.warnings }, r.message ?? r.status);
  const as = r.detected && r.carrier !== 'unknown' ? ` (${r.carrier}, recognized)` : '';
  if (r.status === 'unreadable') {
    out.error(r.message ?? `${r.file}: unreadable`);
  } else if (r.status === 'skipped') {
    out.say(`= ${r.file}: ${r.message}`);
  } else if (r.status === 'quarantined') {
    out.error(`${r.file}${as}: quarantined: ${r.message}`);
    for (const i of r.issues.slice(1, 6)) out.error(`  ${i.message}`);
  } else {
    out.say(`+ ${r.file}${as}: ${r.invoices} invoice(s), ${r.charges} charge line(s)${r.warnings > 0 ? `, ${r.warnings} warning(s)` : ''}`);
    for (const i of r.issues.filter((x) => x.severity === 'error')) out.error(`  ${i.message}`);
    for (const i of r.issues.filter((x) => x.severity === 'warning').slice(0, 5)) out.warn(`  ${i.message}`);
  }
}
