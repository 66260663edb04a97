import type { Kysely, Migration } from 'kysely';

/** Recurring status reports, kept for download; one per mandate and day. */
export function reportsMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('reports')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('mandate_id', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('as_of', ms, (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('csv', 'text', (c) => c.notNull())
        .addColumn('pdf', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addUniqueConstraint('reports_once', ['mandate_id', 'day'])
        .execute();
      await db.schema.alterTable('notifications').addColumn('report_id', ms).execute();
    },
  };
}
