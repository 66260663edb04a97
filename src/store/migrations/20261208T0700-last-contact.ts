import { sql, type Kysely, type Migration } from 'kysely';
import { readWrittenTime } from '../../domain/time.read.js';

/**
 * A source's last contact with a device kept as an instant (`device_sources.last_contact_at`),
 * not as the text its export wrote: the texts already kept are read once (`domain/time.read.ts`,
 * in the organisation's zone; Intune's in UTC), and one nothing can read is dropped.
 */
export function lastContactMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('device_sources').addColumn('last_contact_at', ms).execute();
      const { rows: zoneRows } = await sql<{
        value: string;
      }>`select value from settings where key = 'timezone'`.execute(db);
      const zone = zoneRows[0]?.value ?? 'UTC';
      const { rows } = await sql<{
        device_id: string;
        source: string;
        last_contact: string;
      }>`select device_id, source, last_contact from device_sources
         where last_contact is not null`.execute(db);
      for (const r of rows) {
        const at = readWrittenTime(r.last_contact, r.source === 'intune' ? 'UTC' : zone);
        if (at === null) continue;
        await sql`update device_sources set last_contact_at = ${at}
          where device_id = ${r.device_id} and source = ${r.source}`.execute(db);
      }
      await db.schema.alterTable('device_sources').dropColumn('last_contact').execute();
    },
  };
}
