import type { Kysely, Migration } from 'kysely';

/**
 * Each source's last report of a device, field by field with since when it says so (JSON): the
 * device's fields are taken from these by priority, so that sources never flip them back and
 * forth and an unchanged file re-imported changes nothing (DESIGN §5a).
 */
export function sourceReportsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('device_sources').addColumn('fields', 'text').execute();
    },
  };
}
