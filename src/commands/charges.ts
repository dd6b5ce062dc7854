/**
 * `etl charges --unmapped [--apply-suggestions] | --overrides` and `etl charges map`: charge names
 * with no canonical code yet (with suggestions), and the operator's charge-map overrides.
 */
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { CARRIERS, findCarrier } from '../../carriers/index.js';
import { EXIT, UsageError } from '../errors.js';
import { exactMinorFrom } from '../model/money.js';
import { isMappableCode, unknownCodeMessage } from '../model/charge-codes.js';
import {
  chargesMapCommand,
  mergeOverrides,
  overridesFromConfig,
  overridesFromDatabase,
  saveOverride,
  type ChargeOverride,
} from '../pipeline/overrides.js';
import { suggestChargeCode, type Suggestion } from '../pipeline/suggest.js';
import { loadChargesConfig } from '../run-config.js';
import { printJson, type CommandContext } from './context.js';

/**
 * The overrides in force: the config file's `charges:` (`--config`, else ETL_CONFIG, else
 * ./etl.config.yaml when it exists) and the `charge_map_overrides` table.
 */
export async function operatorOverrides(ctx: CommandContext, config: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ChargeOverride[]> {
  const explicit = config ?? env.ETL_CONFIG;
  const file = path.resolve(explicit ?? 'etl.config.yaml');
  const fromConfig = overridesFromConfig(loadChargesConfig(file, CARRIERS.map((c) => c.id), explicit !== undefined));
  return mergeOverrides(fromConfig, await overridesFromDatabase(ctx.db.db));
}

/** Who set an override: ETL_OPERATOR, else the OS user. */
function operatorName(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ETL_OPERATOR !== undefined && env.ETL_OPERATOR.trim() !== '') return env.ETL_OPERATOR.trim();
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface UnmappedDescription {
  readonly carrier: string;
  readonly description: string;
  readonly count: number;
  readonly amount_minor: number;
  readonly example: { readonly file: string; readonly row: number } | null;
  /** Never applied by itself: `--apply-suggestions` is the explicit way. */
  readonly suggestion: Suggestion | null;
  /** The command that maps it (to the suggestion, or to a `<code>` to fill in). */
  readonly map_command: string;
}

/** Unmapped descriptions per carrier, most lines first, each with an example and a suggestion. */
export async function unmappedDescriptions(ctx: CommandContext): Promise<UnmappedDescription[]> {
  const { db } = ctx.db;
  const rows = await db
    .selectFrom('charges as c')
    .innerJoin('invoices as i', 'i.id', 'c.invoice_id')
    .select([
      'i.carrier',
      'c.charge_description',
      sql<number>`count(*)`.as('count'),
      sql<number>`sum(c.amount_minor)`.as('amount_minor'),
      sql<number>`min(c.id)`.as('example_charge_id'),
    ])
    .where('c.charge_code', '=', 'unmapped')
    .groupBy(['i.carrier', 'c.charge_description'])
    .orderBy('count', 'desc')
    .orderBy('i.carrier')
    .orderBy('c.charge_description')
    .execute();
  const examples = new Map<number, { file: string; row: number; code: string | null; cls: string | null }>();
  if (rows.length > 0) {
    const ex = await db
      .selectFrom('charges as c')
      .innerJoin('source_files as f', 'f.id', 'c.source_file_id')
      .select(['c.id', 'f.original_name', 'c.source_row', 'c.carrier_charge_code', 'c.carrier_charge_class'])
      .where('c.id', 'in', rows.map((r) => Number(r.example_charge_id)))
      .execute();
    for (const e of ex) examples.set(Number(e.id), { file: e.original_name, row: e.source_row, code: e.carrier_charge_code, cls: e.carrier_charge_class });
  }
  return rows.map((r) => {
    const ex = examples.get(Number(r.example_charge_id));
    const suggestion = suggestChargeCode({ carrier: r.carrier, description: r.charge_description, carrierCode: ex?.code ?? null, carrierClass: ex?.cls ?? null }, CARRIERS);
    return {
      carrier: r.carrier,
      description: r.charge_description,
      count: Number(r.count),
      amount_minor: exactMinorFrom(r.amount_minor, `the sum of the charges "${r.charge_description}"`),
      example: ex === undefined ? null : { file: ex.file, row: ex.row },
      suggestion,
      map_command: chargesMapCommand(r.carrier, r.charge_description, suggestion?.code),
    };
  });
}

export async function chargesCommand(ctx: CommandContext, opts: { unmapped?: boolean; overrides?: boolean; applySuggestions?: boolean; config?: string }): Promise<number> {
  if (opts.overrides === true) return listOverrides(ctx, opts.config);
  if (opts.unmapped !== true) throw new UsageError('etl charges: say what to list (--unmapped or --overrides), or map one (etl charges map)');
  const list = await unmappedDescriptions(ctx);
  const applied: { carrier: string; label: string; code: string }[] = [];
  if (opts.applySuggestions === true) {
    const by = operatorName();
    for (const u of list) {
      if (u.suggestion === null) continue;
      await saveOverride(ctx.db.db, { carrier: u.carrier, match: 'label', pattern: u.description.trim(), chargeCode: u.suggestion.code, createdBy: `${by} (suggestion)`, note: u.suggestion.reason });
      applied.push({ carrier: u.carrier, label: u.description.trim(), code: u.suggestion.code });
    }
  }
  if (ctx.options.json) printJson(opts.applySuggestions === true ? { unmapped: list, applied } : list);
  else if (list.length === 0) process.stdout.write('no unmapped charge descriptions\n');
  else {
    for (const u of list) {
      const hint = u.suggestion === null ? 'no suggestion' : `suggestion: ${u.suggestion.code} (${u.suggestion.reason})`;
      process.stdout.write(`${u.carrier}\t${u.count}\t"${u.description}"\te.g. ${u.example?.file ?? '?'} row ${u.example?.row ?? '?'}\t${hint}\n    ${u.map_command}\n`);
    }
  }
  if (opts.applySuggestions === true) {
    ctx.out.say(`${applied.length} suggestion(s) applied as overrides; run etl remap to re-code the lines already loaded`);
  }
  return EXIT.ok;
}

async function listOverrides(ctx: CommandContext, config: string | undefined): Promise<number> {
  const list = await operatorOverrides(ctx, config);
  if (ctx.options.json) printJson(list);
  else if (list.length === 0) process.stdout.write('no charge-map overrides (add one with etl charges map)\n');
  else {
    for (const o of list) {
      const who = o.source === 'database' ? `${o.createdBy ?? '?'} at ${o.createdAt ?? '?'}` : 'config file';
      process.stdout.write(`${o.carrier}\t${o.match}\t"${o.pattern}"\t→ ${o.chargeCode}\t${who}\n`);
    }
  }
  return EXIT.ok;
}

/** `etl charges map --carrier <id> [--code] <label-or-code> <canonical-code>` */
export async function chargesMapCommandRun(ctx: CommandContext, pattern: string, code: string, opts: { carrier: string; code?: boolean; note?: string }): Promise<number> {
  const adapter = findCarrier(opts.carrier);
  if (adapter === undefined) throw new UsageError(`unknown carrier "${opts.carrier}" (known: ${CARRIERS.map((c) => c.id).join(', ')})`);
  if (!isMappableCode(code)) throw new UsageError(unknownCodeMessage(code));
  const p = pattern.trim();
  if (p === '') throw new UsageError('etl charges map: the label prefix or code is empty');
  const match = opts.code === true ? 'code' : 'label';
  const { replaced } = await saveOverride(ctx.db.db, { carrier: adapter.id, match, pattern: p, chargeCode: code, createdBy: operatorName(), note: opts.note ?? null });
  const what = `${adapter.id} ${match} ${JSON.stringify(p)} → ${code}`;
  if (ctx.options.json) printJson({ carrier: adapter.id, match, pattern: p, charge_code: code, replaced });
  ctx.out.say(`${replaced === null ? 'override added' : `override changed (was ${replaced})`}: ${what}. New files use it; run etl remap to re-code the lines already loaded.`);
  return EXIT.ok;
}
