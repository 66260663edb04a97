import { sql, type Kysely, type Migration } from 'kysely';

/** The first schema: organisation, devices, mandates, findings, attestations, exemptions, audit. */
export function initialMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  // Unit paths compare byte-wise so that a range scan finds a subtree with an index.
  const path = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('units')
        .addColumn('path', path, (c) => c.primaryKey())
        .addColumn('parent_path', path)
        .addColumn('head_person_id', 'text')
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('people')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('unit', path, (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('supervisor_id', 'text')
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('changed_at', ms, (c) => c.notNull())
        .addColumn('last_seen_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('people_unit').on('people').columns(['unit', 'active']).execute();
      await db.schema.createIndex('people_email').on('people').column('email').execute();
      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text')
        .addColumn('class', 'text', (c) => c.notNull())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('os_version', 'text')
        .addColumn('manufacturer', 'text')
        .addColumn('model', 'text')
        .addColumn('serial', 'text')
        .addColumn('imei', 'text')
        .addColumn('ownership', 'text')
        .addColumn('purposes', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('apps', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('changed_at', ms, (c) => c.notNull())
        .addColumn('last_seen_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('devices_owner').on('devices').column('owner_id').execute();
      await db.schema
        .createTable('mandates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('current_version', 'integer', (c) => c.notNull())
        .addColumn('issued_at', ms, (c) => c.notNull())
        .addColumn('first_applied_at', ms, (c) => c.notNull())
        .addColumn('withdrawn_at', ms)
        .execute();
      await db.schema
        .createTable('mandate_versions')
        .addColumn('mandate_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('effective_at', ms, (c) => c.notNull())
        .addColumn('applied_at', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('mandate_versions_pk', ['mandate_id', 'version'])
        .execute();
      await db.schema
        .createTable('mandate_events')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('mandate_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('effective_at', ms, (c) => c.notNull())
        .addColumn('recorded_at', ms, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('findings')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('mandate_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('unit', path, (c) => c.notNull())
        .addColumn('opened_at', ms, (c) => c.notNull())
        .addColumn('closed_at', ms)
        .addColumn('close_reason', 'text')
        .addColumn('close_status', 'text')
        .execute();
      // Two covering indexes: status at T reads findings per mandate in device and in owner
      // order; re-judging a device finds its open findings through the first.
      await db.schema
        .createIndex('findings_mandate_device')
        .on('findings')
        .columns(['mandate_id', 'device_id', 'opened_at', 'closed_at', 'close_status'])
        .execute();
      await db.schema
        .createIndex('findings_mandate_owner')
        .on('findings')
        .columns(['mandate_id', 'owner_id', 'opened_at', 'closed_at', 'device_id'])
        .execute();
      await db.schema
        .createTable('attestations')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('mandate_id', 'text', (c) => c.notNull())
        .addColumn('phase_id', 'text', (c) => c.notNull())
        .addColumn('unit', path)
        .addColumn('person_id', 'text')
        .addColumn('by_person_id', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('attested_at', ms, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('attestations_mandate')
        .on('attestations')
        .columns(['mandate_id', 'phase_id'])
        .execute();
      await db.schema
        .createTable('exemptions')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('mandate_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text')
        .addColumn('person_id', 'text')
        .addColumn('device_owner_id', 'text')
        .addColumn('ground', 'text', (c) => c.notNull())
        .addColumn('until_day', 'text', (c) => c.notNull())
        .addColumn('ends_at', ms, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', ms, (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('approved_at', ms)
        .addColumn('decided_at', ms)
        .addColumn('revoked_at', ms)
        .execute();
      await db.schema
        .createIndex('exemptions_mandate')
        .on('exemptions')
        .column('mandate_id')
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', ms, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
