import type { Kysely, Migration } from 'kysely';

/**
 * Sign-in attempts shared by every server process: per account and address pair (back-off) and
 * per address (a cap per window), counted when an attempt begins.
 */
export function signInThrottleMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sign_in_throttle')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('blocked_until', ms, (c) => c.notNull())
        .addColumn('window_start', ms, (c) => c.notNull())
        .execute();
    },
  };
}
