import type { Db } from './schema.js';
import type { AuditLogTable } from './schema.js';

/** The last entry of the chain, or undefined when it is empty. */
export async function getAuditHead(db: Db): Promise<AuditLogTable | undefined> {
  return db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** The last entry's sequence number (0 when empty): the data's version, asked by every kept read. */
export async function getAuditSeq(db: Db): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select('seq')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.seq ?? 0;
}

/** Appends one entry. */
export async function insertAuditEntry(db: Db, entry: AuditLogTable): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

/** Every entry in sequence order, in pages, for verification. */
export async function* streamAuditEntries(
  db: Db,
  pageSize = 10_000,
): AsyncGenerator<AuditLogTable> {
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    yield* page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.seq;
  }
}

/** Counts changes by actor (sign-ins aside), to tell a demo-only database from one with other data. */
export async function countAuditByActor(db: Db): Promise<{ actor: string; n: number }[]> {
  return db
    .selectFrom('audit_log')
    .select((eb) => ['actor', eb.fn.countAll<number>().as('n')])
    .where('action', 'not like', 'auth.%')
    .groupBy('actor')
    .execute();
}

/** Entries after a sequence number, in order, at most `limit`. */
export async function listAuditEntries(
  db: Db,
  after: number,
  limit: number,
  o: { newestFirst?: boolean; offset?: number } = {},
): Promise<AuditLogTable[]> {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>', after)
    .orderBy('seq', o.newestFirst ? 'desc' : 'asc')
    .limit(limit);
  if (o.offset) q = q.offset(o.offset);
  return q.execute();
}

/** The hash of entry `seq`, if the log has it. */
export async function getAuditHash(db: Db, seq: number): Promise<string | undefined> {
  const r = await db
    .selectFrom('audit_log')
    .select('hash')
    .where('seq', '=', seq)
    .executeTakeFirst();
  return r?.hash;
}

/** How many entries the log holds. */
export async function countAuditEntries(db: Db): Promise<number> {
  const r = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
