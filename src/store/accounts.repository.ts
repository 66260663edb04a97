import type { Selectable } from 'kysely';
import type { AccountsTable, ApiTokensTable, Db, SessionsTable } from './schema.js';

export type AccountRow = Selectable<AccountsTable>;
export type TokenRow = Selectable<ApiTokensTable>;

/** One account by email (lower-case), or undefined. */
export async function getAccountByEmail(db: Db, email: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

/** One account by id, or undefined. */
export async function getAccountById(db: Db, id: number): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Who these accounts are: their email and, for one linked to a person, the person's name. */
export async function getAccountNames(
  db: Db,
  ids: number[],
): Promise<Map<number, { email: string; name: string | null }>> {
  const out = new Map<number, { email: string; name: string | null }>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('accounts as a')
    .leftJoin('people as p', 'p.id', 'a.person_id')
    .select(['a.id', 'a.email', 'p.name'])
    .where('a.id', 'in', [...new Set(ids)])
    .execute();
  for (const r of rows) out.set(Number(r.id), { email: r.email, name: r.name ?? null });
  return out;
}

/** Every account, by email. */
export async function listAccounts(db: Db): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().orderBy('email').execute();
}

/** How many accounts exist. */
export async function countAccounts(db: Db): Promise<number> {
  const r = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Creates an account and returns its id. */
export async function insertAccount(db: Db, row: Omit<AccountsTable, 'id'>): Promise<number> {
  const r = await db.insertInto('accounts').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Changes an account. */
export async function updateAccount(
  db: Db,
  id: number,
  set: Partial<Omit<AccountsTable, 'id'>>,
): Promise<void> {
  await db.updateTable('accounts').set(set).where('id', '=', id).execute();
}

/** Stores a session. */
export async function insertSession(db: Db, row: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** A live session with its account, read together (every signed-in request asks). */
export async function getLiveSessionAccount(
  db: Db,
  id: string,
  now: number,
): Promise<{ account: AccountRow; csrf: string } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .selectAll('accounts')
    .select('sessions.csrf_token as session_csrf')
    .where('sessions.id', '=', id)
    .where('sessions.ended_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  const { session_csrf, ...account } = row;
  return { account, csrf: session_csrf };
}

/** Ends one session, or every session of an account. */
export async function endSessions(
  db: Db,
  at: number,
  by: { id?: string; accountId?: number },
): Promise<void> {
  let q = db.updateTable('sessions').set({ ended_at: at }).where('ended_at', 'is', null);
  if (by.id !== undefined) q = q.where('id', '=', by.id);
  if (by.accountId !== undefined) q = q.where('account_id', '=', by.accountId);
  await q.execute();
}

/** Stores a token and returns its id. */
export async function insertToken(db: Db, row: Omit<ApiTokensTable, 'id'>): Promise<number> {
  const r = await db.insertInto('api_tokens').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** A usable token by its hash, with its account, read together (every token request asks). */
export async function getLiveTokenAccount(
  db: Db,
  hash: string,
  now: number,
): Promise<
  { account: AccountRow; scope: string; readOnly: boolean; id: number; name: string } | undefined
> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('accounts', 'accounts.id', 'api_tokens.account_id')
    .selectAll('accounts')
    .select([
      'api_tokens.scope as token_scope',
      'api_tokens.read_only as token_read_only',
      'api_tokens.id as token_id',
      'api_tokens.name as token_name',
    ])
    .where('api_tokens.token_hash', '=', hash)
    .where('api_tokens.revoked_at', 'is', null)
    .where((eb) =>
      eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]),
    )
    .executeTakeFirst();
  if (!row) return undefined;
  const { token_scope, token_read_only, token_id, token_name, ...account } = row;
  return {
    account,
    scope: token_scope,
    readOnly: token_read_only === 1,
    id: Number(token_id),
    name: token_name,
  };
}

/** One token by id. */
export async function getToken(db: Db, id: number): Promise<TokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Revokes one token, or every token of an account. */
export async function revokeTokens(
  db: Db,
  at: number,
  by: { id?: number; accountId?: number },
): Promise<void> {
  let q = db.updateTable('api_tokens').set({ revoked_at: at }).where('revoked_at', 'is', null);
  if (by.id !== undefined) q = q.where('id', '=', by.id);
  if (by.accountId !== undefined) q = q.where('account_id', '=', by.accountId);
  await q.execute();
}

/** Units whose head is this person. */
export async function getUnitsHeadedByPerson(db: Db, personId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('units')
    .select('path')
    .where('head_person_id', '=', personId)
    .execute();
  return rows.map((r) => r.path);
}

/** The account linked to an OpenID identity, or undefined. */
export async function getAccountByOidc(
  db: Db,
  issuer: string,
  subject: string,
): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('oidc_issuer', '=', issuer)
    .where('oidc_subject', '=', subject)
    .executeTakeFirst();
}

/** The enabled accounts linked to a person. */
export async function getAccountsOfPerson(db: Db, personId: string): Promise<AccountRow[]> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('person_id', '=', personId)
    .where('disabled', '=', 0)
    .execute();
}

/** Any account linked to a person, enabled or not. */
export async function getAnyAccountOfPerson(
  db: Db,
  personId: string,
): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

/** Enabled accounts with the officer role: their address and language. */
export async function listOfficerAddresses(
  db: Db,
): Promise<{ email: string; language: string | null }[]> {
  const rows = await db
    .selectFrom('accounts')
    .select(['email', 'roles', 'language'])
    .where('disabled', '=', 0)
    .execute();
  return rows
    .filter((a) => (JSON.parse(a.roles) as string[]).includes('officer'))
    .map((a) => ({ email: a.email, language: a.language }));
}

/** The language each linked person's account reads in, where one is set. */
export async function listPersonLanguages(db: Db): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('accounts')
    .select(['person_id', 'language'])
    .where('person_id', 'is not', null)
    .where('language', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.person_id!, r.language!]));
}

/** Every API token with its account's e-mail, newest first; never the secret's hash. */
export async function listTokens(db: Db) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .select([
      't.id',
      'a.email',
      't.name',
      't.read_only',
      't.scope',
      't.created_at',
      't.expires_at',
      't.revoked_at',
    ])
    .orderBy('t.id', 'desc')
    .execute();
}
