import { sql } from 'kysely';
import type { Store } from './database.js';
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
  try {
    if (store.dialect === 'postgres') {
      return await store.db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(${WRITER_LOCK})`.execute(tx);
        return fn(tx);
      });
    }
    return await store.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (err) {
        await sql`rollback`.execute(conn);
        throw err;
      }
    });
  } catch (err) {
    if (err instanceof Rollback) return err.result as T;
    throw err;
  }
}

/** Inserts rows in chunks that stay under both databases' parameter limits. */
export async function insertMany<R extends object>(
  tx: Db,
  table: Parameters<Db['insertInto']>[0],
  rows: R[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).length;
  const size = Math.max(1, Math.floor(30_000 / columns));
  for (let i = 0; i < rows.length; i += size) {
    await tx
      .insertInto(table)
      .values(rows.slice(i, i + size))
      .execute();
  }
}

/** Splits a list into chunks for `IN (…)` lists. */
export function chunks<T>(items: T[], size = 5000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
