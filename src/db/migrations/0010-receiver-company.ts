/**
 * The receiver's company name as the carrier printed it (issue 13): the residential-surcharge-on-
 * a-business-receiver audit rule reads it. UPS Billing Data states it (col 76 Receiver Company
 * Name); carriers whose files state no company column leave it NULL.
 *
 * - shipments.receiver_company: nullable text; NULL means the file stated none (or the row was
 *   loaded before this migration). It is personal/business data: what the carrier printed, kept
 *   as printed, nothing derived from it.
 */
import type { Kysely, Migration } from 'kysely';

export function receiverCompanyMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('shipments').addColumn('receiver_company', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('shipments').dropColumn('receiver_company').execute();
    },
  };
}
