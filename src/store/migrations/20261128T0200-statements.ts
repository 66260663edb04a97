import type { Kysely, Migration } from 'kysely';

/** Statements by officials about their devices ("no longer used for official business"). */
export function statementsMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('statements')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('stated_at', ms, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('statements_device')
        .on('statements')
        .column('device_id')
        .execute();
    },
  };
}
