/** `etl report --out report.html`: placeholder until the dashboard lands. */
import { UsageError } from '../errors.js';
import type { CommandContext } from './context.js';

export interface ReportOptions {
  readonly out: string;
}

export async function reportCommand(_ctx: CommandContext, _opts: ReportOptions): Promise<number> {
  throw new UsageError('etl report is not built yet');
}
