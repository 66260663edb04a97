import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Progress that is real (DESIGN §5a): a device's custodian unit; findings and unknown intervals
 * that no person holds (a unit holds the device); intervals in which a device the target matches
 * has no holder at all (`unassigned`); and the people as they stood over time (`people_history`:
 * each version of the fields that decide scope, from when to when).
 */
export function custodyMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const path = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('devices').addColumn('unit', path).execute();
      await db.schema.createIndex('devices_unit').on('devices').column('unit').execute();
      if (dialect === 'postgres') {
        await sql`alter table findings alter column owner_id drop not null`.execute(db);
        await sql`alter table unknowns alter column owner_id drop not null`.execute(db);
      } else {
        await rebuildSqliteWithNullableOwner(db);
      }
      await db.schema
        .createTable('unassigned')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('mandate_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('opened_at', ms, (c) => c.notNull())
        .addColumn('closed_at', ms)
        .execute();
      await db.schema
        .createIndex('unassigned_mandate_device')
        .on('unassigned')
        .columns(['mandate_id', 'device_id', 'closed_at'])
        .execute();
      await db.schema
        .createIndex('unassigned_mandate_opened')
        .on('unassigned')
        .columns(['mandate_id', 'opened_at'])
        .execute();
      await db.schema
        .createTable('people_history')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('unit', path, (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('valid_from', ms, (c) => c.notNull())
        .addColumn('valid_to', ms)
        .execute();
      await db.schema
        .createIndex('people_history_id')
        .on('people_history')
        .columns(['id', 'valid_to'])
        .execute();
      await db.schema
        .createIndex('people_history_unit')
        .on('people_history')
        .columns(['unit', 'valid_from'])
        .execute();
      // What was recorded before this version is known only as it stands now: from creation.
      await sql`insert into people_history (id, unit, tags, active, valid_from, valid_to)
                select id, unit, tags, active, created_at, null from people`.execute(db);
    },
  };
}

/** SQLite cannot drop a NOT NULL: the two tables are copied into new ones, indexes and all. */
async function rebuildSqliteWithNullableOwner(db: Kysely<unknown>): Promise<void> {
  await sql`create table findings_new (
              id integer primary key,
              mandate_id text not null,
              device_id text not null,
              owner_id text,
              unit text not null,
              opened_at integer not null,
              closed_at integer,
              close_reason text,
              close_status text)`.execute(db);
  await sql`insert into findings_new
              select id, mandate_id, device_id, owner_id, unit, opened_at, closed_at,
                     close_reason, close_status from findings`.execute(db);
  await sql`drop table findings`.execute(db);
  await sql`alter table findings_new rename to findings`.execute(db);
  await sql`create index findings_mandate_device
              on findings (mandate_id, device_id, opened_at, closed_at, close_status)`.execute(db);
  await sql`create index findings_mandate_owner
              on findings (mandate_id, owner_id, opened_at, closed_at, device_id)`.execute(db);
  await sql`create index findings_mandate_opened
              on findings (mandate_id, opened_at, device_id, closed_at)`.execute(db);
  await sql`create table unknowns_new (
              id integer primary key,
              mandate_id text not null,
              device_id text not null,
              owner_id text,
              unit text not null,
              reason text not null,
              opened_at integer not null,
              closed_at integer)`.execute(db);
  await sql`insert into unknowns_new
              select id, mandate_id, device_id, owner_id, unit, reason, opened_at, closed_at
              from unknowns`.execute(db);
  await sql`drop table unknowns`.execute(db);
  await sql`alter table unknowns_new rename to unknowns`.execute(db);
  await sql`create index unknowns_mandate_device
              on unknowns (mandate_id, device_id, closed_at)`.execute(db);
  await sql`create index unknowns_mandate_opened on unknowns (mandate_id, opened_at)`.execute(db);
}
