import type { Kysely, Migration } from 'kysely';

/**
 * Removals of the organisation's data from personal devices (DESIGN §5a): a personal device is
 * never taken; what the organisation put on it is removed (an MDM selective wipe, say), recorded
 * by one person and verified by another, and kept as a register.
 */
export function dataRemovalsMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('data_removals')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('performed_on', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('recorded_at', ms, (c) => c.notNull())
        .addColumn('verified_by', 'text')
        .addColumn('verified_at', ms)
        .execute();
      await db.schema
        .createIndex('data_removals_device')
        .on('data_removals')
        .column('device_id')
        .execute();
    },
  };
}
