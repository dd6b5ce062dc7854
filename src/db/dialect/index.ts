/** The dialect adapters (see types.ts): `dialectAdapter('sqlite' | 'postgres')`. */
import { postgresAdapter } from './postgres.js';
import { sqliteAdapter } from './sqlite.js';
import type { Dialect, DialectAdapter } from './types.js';

export type { BulkInserter, BulkInsertOptions, ColumnTypes, Dialect, DialectAdapter, IdAllocator, RawConnections, Row } from './types.js';

const ADAPTERS: Readonly<Record<Dialect, DialectAdapter>> = { sqlite: sqliteAdapter, postgres: postgresAdapter };

export function dialectAdapter(dialect: Dialect): DialectAdapter {
  return ADAPTERS[dialect];
}
