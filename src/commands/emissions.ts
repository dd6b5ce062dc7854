/**
 * `etl emissions factors import <csv>`: the operator's emission factors (columns as
 * src/emissions/factors.ts `factorSchema`, one row per vehicle class and version). A row with the
 * key of an existing one replaces it (the operator corrects a figure); others are added. Every
 * bad cell is reported by row and column and nothing is imported.
 */
import fs from 'node:fs';
import os from 'node:os';
import { describeError, EXIT, UsageError } from '../errors.js';
import { factorSchema, modeOf, type Factor } from '../emissions/factors.js';
import { CsvReader } from '../parsing/csv.js';
import { printJson, type CommandContext } from './context.js';

export async function emissionFactorsImportCommand(ctx: CommandContext, file: string): Promise<number> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${describeError(err)}`);
  }
  // the project's CSV reader: quoted commas and line breaks inside a source's text are fine
  const reader = new CsvReader(',');
  const rows = [...reader.push(text.replace(/^\uFEFF/, '')), ...reader.end().records].map((r) => r.fields.map((f) => f.trim()));
  const header = rows[0] ?? [];
  const problems: string[] = [];
  const factors: Factor[] = [];
  const expected = Object.keys(factorSchema.shape);
  for (const name of expected) if (!header.includes(name)) problems.push(`${file}: row 1: missing column ${name}`);
  for (const name of header) if (!expected.includes(name)) problems.push(`${file}: row 1, column ${name}: unknown column (expected ${expected.join(', ')})`);
  if (problems.length === 0) {
    rows.slice(1).forEach((cells, i) => {
      if (cells.every((c) => c.trim() === '')) return;
      const record = Object.fromEntries(header.map((h, j) => [h, cells[j] ?? '']));
      const parsed = factorSchema.safeParse(record);
      if (parsed.success) factors.push(parsed.data);
      else for (const issue of parsed.error.issues) problems.push(`${file}: row ${i + 2}, column ${issue.path.join('.')}: ${issue.message}`);
    });
  }
  if (problems.length > 0) throw new UsageError(`${file} was not imported (no factor changed):\n${problems.join('\n')}`);
  if (factors.length === 0) throw new UsageError(`${file}: no factor rows`);
  const by = process.env.ETL_OPERATOR ?? os.userInfo().username;
  const now = new Date().toISOString();
  await ctx.db.db.transaction().execute(async (trx) => {
    for (const f of factors) {
      const row = { ...f, mode: modeOf(f.vehicle_class), loaded_by: by, loaded_at: now };
      await trx
        .insertInto('emission_factors')
        .values(row)
        .onConflict((oc) => oc.columns(['vehicle_class', 'version']).doUpdateSet(row))
        .execute();
    }
  });
  if (ctx.options.json) printJson({ file, factors: factors.length });
  else ctx.out.say(`imported ${factors.length} emission factor${factors.length === 1 ? '' : 's'} from ${file}`);
  return EXIT.ok;
}
