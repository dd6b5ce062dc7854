/**
 * How the references of `charges` (invoice_id, shipment_id, source_file_id) are enforced, the
 * dialect adapter's `chargeKeys` (src/db/dialect): SQLite keeps its foreign keys; PostgreSQL
 * replaces them with statement-level triggers, because a foreign key there checks every row on
 * its own (a trigger and a locking look-up per row and key: about three quarters of the server's
 * time for a 500k-charge COPY, and the deferred shipment_id checks alone seconds of COMMIT;
 * docs/performance.md). Same meaning: a charge cannot point at an invoice or a source file that
 * does not exist, deleting an invoice or a shipment deletes its charges, and a source file with
 * charges cannot be deleted. shipment_id, which the loader writes before the shipment (its ids
 * are handed out first), is checked by the loader once per file before it commits
 * (`loaderChecksShipmentIds`), and by a trigger when a charge's keys are updated.
 */
import type { Kysely, Migration } from 'kysely';
import { dialectAdapter, type Dialect } from '../dialect/index.js';

export function chargeKeysMigration(dialect: Dialect): Migration {
  const adapter = dialectAdapter(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await adapter.chargeKeys(db, 'up');
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await adapter.chargeKeys(db, 'down');
    },
  };
}
