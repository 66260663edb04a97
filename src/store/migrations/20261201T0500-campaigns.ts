import type { Kysely, Migration } from 'kysely';

/**
 * Declaration campaigns: people in scope state, by a due date, every device they use for work
 * (the devices no system knows), and confirm the list is complete.
 */
export function campaignsMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('campaigns')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('due_day', 'text', (c) => c.notNull())
        .addColumn('due_end', ms, (c) => c.notNull())
        .addColumn('opened_at', ms, (c) => c.notNull())
        .addColumn('opened_by', 'text', (c) => c.notNull())
        .addColumn('notify', 'text')
        .execute();
      await db.schema
        .createTable('campaign_people')
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('started_at', ms, (c) => c.notNull())
        .addColumn('confirmed_at', ms)
        .addColumn('confirmed_by', 'text')
        .addColumn('uses_none', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('campaign_people_pk', ['campaign_id', 'person_id'])
        .execute();
      await db.schema
        .createTable('declarations')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('declared_at', ms, (c) => c.notNull())
        .addColumn('declared_by', 'text', (c) => c.notNull())
        .addColumn('paper', 'integer', (c) => c.notNull())
        .addColumn('late', 'integer', (c) => c.notNull())
        .addColumn('created_device', 'integer', (c) => c.notNull())
        .addColumn('withdrawn_at', ms)
        .execute();
      await db.schema
        .createTable('campaign_attestations')
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('by_person_id', 'text', (c) => c.notNull())
        .addColumn('attested_at', ms, (c) => c.notNull())
        .addColumn('exceptions', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('campaign_attestations_pk', ['campaign_id', 'unit'])
        .execute();
      await db.schema
        .createIndex('declarations_campaign_person')
        .on('declarations')
        .columns(['campaign_id', 'person_id'])
        .execute();
    },
  };
}
