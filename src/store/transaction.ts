import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../domain/errors.js';
import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { pgClients, rawSqlite, writeGuards, type Store } from './database.js';
import { markWriting } from './write-guard.js';
import type { Db } from './schema.js';

/** Thrown inside a write transaction to undo it on purpose (dry runs). */
export class Rollback<T> extends Error {
  constructor(readonly result: T) {
    super('rollback');
  }
}

const WRITER_LOCK = 72_834_019;

/**
 * Runs `fn` in one write transaction, serialised against every other writer:
 * SQLite takes the write lock at BEGIN; PostgreSQL takes an advisory lock,
 * which also keeps the audit sequence gapless.
 */
export async function writeTransaction<T>(store: Store, fn: (tx: Db) => Promise<T>): Promise<T> {
  const guard = writeGuards.get(store.db) ?? store;
  try {
    if (store.dialect === 'postgres') {
      return await store.db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(${WRITER_LOCK})`.execute(tx);
        const clients = pgClients.get(store.db);
        if (clients) pgClients.set(tx, clients);
        return markWriting(guard, () => fn(tx));
      });
    }
    return await store.db.connection().execute(async (conn) => {
      const raw = rawSqlite.get(store.db);
      if (raw) rawSqlite.set(conn, raw);
      await sql`begin immediate`.execute(conn);
      try {
        const result = await markWriting(guard, () => fn(conn));
        await sql`commit`.execute(conn);
        return result;
      } catch (err) {
        await sql`rollback`.execute(conn);
        throw err;
      }
    });
  } catch (err) {
    if (err instanceof Rollback) return err.result as T;
    throw isStorageFull(err)
      ? new AppError(
          'storage_full',
          'the disk is full: nothing of this change was written (free space, then try again)',
        )
      : err;
  }
}

/** SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100). */
function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === '53100';
}

/** Inserts rows in chunks that stay under both databases' parameter limits. */
export async function insertMany<R extends object>(
  tx: Db,
  table: Parameters<Db['insertInto']>[0],
  rows: R[],
): Promise<void> {
  if (rows.length === 0) return;
  const raw = rawSqlite.get(tx);
  if (raw) {
    insertManySqlite(raw, table, rows);
    return;
  }
  if (rows.length >= JSON_FROM) {
    await insertManyPostgres(tx, table, rows);
    return;
  }
  const columns = Object.keys(rows[0]!).length;
  const size = Math.max(1, Math.floor(30_000 / columns));
  for (let i = 0; i < rows.length; i += size) {
    await tx
      .insertInto(table)
      .values(rows.slice(i, i + size))
      .execute();
  }
}

/**
 * Overwrites many rows by `key` with the columns each row gives (every row the same columns):
 * on SQLite one prepared statement; on PostgreSQL, in a write transaction, COPY into a staging
 * table and one `update … from` it, else one `update … from` per 50,000 rows as JSON.
 */
export async function updateMany<R extends object>(
  tx: Db,
  table: Parameters<Db['insertInto']>[0],
  key: keyof R & string,
  rows: R[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).filter((c) => c !== key);
  const raw = rawSqlite.get(tx);
  if (raw) {
    const stmt = raw.prepare(
      `update "${table}" set ${columns.map((c) => `"${c}" = ?`).join(', ')} where "${key}" = ?`,
    );
    for (const r of rows as Record<string, unknown>[]) {
      const params = columns.map((c) => r[c]);
      params.push(r[key]);
      stmt.run(params);
    }
    return;
  }
  const set = sql.join(columns.map((c) => sql`${sql.ref(c)} = r.${sql.ref(c)}`));
  if (rows.length >= JSON_FROM && tx.isTransaction && pgClients.get(tx)) {
    // Many rows: COPY into a staging table of the columns given, then one update from it.
    const stage = sql.table(`phaseout_stage_${table}`);
    const names = [key, ...columns];
    await sql`create temp table ${stage} on commit drop as
      select ${sql.join(names.map((n) => sql.ref(n)))} from ${sql.table(table)} with no data`.execute(
      tx,
    );
    const copied = await copyRows(tx, `phaseout_stage_${table}`, names, rows);
    if (copied)
      await sql`update ${sql.table(table)} as t set ${set} from ${stage} as r
        where t.${sql.ref(key)} = r.${sql.ref(key)}`.execute(tx);
    await sql`drop table ${stage}`.execute(tx);
    if (copied) return;
  }
  for (let i = 0; i < rows.length; i += JSON_CHUNK) {
    const chunk = JSON.stringify(rows.slice(i, i + JSON_CHUNK));
    await sql`update ${sql.table(table)} as t set ${set}
      from json_populate_recordset(cast(null as ${sql.table(table)}), cast(${chunk} as json)) as r
      where t.${sql.ref(key)} = r.${sql.ref(key)}`.execute(tx);
  }
}

/** From this many rows PostgreSQL takes them as one JSON document per 50,000. */
const JSON_FROM = 2_000;
const JSON_CHUNK = 50_000;

/**
 * PostgreSQL bulk insert. In a write transaction the rows are streamed with `COPY … FROM STDIN`
 * on the transaction's own connection (text format; half the time of the JSON path at a million
 * devices). Otherwise — or when a value holds a lone UTF-16 surrogate, which COPY's UTF-8 could
 * not carry unchanged — one short statement per 50,000 rows whose one parameter is the rows as
 * JSON, spread into the table's row type by `json_populate_recordset` (a statement of 30,000
 * parameters is parsed and planned for every 1,700 rows otherwise). Indexes stay: dropping one
 * would hold every reader of the table until the transaction ends (only an import into a table
 * it more than doubles does, `deferIndexes`).
 */
async function insertManyPostgres(tx: Db, table: string, rows: object[]): Promise<void> {
  const names = Object.keys(rows[0]!);
  if (!(await copyRows(tx, table, names, rows))) {
    const columns = sql.join(names.map((c) => sql.ref(c)));
    for (let i = 0; i < rows.length; i += JSON_CHUNK) {
      const chunk = JSON.stringify(rows.slice(i, i + JSON_CHUNK));
      await sql`insert into ${sql.table(table)} (${columns})
        select ${columns} from json_populate_recordset(cast(null as ${sql.table(table)}), cast(${chunk} as json))`.execute(
        tx,
      );
    }
  }
  await analyzeAfterLoad(tx, table, rows.length);
}

/** A UTF-16 surrogate without its pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A value in COPY's text format: `\N` for none, backslash, tab and line ends escaped. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v !== 'string') throw new TypeError(`COPY cannot write a ${typeof v}`);
  return /[\\\t\n\r]/.test(v)
    ? v.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : v;
}

/**
 * Streams rows into `table` with COPY on the write transaction's own connection; false (nothing
 * written) outside a write transaction or when a value could not travel unchanged.
 */
async function copyRows(tx: Db, table: string, names: string[], rows: object[]): Promise<boolean> {
  // Only a write transaction holds one connection throughout (the store's own pool does not).
  const clients = tx.isTransaction ? pgClients.get(tx) : undefined;
  if (!clients) return false;
  const pieces: string[] = [];
  for (let i = 0; i < rows.length; i += 10_000) {
    let text = '';
    for (const row of rows.slice(i, i + 10_000) as Record<string, unknown>[]) {
      for (let c = 0; c < names.length; c++)
        text += (c === 0 ? '' : '\t') + copyValue(row[names[c]!]);
      text += '\n';
    }
    if (LONE_SURROGATE.test(text)) return false;
    pieces.push(text);
  }
  const { rows: me } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx);
  const client = clients.get(me[0]!.pid);
  if (!client) return false;
  const columns = names.map((n) => `"${n}"`).join(', ');
  await pipeline(
    Readable.from(pieces),
    client.query(copyFrom(`copy "${table}" (${columns}) from stdin`)),
  );
  return true;
}

/**
 * PostgreSQL's planner knows nothing of a large load until autovacuum's next round: a
 * mandate's 300,000 new findings were estimated at 99 rows, and status chose plans that spilled
 * to disk. After `rows` new rows, a sample now (a fraction of a second) keeps the plans right.
 */
export async function analyzeAfterLoad(tx: Db, table: string, rows: number): Promise<void> {
  if (rows >= ANALYZE_FROM && !rawSqlite.get(tx))
    await sql`analyze ${sql.table(table)}`.execute(tx);
}

const ANALYZE_FROM = 50_000;

/** PostgreSQL's side of `dropIndexesForLoad`: the indexes that back no constraint. */
async function dropIndexesForLoadPg(tx: Db, table: string, incoming: number): Promise<string[]> {
  if (incoming < 50_000) return [];
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
    tx,
  );
  if (incoming <= Number(rows[0]?.n ?? 0)) return [];
  const indexes = await sql<{ name: string; def: string }>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
     where i.schemaname = current_schema() and i.tablename = ${table}
       and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(tx);
  for (const ix of indexes.rows) await sql`drop index ${sql.ref(ix.name)}`.execute(tx);
  return indexes.rows.map((ix) => ix.def);
}

/**
 * Before a load of `incoming` rows in chunks: when the load is larger than the table, drops the
 * table's secondary indexes; `restore` builds them again (once, by sorting).
 * Inside the caller's transaction, so a refused load leaves them as they were. On PostgreSQL
 * the dropped indexes hold the table's readers until the load commits: it is done only for a
 * load that more than doubles the table (an organisation's first), never for findings.
 */
export async function deferIndexes(
  tx: Db,
  table: string,
  incoming: number,
): Promise<{ restore(): Promise<void> }> {
  const raw = rawSqlite.get(tx);
  if (!raw) {
    const dropped = await dropIndexesForLoadPg(tx, table, incoming);
    return {
      restore: async () => {
        for (const ix of dropped) await sql.raw(ix).execute(tx);
        await analyzeAfterLoad(tx, table, incoming);
      },
    };
  }
  const dropped = dropIndexesForLoad(raw, table, incoming);
  return {
    restore: () => {
      for (const ix of dropped) raw.exec(ix.sql);
      return Promise.resolve();
    },
  };
}

function dropIndexesForLoad(
  raw: SQLite.Database,
  table: string,
  incoming: number,
): { name: string; sql: string }[] {
  const existing = raw.prepare(`select count(*) from "${table}"`).pluck().get() as number;
  if (incoming < 50_000 || incoming <= existing) return [];
  const indexes = raw
    .prepare(
      `select name, sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null`,
    )
    .all(table) as { name: string; sql: string }[];
  for (const ix of indexes) raw.exec(`drop index "${ix.name}"`);
  return indexes;
}

/** Splits a list into chunks for `IN (…)` lists. */
export function chunks<T>(items: T[], size = 5000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const BATCH = 200;

/**
 * SQLite bulk insert with statements prepared once per shape: millions of rows in seconds.
 * A load larger than the table drops its secondary indexes and builds them again after,
 * which sorts once instead of inserting at random (all inside the caller's transaction).
 */
function insertManySqlite(raw: SQLite.Database, table: string, rows: object[]): void {
  const rebuild = dropIndexesForLoad(raw, table, rows.length);
  insertRowsSqlite(raw, table, rows);
  for (const ix of rebuild) raw.exec(ix.sql);
}

function insertRowsSqlite(raw: SQLite.Database, table: string, rows: object[]): void {
  const columns = Object.keys(rows[0]!);
  const one = `(${columns.map(() => '?').join(',')})`;
  const prefix = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values `;
  const batch = raw.prepare(prefix + new Array(BATCH).fill(one).join(','));
  const single = raw.prepare(prefix + one);
  const width = columns.length;
  const params: unknown[] = new Array<unknown>(BATCH * width);
  let i = 0;
  for (; i + BATCH <= rows.length; i += BATCH) {
    for (let j = 0; j < BATCH; j++) {
      const r = rows[i + j] as Record<string, unknown>;
      for (let c = 0; c < width; c++) params[j * width + c] = r[columns[c]!];
    }
    batch.run(params);
  }
  for (; i < rows.length; i++) {
    const r = rows[i] as Record<string, unknown>;
    single.run(columns.map((c) => r[c]));
  }
}
