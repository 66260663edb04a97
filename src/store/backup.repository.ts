import { sql } from 'kysely';
import type { Store } from './database.js';
import { rawSqlite } from './database.js';
import type { Db } from './schema.js';

/** phaseout's own tables, in name order; Kysely's migration bookkeeping aside. */
export async function phaseoutTables(db: Db, dialect: Store['dialect']): Promise<string[]> {
  const r =
    dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%'`.execute(db);
  return r.rows
    .map((x) => x.name)
    .filter((n) => !n.startsWith('kysely_'))
    .sort();
}

/** A table's rows in batches, inside the caller's read transaction (one snapshot for all). */
export async function* readTable(
  tx: Db,
  dialect: Store['dialect'],
  table: string,
  batch = 5000,
): AsyncGenerator<Record<string, unknown>[]> {
  if (dialect === 'postgres') {
    const cursor = sql.id(`backup_${table}`);
    await sql`declare ${cursor} no scroll cursor for select * from ${sql.table(table)}`.execute(tx);
    for (;;) {
      const r = await sql<
        Record<string, unknown>
      >`fetch ${sql.raw(String(batch))} from ${cursor}`.execute(tx);
      if (r.rows.length === 0) break;
      yield r.rows;
    }
    await sql`close ${cursor}`.execute(tx);
    return;
  }
  let after = -Infinity;
  for (;;) {
    const r = await sql<Record<string, unknown> & { phaseout_rowid: number }>`
      select rowid as phaseout_rowid, * from ${sql.table(table)}
      where rowid > ${after === -Infinity ? -9007199254740991 : after}
      order by rowid limit ${batch}`.execute(tx);
    if (r.rows.length === 0) break;
    after = r.rows[r.rows.length - 1]!.phaseout_rowid;
    yield r.rows.map(({ phaseout_rowid: _, ...row }) => row);
  }
}

/** Runs `fn` in one read-only snapshot of the whole database. */
export async function inSnapshot<T>(store: Store, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (store.dialect === 'postgres')
    return store.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        await sql`set transaction read only`.execute(tx);
        return fn(tx);
      });
  return store.db.connection().execute(async (conn) => {
    const raw = rawSqlite.get(store.db);
    if (raw) rawSqlite.set(conn, raw);
    await sql`begin`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      await sql`commit`.execute(conn);
    }
  });
}

/** How many rows a table holds. */
export async function countRows(db: Db, table: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Inserts restored rows as they were, ids included. */
export async function insertRows(
  tx: Db,
  table: string,
  columns: string[],
  rows: unknown[][],
): Promise<void> {
  const size = Math.max(1, Math.floor(30_000 / Math.max(1, columns.length)));
  for (let i = 0; i < rows.length; i += size) {
    const values = rows.slice(i, i + size).map((r) => sql`(${sql.join(r.map((v) => sql`${v}`))})`);
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))})
      values ${sql.join(values)}`.execute(tx);
  }
}

/** After ids were inserted as they were: PostgreSQL's sequences continue after the largest. */
export async function continueSequences(
  tx: Db,
  dialect: Store['dialect'],
  table: string,
): Promise<void> {
  if (dialect !== 'postgres') return;
  const hasId = await sql`select 1 from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and column_name = 'id'`.execute(
    tx,
  );
  if (hasId.rows.length === 0) return;
  const r = await sql<{
    seq: string | null;
  }>`select pg_get_serial_sequence(${table}, 'id') as seq`.execute(tx);
  const seq = r.rows[0]?.seq;
  if (!seq) return;
  await sql`select setval(${seq}, coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(
    tx,
  );
}
