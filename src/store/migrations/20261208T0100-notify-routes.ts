import type { Kysely, Migration } from 'kysely';

/**
 * A message reaches someone or says so (DESIGN §5a): a step that could not go to the rung it
 * asked for records where it went instead and why (`rerouted`); one nobody could receive waits
 * (state `waiting`) until someone can.
 */
export function notifyRoutesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('notifications').addColumn('rerouted', 'text').execute();
    },
  };
}
