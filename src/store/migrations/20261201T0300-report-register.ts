import type { Kysely, Migration } from 'kysely';

/** A recurring report keeps the register of exemptions as of its day, its third attachment. */
export function reportRegisterMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('reports').addColumn('register_csv', 'text').execute();
    },
  };
}
