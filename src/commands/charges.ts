/** `etl charges --unmapped [--json]`: charge names with no canonical code yet. */
import { sql } from 'kysely';
import { EXIT, UsageError } from '../errors.js';
import { exactMinorFrom } from '../model/money.js';
import { printJson, type CommandContext } from './context.js';

export async function chargesCommand(ctx: CommandContext, opts: { unmapped?: boolean }): Promise<number> {
  if (opts.unmapped !== true) throw new UsageError('etl charges: say what to list (--unmapped)');
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
    .execute();
  const examples = new Map<number, { file: string; row: number }>();
  if (rows.length > 0) {
    const ex = await db
      .selectFrom('charges as c')
      .innerJoin('source_files as f', 'f.id', 'c.source_file_id')
      .select(['c.id', 'f.original_name', 'c.source_row'])
      .where('c.id', 'in', rows.map((r) => Number(r.example_charge_id)))
      .execute();
    for (const e of ex) examples.set(Number(e.id), { file: e.original_name, row: e.source_row });
  }
  const list = rows.map((r) => ({
    carrier: r.carrier,
    description: r.charge_description,
    count: Number(r.count),
    amount_minor: exactMinorFrom(r.amount_minor, `the sum of the charges "${r.charge_description}"`),
    example: examples.get(Number(r.example_charge_id)) ?? null,
  }));
  if (ctx.options.json) printJson(list);
  else if (list.length === 0) process.stdout.write('no unmapped charge descriptions\n');
  else {
    for (const u of list) {
      process.stdout.write(`${u.carrier}\t${u.count}\t"${u.description}"\te.g. ${u.example?.file ?? '?'} row ${u.example?.row ?? '?'}\n`);
    }
  }
  return EXIT.ok;
}
