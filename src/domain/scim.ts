import { AppError } from './errors.js';
import type { Person } from './person.model.js';

/** SCIM 2.0 (RFC 7643/7644): schema URNs, resources from people, PATCH, filters. */
export const SCIM = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  list: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patch: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

export type ScimType =
  | 'invalidFilter'
  | 'invalidValue'
  | 'invalidPath'
  | 'uniqueness'
  | 'noTarget'
  | 'invalidSyntax'
  | 'mutability';

/** A SCIM error: the HTTP status, SCIM's own type and a detail for the log of the directory. */
export class ScimError extends AppError {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | null,
    detail: string,
  ) {
    super(status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'invalid_input', detail);
  }
}

export type Json = Record<string, unknown>;

/** A SCIM ListResponse (RFC 7644 §3.4.2). */
export function listResponse(resources: object[], total = resources.length, startIndex = 1): Json {
  return {
    schemas: [SCIM.list],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** A scalar as text; objects and absent values are empty. */
export function asText(v: unknown): string {
  return typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : '';
}

/** Reads a key of an object whatever its case (SCIM attribute names are case-insensitive). */
export function getAttr(o: Json, name: string): unknown {
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
}

function keyOf(o: Json, name: string): string {
  return Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
}

/** A user resource as SCIM shows it, from a person and its directory identity. */
export function userResource(
  p: Person,
  identity: { userName: string; externalId: string | null },
  meta: { created: string; lastModified: string; location: string },
  groups: { value: string; display: string }[],
): Json {
  return {
    schemas: [SCIM.user, SCIM.enterprise],
    id: p.id,
    ...(identity.externalId ? { externalId: identity.externalId } : {}),
    userName: identity.userName,
    name: { formatted: p.name },
    displayName: p.name,
    ...(p.title ? { title: p.title } : {}),
    emails: p.email ? [{ value: p.email, type: 'work', primary: true }] : [],
    active: p.active,
    groups,
    [SCIM.enterprise]: {
      employeeNumber: p.id,
      department: p.unit,
      ...(p.supervisor ? { manager: { value: p.supervisor } } : {}),
    },
    meta: { resourceType: 'User', ...meta },
  };
}

/** `"True"`/`"False"` as Entra ID sends them, or a boolean. */
export function readBoolean(v: unknown, path: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw new ScimError(400, 'invalidValue', `${path} must be a boolean`);
}

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : null;

/** What a user resource says of a person: absent keys say nothing. */
export interface UserFields {
  employeeNumber: string | null;
  userName: string | null;
  externalId: string | null;
  name: string | null;
  email: string | null;
  title: string | null | undefined;
  unit: string | null;
  supervisor: string | null | undefined;
  active: boolean | undefined;
}

/** Reads the person's fields out of a user resource (a POST or PUT body, or a patched one). */
export function readUser(r: Json): UserFields {
  const ent = (getAttr(r, SCIM.enterprise) ?? {}) as Json;
  const name = (getAttr(r, 'name') ?? {}) as Json;
  const emails = getAttr(r, 'emails');
  const list = Array.isArray(emails) ? (emails as Json[]) : [];
  const work =
    list.find((e) => getAttr(e, 'primary') === true || getAttr(e, 'primary') === 'True') ??
    list.find((e) => str(getAttr(e, 'type'))?.toLowerCase() === 'work') ??
    list[0];
  const userName = str(getAttr(r, 'userName'));
  const given = [str(getAttr(name, 'givenName')), str(getAttr(name, 'familyName'))].filter(Boolean);
  const manager = getAttr(ent, 'manager');
  const managerId =
    manager === undefined
      ? undefined
      : manager === null
        ? null
        : typeof manager === 'string'
          ? str(manager)
          : str(getAttr(manager as Json, 'value'));
  const active = getAttr(r, 'active');
  const title = getAttr(r, 'title');
  return {
    employeeNumber: str(getAttr(ent, 'employeeNumber')),
    userName,
    externalId: str(getAttr(r, 'externalId')),
    name:
      str(getAttr(r, 'displayName')) ??
      str(getAttr(name, 'formatted')) ??
      (given.length > 0 ? given.join(' ') : null),
    email:
      (work ? str(getAttr(work, 'value')) : null) ?? (userName?.includes('@') ? userName : null),
    title: title === undefined ? undefined : str(title),
    unit: str(getAttr(ent, 'department')),
    supervisor: managerId,
    active: active === undefined ? undefined : readBoolean(active, 'active'),
  };
}

interface PathPart {
  attr: string;
  filter: { attr: string; value: string } | null;
  sub: string | null;
}

/** Parses a PATCH path: `active`, `name.givenName`, `emails[type eq "work"].value`, `urn:…:manager`. */
export function parsePath(path: string): { urn: string | null; part: PathPart } {
  let urn: string | null = null;
  let rest = path.trim();
  if (rest.toLowerCase().startsWith('urn:')) {
    for (const u of [SCIM.enterprise, SCIM.user, SCIM.group]) {
      if (rest.toLowerCase().startsWith(u.toLowerCase())) {
        urn = u;
        rest = rest.slice(u.length).replace(/^:/, '');
        break;
      }
    }
    if (urn === null) throw new ScimError(400, 'invalidPath', `unknown schema in path ${path}`);
    if (urn !== SCIM.enterprise) urn = null;
    if (rest === '') return { urn, part: { attr: '', filter: null, sub: null } };
  }
  const m =
    /^([A-Za-z$][\w$-]*)(?:\[\s*([A-Za-z][\w.]*)\s+eq\s+"([^"]*)"\s*\])?(?:\.([A-Za-z][\w$-]*))?$/i.exec(
      rest,
    );
  if (!m) throw new ScimError(400, 'invalidPath', `cannot read the path ${path}`);
  return {
    urn,
    part: {
      attr: m[1]!,
      filter: m[3] !== undefined ? { attr: m[2]!, value: m[3] } : null,
      sub: m[4] ?? null,
    },
  };
}

/** One PATCH operation, as Entra ID and Okta send them (`Replace`, `add`, no path with an object). */
export interface PatchOp {
  op: string;
  path?: string;
  value?: unknown;
}

/** Applies PATCH operations to a resource (RFC 7644 §3.5.2); returns the changed copy. */
export function applyPatch(resource: Json, ops: PatchOp[]): Json {
  const r = structuredClone(resource);
  for (const o of ops) {
    const op = String(o.op ?? '').toLowerCase();
    if (!['add', 'replace', 'remove'].includes(op))
      throw new ScimError(400, 'invalidSyntax', `unknown op ${String(o.op)}`);
    if (!o.path) {
      if (op === 'remove') throw new ScimError(400, 'noTarget', 'remove needs a path');
      if (typeof o.value !== 'object' || o.value === null || Array.isArray(o.value))
        throw new ScimError(
          400,
          'invalidValue',
          'an operation without a path needs an object value',
        );
      for (const [k, v] of Object.entries(o.value as Json)) applyOne(r, op, k, v);
      continue;
    }
    applyOne(r, op, o.path, o.value);
  }
  return r;
}

function applyOne(r: Json, op: string, path: string, value: unknown): void {
  const { urn, part } = parsePath(path);
  let target = r;
  if (urn) {
    const k = keyOf(r, urn);
    target = (r[k] ??= {}) as Json;
    if (part.attr === '') {
      if (op === 'remove') delete r[k];
      else Object.assign(target, value as Json);
      return;
    }
  }
  const key = keyOf(target, part.attr);
  if (part.filter) {
    const list = (Array.isArray(target[key]) ? target[key] : []) as Json[];
    const f = part.filter;
    const matches = (e: Json) => asText(getAttr(e, f.attr)).toLowerCase() === f.value.toLowerCase();
    if (op === 'remove') {
      target[key] = list.filter((e) => !matches(e));
      return;
    }
    let hit = list.find(matches);
    if (!hit) {
      hit = { [f.attr]: f.value };
      list.push(hit);
    }
    if (part.sub) hit[keyOf(hit, part.sub)] = value;
    else Object.assign(hit, value as Json);
    target[key] = list;
    return;
  }
  if (part.sub) {
    const inner = (target[key] ??= {}) as Json;
    if (op === 'remove') delete inner[keyOf(inner, part.sub)];
    else inner[keyOf(inner, part.sub)] = value;
    return;
  }
  if (op === 'remove') {
    if (Array.isArray(target[key]) && Array.isArray(value)) {
      const drop = new Set((value as Json[]).map((v) => asText(getAttr(v, 'value'))));
      target[key] = (target[key] as Json[]).filter((e) => !drop.has(asText(getAttr(e, 'value'))));
    } else delete target[key];
    return;
  }
  if (op === 'add' && Array.isArray(target[key]) && Array.isArray(value)) {
    const list = target[key] as Json[];
    for (const v of value as Json[])
      if (!list.some((e) => getAttr(e, 'value') === getAttr(v, 'value'))) list.push(v);
    return;
  }
  target[key] = value;
}

/** A filter SCIM clients send to find a resource: `ATTR eq "VALUE"` (and `and` of those). */
export function parseFilter(filter: string): { attr: string; value: string }[] {
  const parts = filter.split(/\s+and\s+/i);
  return parts.map((p) => {
    const m = /^\s*([A-Za-z][\w.:]*?)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(p);
    if (!m)
      throw new ScimError(
        400,
        'invalidFilter',
        `only ATTRIBUTE eq "VALUE" filters are supported: ${filter}`,
      );
    return {
      attr: m[1]!.toLowerCase().replace(`${SCIM.enterprise.toLowerCase()}:`, ''),
      value: m[2]!.replace(/\\(.)/g, '$1'),
    };
  });
}
