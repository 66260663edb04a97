import type { Kysely, Migration } from 'kysely';

/** The language an account chose in the console: its messages come in it. */
export function accountLanguageMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('accounts').addColumn('language', 'text').execute();
    },
  };
}
