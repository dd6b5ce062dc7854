/**
 * `etl retry [--all | <source-file-id>...] [--carrier X] [--account N]`: re-runs quarantined
 * files from the landing store (no need for the originals), with the carrier and account they
 * were given before unless new ones are given now. A file that loads keeps its source_files row
 * (status `loaded`, attempts + 1); one still bad stays `quarantined` with its new issues.
 */
import fs from 'node:fs';
import { CARRIERS } from '../../carriers/index.js';
import { EXIT, UsageError } from '../errors.js';
import { parseFate } from '../pipeline/fate.js';
import { ingestPaths, type LandedCopy } from '../pipeline/ingest.js';
import { operatorOverrides } from './charges.js';
import type { CommandContext } from './context.js';
import { auditConfigOf } from './audit.js';
import { recordedRun, resolveCarrier } from './ingest.js';

export async function retryCommand(ctx: CommandContext, ids: readonly string[], opts: { all?: boolean; carrier?: string; account?: string; config?: string }): Promise<number> {
  if ((opts.all === true) === ids.length > 0) throw new UsageError('etl retry: give source file ids (see etl status) or --all, not both');
  const wanted = ids.map((s) => {
    if (!/^\d+$/.test(s)) throw new UsageError(`etl retry: "${s}" is not a source file id`);
    return Number(s);
  });
  const given = resolveCarrier(opts.carrier);
  const { db } = ctx;
  let q = db.db.selectFrom('source_files').select(['id', 'status', 'original_name', 'stored_path', 'fate_key']).orderBy('id');
  if (opts.all !== true) q = q.where('id', 'in', wanted);
  else q = q.where('status', '=', 'quarantined');
  const rows = await q.execute();
  for (const id of wanted) {
    const r = rows.find((x) => Number(x.id) === id);
    if (r === undefined) throw new UsageError(`etl retry: there is no source file ${id}`);
    if (r.status !== 'quarantined') throw new UsageError(`etl retry: source file ${id} (${r.original_name}) is ${r.status}, not quarantined`);
  }
  if (rows.length === 0) {
    ctx.out.say('no quarantined files to retry');
    return EXIT.ok;
  }
  const overrides = await operatorOverrides(ctx, opts.config);
  // files tried with the same carrier and account go together (one LibreOffice start for them)
  const groups = new Map<string, { carrier: string | null; account: string | null; files: LandedCopy[] }>();
  let gone = 0;
  for (const r of rows) {
    if (!fs.existsSync(r.stored_path)) {
      gone++;
      ctx.out.error(`${r.original_name} (source file ${r.id}): its landed copy ${r.stored_path} is gone; ingest the original again`);
      continue;
    }
    const before = parseFate(r.fate_key);
    const carrier = given?.id ?? before?.carrier ?? null;
    const account = opts.account ?? before?.account ?? null;
    const key = JSON.stringify([carrier, account]);
    const g = groups.get(key) ?? { carrier, account, files: [] };
    g.files.push({ path: r.stored_path, name: r.original_name });
    groups.set(key, g);
  }
  const code = await recordedRun(ctx, 'retry', async (runId, emit) => {
    for (const g of groups.values()) {
      const carrier = g.carrier === null ? undefined : resolveCarrier(g.carrier);
      const options = { carriers: CARRIERS, overrides, retry: true, ...(carrier ? { carrier } : {}), ...(g.account !== null ? { account: g.account } : {}) };
      for (const r of await ingestPaths({ db, dataDir: ctx.options.dataDir, runId }, g.files, options)) emit(r);
    }
  }, auditConfigOf(opts.config));
  return gone > 0 ? EXIT.dataProblem : code;
}
