import type { CheckinsTable, Db, IdempotencyKeysTable } from './schema.js';
import { insertMany } from './transaction.js';

/** Keeps check-ins as history, applied or not. */
export async function insertCheckins(db: Db, rows: Omit<CheckinsTable, 'id'>[]): Promise<void> {
  await insertMany(db, 'checkins', rows);
}

/** The answer kept for an idempotency key of an account, if any. */
export async function getIdempotentAnswer(
  db: Db,
  accountId: number,
  key: string,
): Promise<IdempotencyKeysTable | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** Keeps the answer given for an idempotency key. */
export async function keepIdempotentAnswer(db: Db, row: IdempotencyKeysTable): Promise<void> {
  await db.insertInto('idempotency_keys').values(row).execute();
}
