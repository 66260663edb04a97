import type { Clock } from '../adapters/clock.js';
import { auditActor, type Actor } from '../domain/access.policy.js';
import type { Person } from '../domain/person.model.js';
import {
  applyPatch,
  asText,
  getAttr,
  listResponse,
  parseFilter,
  readUser,
  SCIM,
  ScimError,
  userResource,
  type Json,
  type PatchOp,
} from '../domain/scim.js';
import { AppError } from '../domain/errors.js';
import { formatInstant } from '../domain/time.js';
import { normaliseUnitPath } from '../domain/unit-path.js';
import type { Store } from '../store/database.js';
import {
  endSessions,
  getAccountsOfPerson,
  revokeTokens,
  updateAccount,
} from '../store/accounts.repository.js';
import {
  getPeopleByIds,
  getPersonIdsByEmail,
  type StoredPerson,
} from '../store/people.repository.js';
import {
  deleteGroup,
  findIdentity,
  getGroup,
  getIdentity,
  getPeopleWithTag,
  listGroups,
  listIdentities,
  putGroup,
  putIdentity,
} from '../store/scim.repository.js';
import type { Db, ScimGroupsTable } from '../store/schema.js';
import { writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { storePerson } from './person.write.js';

/** Where a user without a department is placed, so that the console shows them, not hides them. */
export const UNASSIGNED = 'Unassigned';

/**
 * Directory sync over SCIM 2.0: users are people (employeeNumber = person id, else matched by
 * e-mail), groups are tags. Every change takes effect when made, re-judges the person's devices
 * and is audited; a user made inactive or deleted has left, and their accounts are disabled.
 */
export function makeScimService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  const base = '/scim/v2';

  async function groupsOf(db: Db, p: Person): Promise<{ value: string; display: string }[]> {
    if (p.tags.length === 0) return [];
    const all = await listGroups(db);
    return all
      .filter((g) => p.tags.includes(g.tag))
      .map((g) => ({ value: g.id, display: g.display_name }));
  }

  async function userOf(db: Db, p: StoredPerson): Promise<Json> {
    const identity = await getIdentity(db, p.id);
    return userResource(
      p,
      {
        userName: identity?.user_name ?? p.email ?? p.id,
        externalId: identity?.external_id ?? null,
      },
      {
        created: formatInstant(p.createdAt),
        lastModified: formatInstant(Math.max(p.changedAt, identity?.changed_at ?? 0)),
        location: `${base}/Users/${encodeURIComponent(p.id)}`,
      },
      await groupsOf(db, p),
    );
  }

  /** The person behind a user id: 404 when missing or deleted through SCIM. */
  async function personOf(db: Db, id: string): Promise<StoredPerson> {
    const p = (await getPeopleByIds(db, [id])).get(id);
    const identity = p ? await getIdentity(db, id) : undefined;
    if (!p || identity?.deleted_at != null) throw new ScimError(404, null, `no user ${id}`);
    return p;
  }

  async function disableAccounts(
    tx: Db,
    personId: string,
    now: number,
    actor: string,
  ): Promise<void> {
    for (const a of await getAccountsOfPerson(tx, personId)) {
      await updateAccount(tx, a.id, { disabled: 1 });
      await endSessions(tx, now, { accountId: a.id });
      await revokeTokens(tx, now, { accountId: a.id });
      await recordAudit(tx, now, {
        actor,
        action: 'account.disable',
        object: `account/${a.id}`,
        change: { email: a.email, why: `person ${personId} left (directory sync)` },
      });
    }
  }

  /** Writes a person from user fields; `before` is the stored person, if any. */
  async function writeUser(
    tx: Db,
    actor: Actor,
    id: string,
    before: StoredPerson | undefined,
    u: ReturnType<typeof readUser>,
    mode: 'create' | 'replace' | 'patch',
  ): Promise<StoredPerson> {
    const now = clock.now();
    const unit = u.unit === null ? (before?.unit ?? UNASSIGNED) : normaliseUnitPath(u.unit);
    if (!unit)
      throw new ScimError(
        400,
        'invalidValue',
        `department ${u.unit} is not a unit path (like Org/Directorate/Department)`,
      );
    const userName = u.userName ?? before?.email;
    if (!userName) throw new ScimError(400, 'invalidValue', 'userName is required');
    const taken = await findIdentity(tx, { userName });
    if (taken && taken.person_id !== id)
      throw new ScimError(409, 'uniqueness', `userName ${userName} is taken`);
    // A PATCH is applied to the whole resource first: in every mode the body is the whole user,
    // and an attribute it lacks has no value.
    const next: Person = {
      id,
      name: u.name ?? before?.name ?? userName,
      email: u.email?.toLowerCase() ?? before?.email ?? null,
      unit,
      title: u.title ?? null,
      supervisor: u.supervisor ?? null,
      tags: before?.tags ?? [],
      active: u.active ?? true,
    };
    const who = auditActor(actor);
    try {
      await storePerson(tx, before, next, now, { actor: who, action: `scim.user.${mode}` });
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input')
        throw new ScimError(
          400,
          'invalidValue',
          err.problems.map((p) => `${p.where} ${p.value ?? ''}: ${p.message}`).join('; ') ||
            err.message,
        );
      throw err;
    }
    const identity = await getIdentity(tx, id);
    await putIdentity(tx, {
      person_id: id,
      external_id: u.externalId,
      user_name: userName,
      created_at: identity?.created_at ?? now,
      changed_at: now,
      deleted_at: null,
    });
    if (before?.active !== false && !next.active) await disableAccounts(tx, id, now, who);
    return (await getPeopleByIds(tx, [id])).get(id)!;
  }

  async function groupResource(db: Db, g: ScimGroupsTable, withMembers = true): Promise<Json> {
    const members = withMembers ? await getPeopleWithTag(db, g.tag) : [];
    const names = await getPeopleByIds(db, members);
    return {
      schemas: [SCIM.group],
      id: g.id,
      displayName: g.display_name,
      ...(g.external_id ? { externalId: g.external_id } : {}),
      ...(withMembers
        ? {
            members: members.map((m) => ({
              value: m,
              display: names.get(m)?.name ?? m,
              $ref: `${base}/Users/${encodeURIComponent(m)}`,
            })),
          }
        : {}),
      meta: {
        resourceType: 'Group',
        created: formatInstant(g.created_at),
        lastModified: formatInstant(g.changed_at),
        location: `${base}/Groups/${encodeURIComponent(g.id)}`,
      },
    };
  }

  /** Gives or takes a tag from people, each a person change now. */
  async function retag(
    tx: Db,
    actor: Actor,
    ids: string[],
    add: string | null,
    remove: string | null,
  ): Promise<void> {
    const people = await getPeopleByIds(tx, ids);
    const now = clock.now();
    for (const id of ids) {
      const p = people.get(id);
      if (!p) throw new ScimError(400, 'invalidValue', `member ${id} is not a known user`);
      let tags = p.tags.filter((t) => t !== remove);
      if (add && !tags.includes(add)) tags = [...tags, add];
      if (tags.length === p.tags.length && tags.every((t, i) => t === p.tags[i])) continue;
      const { createdAt: _c, changedAt: _ch, ...fields } = p;
      await storePerson(tx, p, { ...fields, tags }, now, {
        actor: auditActor(actor),
        action: 'scim.group.member',
      });
    }
  }

  const memberIds = (v: unknown): string[] =>
    (Array.isArray(v) ? (v as Json[]) : []).map((m) => asText(getAttr(m, 'value'))).filter(Boolean);

  async function writeGroup(
    tx: Db,
    actor: Actor,
    id: string,
    body: Json,
    before: ScimGroupsTable | undefined,
  ): Promise<Json> {
    const displayName =
      typeof getAttr(body, 'displayName') === 'string'
        ? (getAttr(body, 'displayName') as string).trim()
        : '';
    if (!displayName) throw new ScimError(400, 'invalidValue', 'displayName is required');
    const tag = displayName.toLowerCase();
    const clash = (await listGroups(tx, { displayName })).find((g) => g.id !== id);
    if (clash)
      throw new ScimError(409, 'uniqueness', `a group named ${displayName} exists already`);
    const now = clock.now();
    const ext = getAttr(body, 'externalId');
    await putGroup(tx, {
      id,
      display_name: displayName,
      tag,
      external_id: typeof ext === 'string' ? ext : null,
      created_at: before?.created_at ?? now,
      changed_at: now,
    });
    const wanted = new Set(memberIds(getAttr(body, 'members')));
    const had = before ? await getPeopleWithTag(tx, before.tag) : [];
    await retag(
      tx,
      actor,
      had.filter((m) => !wanted.has(m) || before!.tag !== tag),
      null,
      before?.tag ?? null,
    );
    await retag(tx, actor, [...wanted], tag, null);
    await recordAudit(tx, now, {
      actor: auditActor(actor),
      action: before ? 'scim.group.update' : 'scim.group.create',
      object: `group/${id}`,
      change: { displayName, members: [...wanted].sort() },
    });
    return groupResource(tx, (await getGroup(tx, id))!);
  }

  return {
    async listUsers(q: { filter?: string; startIndex?: number; count?: number }): Promise<Json> {
      const start = Math.max(1, q.startIndex ?? 1);
      const count = Math.min(Math.max(0, q.count ?? 100), 200);
      const db = store.db;
      if (q.filter) {
        const found: StoredPerson[] = [];
        for (const f of parseFilter(q.filter)) {
          let id: string | undefined;
          if (f.attr === 'username') {
            id = (await findIdentity(db, { userName: f.value }))?.person_id;
            // A person known from a CSV, not yet linked: matched by e-mail, adopted on write.
            if (!id) {
              const byMail = (await getPersonIdsByEmail(db, [f.value.toLowerCase()])).get(
                f.value.toLowerCase(),
              );
              if (byMail && !(await getIdentity(db, byMail))) id = byMail;
            }
          } else if (f.attr === 'externalid')
            id = (await findIdentity(db, { externalId: f.value }))?.person_id;
          else if (f.attr === 'id' || f.attr === 'employeenumber') id = f.value;
          else if (f.attr === 'emails.value' || f.attr === 'emails')
            id = (await getPersonIdsByEmail(db, [f.value.toLowerCase()])).get(
              f.value.toLowerCase(),
            );
          else throw new ScimError(400, 'invalidFilter', `filtering on ${f.attr} is not supported`);
          const p = id ? await personOf(db, id).catch(() => undefined) : undefined;
          if (!p) return listResponse([], 0, start);
          if (found.length > 0 && found[0]!.id !== p.id) return listResponse([], 0, start);
          found[0] = p;
        }
        return listResponse(
          await Promise.all(found.map((p) => userOf(db, p))),
          found.length,
          start,
        );
      }
      const page = await listIdentities(db, start - 1, count);
      const people = await getPeopleByIds(
        db,
        page.rows.map((r) => r.person_id),
      );
      const resources: Json[] = [];
      for (const r of page.rows) {
        const p = people.get(r.person_id);
        if (p) resources.push(await userOf(db, p));
      }
      return listResponse(resources, page.total, start);
    },

    async getUser(id: string): Promise<Json> {
      return userOf(store.db, await personOf(store.db, id));
    },

    async createUser(actor: Actor, body: Json): Promise<Json> {
      const u = readUser(body);
      if (!u.userName) throw new ScimError(400, 'invalidValue', 'userName is required');
      return writeTransaction(store, async (tx) => {
        if (await findIdentity(tx, { userName: u.userName! }))
          throw new ScimError(409, 'uniqueness', `userName ${u.userName} is taken`);
        const email = u.email?.toLowerCase() ?? null;
        const byMail = email ? (await getPersonIdsByEmail(tx, [email])).get(email) : undefined;
        const id = u.employeeNumber ?? byMail ?? email ?? u.userName!;
        const before = (await getPeopleByIds(tx, [id])).get(id);
        const identity = before ? await getIdentity(tx, id) : undefined;
        if (identity && identity.deleted_at === null)
          throw new ScimError(409, 'uniqueness', `user ${id} exists already`);
        return userOf(tx, await writeUser(tx, actor, id, before, u, 'create'));
      });
    },

    async replaceUser(actor: Actor, id: string, body: Json): Promise<Json> {
      return writeTransaction(store, async (tx) => {
        const before = await personOf(tx, id);
        return userOf(tx, await writeUser(tx, actor, id, before, readUser(body), 'replace'));
      });
    },

    async patchUser(actor: Actor, id: string, body: Json): Promise<Json> {
      const ops = getAttr(body, 'Operations');
      if (!Array.isArray(ops)) throw new ScimError(400, 'invalidSyntax', 'Operations is required');
      return writeTransaction(store, async (tx) => {
        const before = await personOf(tx, id);
        const patched = applyPatch(await userOf(tx, before), ops as PatchOp[]);
        return userOf(tx, await writeUser(tx, actor, id, before, readUser(patched), 'patch'));
      });
    },

    /** DELETE: the person has left (inactive, accounts disabled); the resource then answers 404. */
    async deleteUser(actor: Actor, id: string): Promise<void> {
      await writeTransaction(store, async (tx) => {
        const before = await personOf(tx, id);
        const now = clock.now();
        const { createdAt: _c, changedAt: _ch, ...fields } = before;
        const who = auditActor(actor);
        if (before.active) {
          await storePerson(tx, before, { ...fields, active: false }, now, {
            actor: who,
            action: 'scim.user.delete',
          });
          await disableAccounts(tx, id, now, who);
        }
        const identity = await getIdentity(tx, id);
        await putIdentity(tx, {
          person_id: id,
          external_id: identity?.external_id ?? null,
          user_name: identity?.user_name ?? before.email ?? id,
          created_at: identity?.created_at ?? now,
          changed_at: now,
          deleted_at: now,
        });
        await recordAudit(tx, now, {
          actor: who,
          action: 'scim.user.delete',
          object: `person/${id}`,
          change: { deleted: true },
        });
      });
    },

    async listGroups(q: { filter?: string; excludedAttributes?: string }): Promise<Json> {
      const withMembers = !(q.excludedAttributes ?? '').toLowerCase().includes('members');
      let groups = await listGroups(store.db);
      if (q.filter) {
        for (const f of parseFilter(q.filter)) {
          if (f.attr === 'displayname')
            groups = groups.filter((g) => g.tag === f.value.trim().toLowerCase());
          else if (f.attr === 'externalid')
            groups = groups.filter((g) => g.external_id === f.value);
          else if (f.attr === 'id') groups = groups.filter((g) => g.id === f.value);
          else throw new ScimError(400, 'invalidFilter', `filtering on ${f.attr} is not supported`);
        }
      }
      const resources = [];
      for (const g of groups) resources.push(await groupResource(store.db, g, withMembers));
      return listResponse(resources, resources.length, 1);
    },

    async getGroup(id: string, excludedAttributes?: string): Promise<Json> {
      const g = await getGroup(store.db, id);
      if (!g) throw new ScimError(404, null, `no group ${id}`);
      return groupResource(
        store.db,
        g,
        !(excludedAttributes ?? '').toLowerCase().includes('members'),
      );
    },

    async createGroup(actor: Actor, body: Json): Promise<Json> {
      return writeTransaction(store, async (tx) => {
        const name = asText(getAttr(body, 'displayName'))
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9а-яё]+/giu, '-')
          .replace(/^-|-$/g, '');
        let id = name || 'group';
        for (let n = 2; await getGroup(tx, id); n++) id = `${name}-${n}`;
        return writeGroup(tx, actor, id, body, undefined);
      });
    },

    async replaceGroup(actor: Actor, id: string, body: Json): Promise<Json> {
      return writeTransaction(store, async (tx) => {
        const before = await getGroup(tx, id);
        if (!before) throw new ScimError(404, null, `no group ${id}`);
        return writeGroup(tx, actor, id, body, before);
      });
    },

    async patchGroup(actor: Actor, id: string, body: Json): Promise<Json> {
      const ops = getAttr(body, 'Operations');
      if (!Array.isArray(ops)) throw new ScimError(400, 'invalidSyntax', 'Operations is required');
      return writeTransaction(store, async (tx) => {
        const before = await getGroup(tx, id);
        if (!before) throw new ScimError(404, null, `no group ${id}`);
        const current = await groupResource(tx, before);
        // `members[value eq "x"]` removes one member: a filter on a multi-valued attribute.
        const patched = applyPatch(current, ops as PatchOp[]);
        return writeGroup(tx, actor, id, patched, before);
      });
    },

    async deleteGroup(actor: Actor, id: string): Promise<void> {
      await writeTransaction(store, async (tx) => {
        const g = await getGroup(tx, id);
        if (!g) throw new ScimError(404, null, `no group ${id}`);
        await retag(tx, actor, await getPeopleWithTag(tx, g.tag), null, g.tag);
        await deleteGroup(tx, id);
        await recordAudit(tx, clock.now(), {
          actor: auditActor(actor),
          action: 'scim.group.delete',
          object: `group/${id}`,
          change: {},
        });
      });
    },
  };
}
