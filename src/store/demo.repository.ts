import type { Db } from './schema.js';

/** Every table, children before parents: emptied in this order. */
const TABLES = [
  'declarations',
  'campaign_people',
  'campaigns',
  'unknowns',
  'device_sources',
  'checkins',
  'idempotency_keys',
  'scim_identities',
  'scim_groups',
  'statements',
  'notifications',
  'reports',
  'catalogue_items',
  'stock_units',
  'replacement_orders',
  'order_events',
  'custody_events',
  'sanitised_devices',
  'sanitisations',
  'accounts',
  'sessions',
  'api_tokens',
  'findings',
  'attestations',
  'exemptions',
  'mandate_events',
  'mandate_versions',
  'mandates',
  'devices',
  'people',
  'units',
  'audit_log',
  'settings',
] as const;

/** Empties every table (the demo reloading its own data); the schema stays. */
export async function clearAllTables(db: Db): Promise<void> {
  for (const t of TABLES) await db.deleteFrom(t).execute();
}

/** Whether anyone is in the directory. */
export async function hasAnyPerson(db: Db): Promise<boolean> {
  return (await db.selectFrom('people').select('id').limit(1).execute()).length > 0;
}

export async function countPeopleAndDevices(db: Db): Promise<{ people: number; devices: number }> {
  const p = await db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const d = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return { people: Number(p?.n ?? 0), devices: Number(d?.n ?? 0) };
}
