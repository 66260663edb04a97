import type { Kysely, Migration } from 'kysely';

/**
 * A declaration that changed a device already known keeps the device as it was before
 * (`device_before`, its fields as JSON): taking the declaration back restores them.
 */
export function declarationsBeforeMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('declarations').addColumn('device_before', 'text').execute();
    },
  };
}
