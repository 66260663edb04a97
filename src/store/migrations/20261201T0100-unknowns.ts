import type { Kysely, Migration } from 'kysely';

/**
 * Unknown intervals (DESIGN §5 "Undecided"): while a mandate's target cannot be decided for a
 * device (a field it reads is absent, a function fails on its value), the device is unknown for
 * that mandate over time, like a finding, with the reason.
 */
export function unknownsMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('unknowns')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('mandate_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('opened_at', ms, (c) => c.notNull())
        .addColumn('closed_at', ms)
        .execute();
      await db.schema
        .createIndex('unknowns_mandate_device')
        .on('unknowns')
        .columns(['mandate_id', 'device_id', 'closed_at'])
        .execute();
      await db.schema
        .createIndex('unknowns_mandate_opened')
        .on('unknowns')
        .columns(['mandate_id', 'opened_at'])
        .execute();
    },
  };
}
