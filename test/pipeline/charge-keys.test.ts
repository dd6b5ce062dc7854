/**
 * The references of `charges` mean the same on both dialects (migration 0012): SQLite's foreign
 * keys, PostgreSQL's statement-level triggers. A charge cannot point at a missing invoice or
 * source file; deleting an invoice or a shipment deletes its charges; a source file with charges
 * cannot be deleted; on PostgreSQL the migration goes down to foreign keys and up again.
 */
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { describe, test } from 'node:test';
import { chargeKeysMigration } from '../../src/db/migrations/0012-charge-keys.js';
import type { Database } from '../../src/db/schema.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';

let seq = 0;
async function seed(db: Kysely<Database>): Promise<{ fileId: number; invoiceId: number; shipmentId: number }> {
  seq++;
  const file = await db
    .insertInto('source_files')
    .values({ carrier: 'ups', account_number: 'A1', original_name: 'f.csv', sha256: `keys-${seq}`, bytes: 1, kind: 'invoice', encoding: null, stored_path: 'x', status: 'loaded', message: null, landed_at: new Date().toISOString(), run_id: null, fate_key: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const invoice = await db
    .insertInto('invoices')
    .values({ carrier: 'ups', account_number: 'A1', invoice_number: `I${seq}`, invoice_date: '2026-01-05', currency: 'USD', stated_total_minor: 0, net_total_minor: 0, reconciled: null, shipment_count: 1, charge_count: 1, source_file_id: file.id, source_row: 2 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const shipment = await db
    .insertInto('shipments')
    .values({ invoice_id: invoice.id, tracking_number: '1Z1', package_count: 1, net_total_minor: 100 } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return { fileId: file.id, invoiceId: invoice.id, shipmentId: shipment.id };
}

const charge = (invoiceId: number, shipmentId: number | null, fileId: number, row: number) => ({
  invoice_id: invoiceId,
  shipment_id: shipmentId,
  tracking_number: '1Z1',
  charge_code: 'freight',
  charge_description: 'Freight',
  amount_minor: 100,
  incentive_minor: null,
  currency: 'USD',
  source_file_id: fileId,
  source_row: row,
});

async function chargesOf(db: Kysely<Database>, invoiceId: number): Promise<number> {
  const r = await db.selectFrom('charges').select(sql<number>`count(*)`.as('n')).where('invoice_id', '=', invoiceId).executeTakeFirstOrThrow();
  return Number(r.n);
}

for (const dialect of DIALECTS) {
  describe(`references of charges on ${dialect}`, () => {
    const t = useTestDatabase(dialect);

    test('a charge pointing at a missing invoice, source file or (updated) shipment is refused', async () => {
      const { fileId, invoiceId, shipmentId } = await seed(t.db.db);
      await assert.rejects(t.db.db.insertInto('charges').values([charge(invoiceId, shipmentId, fileId, 2), charge(invoiceId + 1000, shipmentId, fileId, 3)]).execute(), /foreign key/i);
      await assert.rejects(t.db.db.insertInto('charges').values(charge(invoiceId, shipmentId, fileId + 1000, 2)).execute(), /foreign key/i);
      assert.equal(await chargesOf(t.db.db, invoiceId), 0);
      await t.db.db.insertInto('charges').values([charge(invoiceId, shipmentId, fileId, 2), charge(invoiceId, null, fileId, 3)]).execute();
      assert.equal(await chargesOf(t.db.db, invoiceId), 2);
      await assert.rejects(t.db.db.updateTable('charges').set({ invoice_id: invoiceId + 1000 }).where('invoice_id', '=', invoiceId).execute(), /foreign key/i);
      // SQLite's deferred key fails at commit: the update runs in a transaction of its own
      await assert.rejects(
        t.db.db.transaction().execute(async (trx) => trx.updateTable('charges').set({ shipment_id: shipmentId + 1000 }).where('invoice_id', '=', invoiceId).execute()),
        /foreign key/i,
      );
      // an update of other columns is not checked again, and passes
      await t.db.db.updateTable('charges').set({ charge_code: 'fuel' }).where('invoice_id', '=', invoiceId).execute();
    });

    test('deleting a shipment or an invoice deletes its charges; a source file with charges stays', async () => {
      const { fileId, invoiceId, shipmentId } = await seed(t.db.db);
      await t.db.db.insertInto('charges').values([charge(invoiceId, shipmentId, fileId, 2), charge(invoiceId, null, fileId, 3)]).execute();
      await assert.rejects(t.db.db.deleteFrom('source_files').where('id', '=', fileId).execute(), /foreign key/i);
      await t.db.db.deleteFrom('shipments').where('id', '=', shipmentId).execute();
      assert.equal(await chargesOf(t.db.db, invoiceId), 1, 'the shipment took its charge along');
      await t.db.db.deleteFrom('invoices').where('id', '=', invoiceId).execute();
      assert.equal(await chargesOf(t.db.db, invoiceId), 0, 'the invoice took the rest');
      await t.db.db.deleteFrom('source_files').where('id', '=', fileId).execute();
    });

    if (dialect === 'postgres') {
      test('migration 0012 goes down to the foreign keys and back up', async () => {
        const keys = async () =>
          (await sql<{ conname: string }>`select conname from pg_constraint where conrelid = 'charges'::regclass and contype = 'f' order by conname`.execute(t.db.db)).rows.map((r) => r.conname);
        assert.deepEqual(await keys(), []);
        await t.db.db.transaction().execute(async (trx) => chargeKeysMigration('postgres').down?.(trx as unknown as Kysely<unknown>));
        assert.deepEqual(await keys(), ['charges_invoice_id_fkey', 'charges_shipment_id_fkey', 'charges_source_file_id_fkey']);
        await t.db.db.transaction().execute(async (trx) => chargeKeysMigration('postgres').up(trx as unknown as Kysely<unknown>));
        assert.deepEqual(await keys(), []);
      });
    }
  });
}
