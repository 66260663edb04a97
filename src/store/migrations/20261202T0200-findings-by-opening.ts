import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A page of findings in opening order (the lists' default) walks this index instead of sorting
 * a mandate's findings; device ids in code-point order on both databases.
 */
export function findingsByOpeningMigration(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // closed_at too: the planner takes this index for status's open count (opened ≤ T), which
      // must then not read the table for each of a mandate's findings.
      if (dialect === 'postgres')
        await sql`create index findings_mandate_opened
                    on findings (mandate_id, opened_at, device_id collate "C") include (closed_at)`.execute(
          db,
        );
      else
        await sql`create index findings_mandate_opened
                    on findings (mandate_id, opened_at, device_id, closed_at)`.execute(db);
    },
  };
}
