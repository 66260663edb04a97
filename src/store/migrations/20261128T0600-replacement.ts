import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Replacement logistics: the catalogue, stock units (devices `in_stock` at a location, reserved
 * by at most one order), orders with their steps, custody events and sanitisation records.
 */
export function replacementMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('catalogue_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('class', 'text', (c) => c.notNull())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('manufacturer', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('notes', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('changed_at', ms, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('stock_units')
        .addColumn('device_id', 'text', (c) => c.primaryKey())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('received_at', ms, (c) => c.notNull())
        .addColumn('reserved_for', ms)
        .execute();
      // An order reserves one unit at most, a unit is reserved by one order at most: the
      // database refuses a second reservation. (Partial, so that looking for free units does
      // not pick this index.)
      await sql`create unique index stock_units_reserved on stock_units (reserved_for)
        where reserved_for is not null`.execute(db);
      // Free units of an item, oldest first: approving takes the first one without a sort.
      await sql`create index stock_units_free on stock_units (item_id, received_at, device_id)
        where reserved_for is null`.execute(db);
      await db.schema
        .createIndex('stock_units_item')
        .on('stock_units')
        .columns(['item_id', 'location'])
        .execute();
      await db.schema
        .createTable('replacement_orders')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('mandate_id', 'text', (c) => c.notNull())
        .addColumn('finding_id', ms, (c) => c.notNull())
        .addColumn('old_device_id', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('location', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('new_device_id', 'text')
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', ms, (c) => c.notNull())
        .addColumn('approved_at', ms)
        .addColumn('issued_at', ms)
        .addColumn('returned_at', ms)
        .addColumn('confirmed_at', ms)
        .addColumn('sanitised_at', ms)
        .addColumn('closed_at', ms)
        .addColumn('ended_at', ms)
        .addColumn('reason', 'text')
        .execute();
      // One live order per old device.
      await sql`create unique index replacement_orders_live on replacement_orders (old_device_id)
        where state in ('requested', 'approved', 'issued', 'returned', 'sanitised')`.execute(db);
      // What queries use: SQLite takes a partial index only when the query repeats its
      // condition literally, which `state in (?, ?, …)` with bound parameters does not.
      await db.schema
        .createIndex('replacement_orders_device')
        .on('replacement_orders')
        .columns(['old_device_id', 'state'])
        .execute();
      await db.schema
        .createIndex('replacement_orders_mandate')
        .on('replacement_orders')
        .columns(['mandate_id', 'state', 'item_id'])
        .execute();
      await db.schema
        .createIndex('replacement_orders_person')
        .on('replacement_orders')
        .column('person_id')
        .execute();
      await db.schema
        .createIndex('replacement_orders_state')
        .on('replacement_orders')
        .columns(['state', 'unit'])
        .execute();
      await db.schema
        .createTable('order_events')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('order_id', ms, (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', ms, (c) => c.notNull())
        .addColumn('place', 'text')
        .addColumn('note', 'text')
        .execute();
      await db.schema
        .createIndex('order_events_order')
        .on('order_events')
        .column('order_id')
        .execute();
      await db.schema
        .createTable('custody_events')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('from_party', 'text', (c) => c.notNull())
        .addColumn('to_party', 'text', (c) => c.notNull())
        .addColumn('place', 'text')
        .addColumn('at', ms, (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('order_id', ms)
        .addColumn('sanitisation_id', ms)
        .execute();
      await db.schema
        .createIndex('custody_events_device')
        .on('custody_events')
        .columns(['device_id', 'at'])
        .execute();
      await db.schema
        .createTable('sanitisations')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('certificate', 'text', (c) => c.notNull().unique())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('tool', 'text', (c) => c.notNull())
        .addColumn('performed_on', 'text', (c) => c.notNull())
        .addColumn('place', 'text')
        .addColumn('notes', 'text')
        .addColumn('operator', 'text', (c) => c.notNull())
        .addColumn('operator_name', 'text', (c) => c.notNull())
        .addColumn('recorded_at', ms, (c) => c.notNull())
        .addColumn('verifier', 'text')
        .addColumn('verifier_name', 'text')
        .addColumn('verified_at', ms)
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sanitised_devices')
        .addColumn('sanitisation_id', ms, (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('sanitised_devices_pk', ['sanitisation_id', 'device_id'])
        .execute();
      await db.schema
        .createIndex('sanitised_devices_device')
        .on('sanitised_devices')
        .column('device_id')
        .execute();
    },
  };
}
