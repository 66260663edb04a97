import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A page of findings in opening order (the lists' default) walks this index instead of sorting
 * a mandate's findings; device ids in code-point order on both databases.
 */
export function findingsByOpeningMigration(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const device = dialect === 'postgres' ? sql`device_id collate "C"` : sql`device_id`;
      await sql`create index findings_mandate_opened
                  on findings (mandate_id, opened_at, ${device})`.execute(db);
    },
  };
}
