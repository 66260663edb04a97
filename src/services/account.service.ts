import { mixedScriptProblem } from '../domain/import.rules.js';
import type { Language } from '../domain/texts/languages.js';
import { createHash, randomBytes } from 'node:crypto';
import type { Token as TokenView } from '../contract/admin.js';
import type { Account } from '../contract/auth.js';
import argon2 from 'argon2';
import type { Clock } from '../adapters/clock.js';
import type { OidcIdentity } from '../adapters/oidc.js';
import {
  auditActor,
  hasPermission,
  ROLES,
  type Actor,
  type Role,
} from '../domain/access.policy.js';
import { AppError, invalidInput, type Problem } from '../domain/errors.js';
import { addDuration, formatInstant, parseDuration } from '../domain/time.js';
import { normaliseUnitPath } from '../domain/unit-path.js';
import {
  countAccounts,
  endSessions,
  getAccountByEmail,
  getAccountById,
  getAccountByOidc,
  getLiveSessionAccount,
  getLiveTokenAccount,
  getToken,
  getAnyAccountOfPerson,
  getUnitsHeadedByPerson,
  insertAccount,
  insertSession,
  insertToken,
  listAccounts,
  listTokens,
  revokeTokens,
  updateAccount,
  type AccountRow,
} from '../store/accounts.repository.js';
import type { Store } from '../store/database.js';
import type { Db } from '../store/schema.js';
import type { CsvTable } from '../adapters/csv.js';
import { cellReader } from '../domain/import.rules.js';
import { getPeopleByIds } from '../store/people.repository.js';
import { getActivePeopleByEmail } from '../store/device-sources.repository.js';
import { writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { makeLoginLimiter } from './login-limiter.js';

const SESSION_MS = 12 * 3_600_000;
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

/** sha256 hex: how sessions and tokens are stored, so a copied database opens nothing. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface NewAccount {
  email: string;
  roles: string[];
  units?: string[];
  personId?: string | null;
  password?: string | null;
}

/** An account as shown: never its password hash. */
/** An account as its owner and admins see it. */
export type AccountView = Account;
export type { TokenView };

/** Checks a new account's email, roles, units and password; the problems name `where(field)`. */
function checkNewAccount(
  input: NewAccount,
  where: (field: string) => string,
): { email: string; roles: string[]; units: string[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const email = input.email.trim().toLowerCase();
  if (!EMAIL_RE.test(email))
    problems.push({
      where: where('email'),
      value: input.email,
      code: 'not_email',
      message: 'is not an email address',
    });
  const mixed = mixedScriptProblem(email);
  if (mixed)
    problems.push({
      where: where('email'),
      value: input.email,
      code: mixed.code,
      message: mixed.message,
    });
  const roles = [...new Set(input.roles.map((r) => r.trim().toLowerCase()).filter(Boolean))];
  if (roles.length === 0)
    problems.push({
      where: where('role'),
      code: 'at_least_one_role',
      params: { roles: ROLES.join(', ') },
      message: `at least one role: ${ROLES.join(', ')}`,
    });
  for (const r of roles) {
    if (!(ROLES as readonly string[]).includes(r))
      problems.push({
        where: where('role'),
        value: r,
        code: 'not_one_of',
        params: { values: ROLES.join(', ') },
        message: `must be one of ${ROLES.join(', ')}`,
      });
  }
  const units: string[] = [];
  for (const u of input.units ?? []) {
    const p = normaliseUnitPath(u);
    if (p) units.push(p);
    else
      problems.push({
        where: where('unit'),
        value: u,
        code: 'not_unit_path',
        message: 'is not a unit path',
      });
  }
  if (input.password !== undefined && input.password !== null && input.password.length < 10) {
    problems.push({
      where: where('password'),
      code: 'too_short',
      params: { minimum: 10 },
      message: 'must have at least 10 characters',
    });
  }
  return { email, roles, units, problems };
}

/** Creates an account and its audit entry in the same transaction; `actor` null: the account itself. */
async function createAccount(
  tx: Parameters<Parameters<typeof writeTransaction>[1]>[0],
  now: number,
  a: {
    email: string;
    roles: string[];
    units: string[];
    personId: string | null;
    passwordHash: string | null;
    oidc?: { issuer: string; subject: string };
  },
  actor: string | null,
  via?: object,
): Promise<AccountRow> {
  const id = await insertAccount(tx, {
    email: a.email,
    password_hash: a.passwordHash,
    roles: JSON.stringify(a.roles),
    units: JSON.stringify(a.units),
    person_id: a.personId,
    disabled: 0,
    oidc_issuer: a.oidc?.issuer ?? null,
    oidc_subject: a.oidc?.subject ?? null,
    created_at: now,
    language: null,
  });
  await recordAudit(tx, now, {
    actor: actor ?? `account:${id}`,
    action: 'account.create',
    object: `account/${id}`,
    change: { email: a.email, roles: a.roles, units: a.units, personId: a.personId, ...via },
  });
  return (await getAccountById(tx, id))!;
}

function viewOf(a: AccountRow): AccountView {
  return {
    id: a.id,
    email: a.email,
    roles: JSON.parse(a.roles) as Role[],
    units: JSON.parse(a.units) as string[],
    personId: a.person_id,
    disabled: a.disabled === 1,
    createdAt: formatInstant(a.created_at),
  };
}

let dummy: Promise<string> | null = null;
/** A hash no password matches, made once: what an unknown account's sign-in is checked against. */
function dummyHash(): Promise<string> {
  dummy ??= argon2.hash(randomBytes(32).toString('base64url'), { type: argon2.argon2id });
  return dummy;
}

/** Accounts, passwords, sessions and API tokens. */
export function makeAccountService(deps: { store: Store; clock: Clock; autoOfficial?: boolean }) {
  const { store, clock } = deps;
  const limiter = makeLoginLimiter(store, clock);

  /** The actor of an account; inside a write transaction, read through it (`db`). */
  async function actorOf(a: AccountRow, readOnly: boolean, db: Db = store.db): Promise<Actor> {
    const headed = a.person_id ? await getUnitsHeadedByPerson(db, a.person_id) : [];
    return {
      accountId: a.id,
      email: a.email,
      roles: new Set(JSON.parse(a.roles) as Role[]),
      personId: a.person_id,
      units: [...new Set([...(JSON.parse(a.units) as string[]), ...headed])],
      readOnly,
    };
  }

  /**
   * `PHASEOUT_OIDC_AUTO_OFFICIAL`: the first sign-in of a verified e-mail that belongs to an
   * active person with no account creates that person's official account, linked to the identity.
   */
  async function createOfficialFor(id: OidcIdentity): Promise<AccountRow | undefined> {
    const email = id.email!.trim().toLowerCase();
    return writeTransaction(store, async (tx) => {
      if (await getAccountByEmail(tx, email)) return undefined;
      const personId = (await getActivePeopleByEmail(tx, [email])).get(email);
      if (!personId || (await getAnyAccountOfPerson(tx, personId))) return undefined;
      const now = clock.now();
      return createAccount(
        tx,
        now,
        {
          email,
          roles: ['official'],
          units: [],
          personId,
          passwordHash: null,
          oidc: { issuer: id.issuer, subject: id.subject },
        },
        null,
        { via: 'sso', issuer: id.issuer, subject: id.subject },
      );
    });
  }

  async function openSession(
    a: AccountRow,
    address: string,
    method: string,
  ): Promise<{ session: string; csrf: string; account: AccountView }> {
    const session = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    await writeTransaction(store, async (tx) => {
      const now = clock.now();
      await insertSession(tx, {
        id: hashSecret(session),
        account_id: a.id,
        csrf_token: csrf,
        created_at: now,
        expires_at: now + SESSION_MS,
        ended_at: null,
      });
      await recordAudit(tx, now, {
        actor: `account:${a.id}`,
        action: 'auth.login',
        object: `account/${a.id}`,
        change: { address, method },
      });
    });
    return { session, csrf, account: viewOf(a) };
  }

  return {
    countAccounts: () => countAccounts(store.db),

    /** Creates an account; every bad field is listed. */
    async addUser(input: NewAccount, actor: string): Promise<AccountView> {
      const { email, roles, units, problems } = checkNewAccount(input, (f) => f);
      if (
        input.personId &&
        !(await getPeopleByIds(store.db, [input.personId])).has(input.personId)
      ) {
        problems.push({
          where: 'person',
          value: input.personId,
          code: 'unknown_person',
          message: 'is not a known person id',
        });
      }
      if (problems.length > 0) throw invalidInput('the account is refused', problems);
      const hash = input.password
        ? await argon2.hash(input.password, { type: argon2.argon2id })
        : null;
      return writeTransaction(store, async (tx) => {
        if (await getAccountByEmail(tx, email))
          throw new AppError('conflict', `an account for ${email} exists already`, [
            { where: 'email', value: email, code: 'taken', message: 'taken' },
          ]);
        const now = clock.now();
        return viewOf(
          await createAccount(
            tx,
            now,
            { email, roles, units, personId: input.personId ?? null, passwordHash: hash },
            actor,
          ),
        );
      });
    },

    /** Remembers the language an account reads in; its messages follow. */
    async setLanguage(actor: Actor, language: Language): Promise<void> {
      await writeTransaction(store, async (tx) => {
        const now = clock.now();
        await updateAccount(tx, actor.accountId, { language });
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'account.language',
          object: `account/${actor.accountId}`,
          change: { language },
        });
      });
    },

    /**
     * Creates many accounts from a CSV (`email,role,unit,person`; roles and units as `;` lists),
     * all or nothing, every bad line listed. Accounts have no password: they sign in with single
     * sign-on (or get one with `users add`).
     */
    async importUsers(table: CsvTable, fileName: string, actor: string): Promise<AccountView[]> {
      const problems: Problem[] = [];
      const known = ['email', 'role', 'unit', 'person'];
      table.header.forEach((h, i) => {
        if (!known.includes(h))
          problems.push({
            where: `${fileName}:1 column ${i + 1}`,
            value: h,
            code: 'unknown_column',
            params: { known: known.join(', ') },
            message: `unknown column (known: ${known.join(', ')})`,
          });
      });
      for (const r of ['email', 'role'])
        if (!table.header.includes(r))
          problems.push({
            where: `${fileName}:1`,
            value: r,
            code: 'missing_column',
            params: { column: r },
            message: `required column ${r} is missing`,
          });
      if (problems.length > 0) throw invalidInput(`${fileName}: the header is refused`, problems);
      const cell = cellReader(table.header);
      const rows = table.rows.map(({ line, cells }) => {
        const list = (c: string) =>
          (cell(cells, c) ?? '')
            .split(';')
            .map((x) => x.trim())
            .filter(Boolean);
        const person = (cell(cells, 'person') ?? '').trim() || null;
        const checked = checkNewAccount(
          {
            email: cell(cells, 'email') ?? '',
            roles: list('role'),
            units: list('unit'),
            personId: person,
          },
          (f) => `${fileName}:${line} ${f}`,
        );
        problems.push(...checked.problems);
        return { line, person, ...checked };
      });
      const people = await getPeopleByIds(
        store.db,
        rows.flatMap((r) => (r.person ? [r.person] : [])),
      );
      const seen = new Map<string, number>();
      for (const r of rows) {
        if (r.person && !people.has(r.person))
          problems.push({
            where: `${fileName}:${r.line} person`,
            value: r.person,
            code: 'unknown_person',
            message: 'is not a known person id',
          });
        const first = seen.get(r.email);
        if (first !== undefined)
          problems.push({
            where: `${fileName}:${r.line} email`,
            value: r.email,
            code: 'appears_again',
            params: { line: first },
            message: `appears again (first on line ${first})`,
          });
        else seen.set(r.email, r.line);
      }
      return writeTransaction(store, async (tx) => {
        for (const r of rows) {
          if (r.problems.length === 0 && (await getAccountByEmail(tx, r.email)))
            problems.push({
              where: `${fileName}:${r.line} email`,
              value: r.email,
              code: 'has_account',
              message: 'has an account already',
            });
        }
        if (problems.length > 0)
          throw invalidInput(
            `${fileName}: ${problems.length} problem(s); no account was created`,
            problems,
          );
        const now = clock.now();
        const out: AccountView[] = [];
        for (const r of rows) {
          out.push(
            viewOf(
              await createAccount(
                tx,
                now,
                {
                  email: r.email,
                  roles: r.roles,
                  units: r.units,
                  personId: r.person,
                  passwordHash: null,
                },
                actor,
                { via: fileName },
              ),
            ),
          );
        }
        return out;
      });
    },

    /** Every account. */
    async listUsers(): Promise<AccountView[]> {
      return (await listAccounts(store.db)).map(viewOf);
    },

    /** Disables an account and ends its sessions and tokens. */
    async disableUser(email: string, actor: string): Promise<AccountView> {
      return writeTransaction(store, async (tx) => {
        const a = await getAccountByEmail(tx, email.trim().toLowerCase());
        if (!a) throw new AppError('not_found', `no account for ${email}`);
        const now = clock.now();
        await updateAccount(tx, a.id, { disabled: 1 });
        await endSessions(tx, now, { accountId: a.id });
        await revokeTokens(tx, now, { accountId: a.id });
        await recordAudit(tx, now, {
          actor,
          action: 'account.disable',
          object: `account/${a.id}`,
          change: { email: a.email },
        });
        return viewOf((await getAccountById(tx, a.id))!);
      });
    },

    /** Signs in with a password; failures are rate-limited per account and per address. */
    async login(
      emailRaw: string,
      password: string,
      address: string,
    ): Promise<{ session: string; csrf: string; account: AccountView }> {
      const email = emailRaw.trim().toLowerCase();
      // The attempt counts before the password is checked: parallel guesses cannot pass the
      // limit while the (slow) check runs.
      await limiter.begin(email, address);
      const a = await getAccountByEmail(store.db, email);
      const usable = a !== undefined && a.disabled === 0 && a.password_hash !== null;
      // An unknown or disabled account costs the same check as a real one: no answer by timing.
      const matches = await argon2.verify(usable ? a.password_hash! : await dummyHash(), password);
      if (!usable || !matches) throw new AppError('unauthenticated', 'wrong email or password');
      await limiter.succeed(email, address);
      return openSession(a, address, 'password');
    },

    /**
     * Signs in with a verified OpenID identity: the account linked to its issuer and subject,
     * or, on first sign-in, the account whose email the provider has verified (then linked).
     */
    async loginWithIdentity(
      id: OidcIdentity,
      address: string,
    ): Promise<{ session: string; csrf: string; account: AccountView }> {
      let a = await getAccountByOidc(store.db, id.issuer, id.subject);
      if (!a && id.email && id.emailVerified) {
        const byEmail = await getAccountByEmail(store.db, id.email);
        if (byEmail && byEmail.oidc_subject === null) {
          await writeTransaction(store, async (tx) => {
            const now = clock.now();
            await updateAccount(tx, byEmail.id, {
              oidc_issuer: id.issuer,
              oidc_subject: id.subject,
            });
            await recordAudit(tx, now, {
              actor: `account:${byEmail.id}`,
              action: 'account.link-sso',
              object: `account/${byEmail.id}`,
              change: { issuer: id.issuer, subject: id.subject },
            });
          });
          a = byEmail;
        }
      }
      if (!a && deps.autoOfficial && id.email && id.emailVerified) a = await createOfficialFor(id);
      if (!a || a.disabled === 1)
        throw new AppError('unauthenticated', 'no account is linked to this identity');
      return openSession(a, address, 'sso');
    },

    /** Ends a session. */
    async logout(session: string, actor: Actor): Promise<void> {
      await writeTransaction(store, async (tx) => {
        const now = clock.now();
        await endSessions(tx, now, { id: hashSecret(session) });
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'auth.logout',
          object: `account/${actor.accountId}`,
          change: {},
        });
      });
    },

    /** The actor of a live session, with its CSRF token; null when none. */
    async actorForSession(session: string): Promise<{ actor: Actor; csrf: string } | null> {
      const s = await getLiveSessionAccount(store.db, hashSecret(session), clock.now());
      if (!s || s.account.disabled === 1) return null;
      return { actor: await actorOf(s.account, false), csrf: s.csrf };
    },

    /** The actor of an enabled account, for the command line's `--as EMAIL`; refused otherwise. */
    async actorForEmail(email: string): Promise<Actor> {
      const a = await getAccountByEmail(store.db, email.trim().toLowerCase());
      if (!a || a.disabled === 1)
        throw invalidInput(`no enabled account ${email}`, [
          {
            where: '--as',
            value: email,
            code: 'not_enabled_account',
            message: 'is not an enabled account',
          },
        ]);
      return actorOf(a, false);
    },

    /** The actor of a live API token; null when none. */
    async actorForToken(token: string, scope: 'api' | 'scim' = 'api'): Promise<Actor | null> {
      const t = await getLiveTokenAccount(store.db, hashSecret(token), clock.now());
      if (!t || t.scope !== scope || t.account.disabled === 1) return null;
      const actor = await actorOf(t.account, t.readOnly);
      // A directory's changes are the directory's: audited as the SCIM client, by its token's
      // name, not as the admin who owns the token.
      return scope === 'scim' ? { ...actor, auditName: `scim:${t.name} (token ${t.id})` } : actor;
    },

    /** Creates an API token; the secret is returned once and stored only hashed. */
    async createToken(
      i: { email: string; name: string; expires?: string; readOnly?: boolean; scim?: boolean },
      actor: string,
    ): Promise<{ id: number; token: string; expiresAt: string | null }> {
      const duration = i.expires ? parseDuration(i.expires) : null;
      if (i.expires && !duration)
        throw invalidInput('bad expiry', [
          {
            where: '--expires',
            value: i.expires,
            code: 'not_a_duration',
            params: { value: '' },
            message: 'must be an ISO 8601 duration such as P90D',
          },
        ]);
      if (i.name.trim() === '')
        throw invalidInput('a token needs a name', [
          { where: '--name', code: 'required', message: 'is required' },
        ]);
      return writeTransaction(store, async (tx) => {
        const a = await getAccountByEmail(tx, i.email.trim().toLowerCase());
        if (!a) throw new AppError('not_found', `no account for ${i.email}`);
        if (a.disabled === 1) throw new AppError('conflict', `the account ${a.email} is disabled`);
        if (i.scim && i.readOnly)
          throw invalidInput('a SCIM token writes people', [
            {
              where: '--read-only',
              code: 'scim_with_roles',
              message: 'cannot be combined with --scim',
            },
          ]);
        if (i.scim && !hasPermission(await actorOf(a, false, tx), 'records.write'))
          throw invalidInput('a SCIM token changes people', [
            {
              where: '--user',
              value: a.email,
              code: 'scim_needs_role',
              message:
                'directory sync changes people: the account needs the admin, officer or logistics role',
            },
          ]);
        const now = clock.now();
        const token = `po_${randomBytes(32).toString('base64url')}`;
        const expiresAt = duration ? addDuration(now, duration, 'UTC') : null;
        const id = await insertToken(tx, {
          account_id: a.id,
          name: i.name.trim(),
          token_hash: hashSecret(token),
          read_only: i.readOnly ? 1 : 0,
          created_at: now,
          expires_at: expiresAt,
          revoked_at: null,
          scope: i.scim ? 'scim' : 'api',
        });
        await recordAudit(tx, now, {
          actor,
          action: 'token.create',
          object: `token/${id}`,
          change: {
            account: a.id,
            name: i.name,
            expiresAt,
            readOnly: i.readOnly === true,
            scope: i.scim ? 'scim' : 'api',
          },
        });
        return { id, token, expiresAt: expiresAt === null ? null : formatInstant(expiresAt) };
      });
    },

    /** Revokes a token. */
    async revokeToken(id: number, actor: string): Promise<void> {
      await writeTransaction(store, async (tx) => {
        const t = await getToken(tx, id);
        if (!t) throw new AppError('not_found', `no token ${id}`);
        const now = clock.now();
        await revokeTokens(tx, now, { id });
        await recordAudit(tx, now, {
          actor,
          action: 'token.revoke',
          object: `token/${id}`,
          change: {},
        });
      });
    },

    /** Every API token: whose, its name, read-only or not, its scope, when it ends. */
    async listTokens(): Promise<TokenView[]> {
      return (await listTokens(store.db)).map((t) => ({
        id: t.id,
        account: t.email,
        name: t.name,
        readOnly: t.read_only === 1,
        scope: t.scope === 'scim' ? 'scim' : 'api',
        createdAt: formatInstant(t.created_at),
        expiresAt: t.expires_at === null ? null : formatInstant(t.expires_at),
        revokedAt: t.revoked_at === null ? null : formatInstant(t.revoked_at),
      }));
    },

    /**
     * Changes an account's roles, units, person, or whether it is disabled; every bad field is
     * listed. Disabling ends its sessions and tokens.
     */
    async updateUser(
      id: number,
      change: { roles?: string[]; units?: string[]; personId?: string | null; disabled?: boolean },
      actor: string,
    ): Promise<AccountView> {
      return writeTransaction(store, async (tx) => {
        const a = await getAccountById(tx, id);
        if (!a) throw new AppError('not_found', `no account ${id}`);
        const checked = checkNewAccount(
          {
            email: a.email,
            roles: change.roles ?? (JSON.parse(a.roles) as string[]),
            units: change.units ?? (JSON.parse(a.units) as string[]),
          },
          (f) => (f === 'role' ? 'roles' : f === 'unit' ? 'units' : f),
        );
        const problems = [...checked.problems];
        if (change.personId && !(await getPeopleByIds(tx, [change.personId])).has(change.personId))
          problems.push({
            where: 'personId',
            value: change.personId,
            code: 'unknown_person',
            message: 'is not a known person id',
          });
        if (problems.length > 0) throw invalidInput('the account is refused', problems);
        const now = clock.now();
        await updateAccount(tx, id, {
          roles: JSON.stringify(checked.roles),
          units: JSON.stringify(checked.units),
          ...(change.personId !== undefined ? { person_id: change.personId } : {}),
          ...(change.disabled !== undefined ? { disabled: change.disabled ? 1 : 0 } : {}),
        });
        if (change.disabled === true) {
          await endSessions(tx, now, { accountId: id });
          await revokeTokens(tx, now, { accountId: id });
        }
        await recordAudit(tx, now, {
          actor,
          action: change.disabled === true ? 'account.disable' : 'account.update',
          object: `account/${id}`,
          change: { ...change, roles: checked.roles, units: checked.units },
        });
        return viewOf((await getAccountById(tx, id))!);
      });
    },

    /** Gives an account a new password, shown once; its sessions end. */
    async resetPassword(id: number, actor: string): Promise<{ password: string }> {
      const password = randomBytes(15).toString('base64url');
      const hash = await argon2.hash(password, { type: argon2.argon2id });
      return writeTransaction(store, async (tx) => {
        const a = await getAccountById(tx, id);
        if (!a) throw new AppError('not_found', `no account ${id}`);
        if (a.disabled === 1) throw new AppError('conflict', `the account ${a.email} is disabled`);
        const now = clock.now();
        await updateAccount(tx, id, { password_hash: hash });
        await endSessions(tx, now, { accountId: id });
        await recordAudit(tx, now, {
          actor,
          action: 'account.password-reset',
          object: `account/${id}`,
          change: {},
        });
        return { password };
      });
    },
  };
}
