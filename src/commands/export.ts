/** `etl export --view <name> --format csv|xlsx --out <file>`: placeholder until exports land. */
import { UsageError } from '../errors.js';
import type { CommandContext } from './context.js';

export interface ExportOptions {
  readonly view: string;
  readonly format: string;
  readonly out: string;
}

export async function exportCommand(_ctx: CommandContext, _opts: ExportOptions): Promise<number> {
  throw new UsageError('etl export is not built yet');
}
