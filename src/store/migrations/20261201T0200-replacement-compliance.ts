import type { Kysely, Migration } from 'kysely';

/**
 * A replacement never creates non-compliance: catalogue items carry the purposes a unit is
 * issued for, and an order records an officer's override (who, why) when a mandate in force
 * would catch its unit.
 */
export function replacementComplianceMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('catalogue_items')
        .addColumn('purposes', 'text', (c) => c.notNull().defaultTo('["official"]'))
        .execute();
      await db.schema
        .alterTable('replacement_orders')
        .addColumn('override_reason', 'text')
        .execute();
      await db.schema.alterTable('replacement_orders').addColumn('override_by', 'text').execute();
    },
  };
}
