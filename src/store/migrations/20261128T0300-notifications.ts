import type { Kysely, Migration } from 'kysely';

/**
 * The outbox of notifications: one row per (finding, ladder step and repetition, recipient),
 * unique, so that a message is planned once whatever the number of schedulers.
 */
export function notificationsMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('notifications')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('finding_id', ms, (c) => c.notNull())
        .addColumn('mandate_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('due_at', ms, (c) => c.notNull())
        .addColumn('next_at', ms, (c) => c.notNull())
        .addColumn('lease_until', ms)
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('sent_at', ms)
        .addColumn('error', 'text')
        .addUniqueConstraint('notifications_once', ['finding_id', 'step', 'recipient', 'channel'])
        .execute();
      await db.schema
        .createIndex('notifications_pending')
        .on('notifications')
        .columns(['state', 'next_at'])
        .execute();
      await db.schema
        .createIndex('notifications_step')
        .on('notifications')
        .columns(['mandate_id', 'step'])
        .execute();
      await db.schema
        .createIndex('notifications_owner')
        .on('notifications')
        .columns(['owner_id', 'created_at'])
        .execute();
    },
  };
}
