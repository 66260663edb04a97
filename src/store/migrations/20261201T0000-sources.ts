import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Where data comes from: devices matched by serial (any case) or IMEI across sources, each
 * source's last report per device, check-ins kept as history, idempotency keys, SCIM tokens
 * and identities.
 */
export function sourcesMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('devices').addColumn('serial_key', 'text').execute();
      await db.schema.alterTable('devices').addColumn('imei_key', 'text').execute();
      await sql`update devices set serial_key = lower(trim(serial)) where serial is not null and trim(serial) <> ''`.execute(
        db,
      );
      await sql`update devices set imei_key = replace(replace(imei, ' ', ''), '-', '') where imei is not null and trim(imei) <> ''`.execute(
        db,
      );
      await db.schema
        .createIndex('devices_serial_key')
        .on('devices')
        .column('serial_key')
        .execute();
      await db.schema.createIndex('devices_imei_key').on('devices').column('imei_key').execute();
      await db.schema
        .createTable('device_sources')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('last_seen_at', ms, (c) => c.notNull())
        .addColumn('not_reported_since', ms)
        .addColumn('last_contact', 'text')
        .addPrimaryKeyConstraint('device_sources_pk', ['device_id', 'source'])
        .execute();
      await db.schema
        .createIndex('device_sources_source')
        .on('device_sources')
        .columns(['source', 'last_seen_at'])
        .execute();
      await db.schema
        .createTable('checkins')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('observed_at', ms, (c) => c.notNull())
        .addColumn('received_at', ms, (c) => c.notNull())
        .addColumn('applied', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('checkins_device').on('checkins').column('device_id').execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('account_id', ms, (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
        .execute();
      await db.schema
        .alterTable('api_tokens')
        .addColumn('scope', 'text', (c) => c.notNull().defaultTo('api'))
        .execute();
      await db.schema
        .createTable('scim_identities')
        .addColumn('person_id', 'text', (c) => c.primaryKey())
        .addColumn('external_id', 'text')
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('changed_at', ms, (c) => c.notNull())
        .addColumn('deleted_at', ms)
        .execute();
      await db.schema
        .createIndex('scim_identities_user_name')
        .on('scim_identities')
        .column('user_name')
        .unique()
        .execute();
      await db.schema
        .createTable('scim_groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('tag', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('changed_at', ms, (c) => c.notNull())
        .execute();
    },
  };
}
