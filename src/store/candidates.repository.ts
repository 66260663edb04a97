import type SQLite from 'better-sqlite3';
import { sql, type RawBuilder } from 'kysely';
import { rawSqlite } from './database.js';
import type { Scope } from '../domain/scope.js';
import type { TargetFields } from '../domain/target.compile.js';
import type { Cond } from '../domain/target.lower.js';
import { targetSql } from './target.sql.js';
import { rowToDevice, type StoredDevice } from './devices.repository.js';
import { rowToPerson, type StoredPerson } from './people.repository.js';
import type { Db } from './schema.js';
import { analyzeAfterLoad } from './transaction.js';

/**
 * Which active devices to read for a whole-mandate evaluation (DESIGN §5a): those an active
 * owner in a scope unit holds, and those no active person owns that are not personal — held by
 * a custodian unit in scope, or by nobody (unassigned when the target holds).
 */
export interface CandidateFilter {
  /** The lowered target: the store reads only devices it does not rule out. */
  target: Cond;
  /** Scope units (empty: everywhere); holders outside them are skipped. */
  scopeUnits: string[];
  /** The fields judging reads (the target's, and tags when the scope has tag rules); default all. */
  fields?: TargetFields;
  scopeNeedsTags?: boolean;
  /** Only devices the target cannot decide (`null` in SQL): the rest was judged in the database. */
  undecidedOnly?: boolean;
}

export interface Candidate {
  device: StoredDevice;
  /** The device's owner when active; null when no active person owns it. */
  owner: StoredPerson | null;
}

/**
 * Not a personal device outside official business (`finding.rules.ts` `isPrivate`): such a
 * device is no mandate's. Purposes are a JSON list of known words: a LIKE on the quoted word.
 */
const PRIVATE_SQL = `not (coalesce(d.ownership, '') = 'personal' and d.purposes not like '%"official"%')`;

/** Condition for "unit equals `u` or lies below it", as a byte-wise index range. */
export function unitAtOrBelow(column: string, u: string) {
  const ref = sql.ref(column);
  return sql<boolean>`(${ref} = ${u} or (${ref} >= ${u + '/'} and ${ref} < ${u + '0'}))`;
}

/** Parses JSON list cells once per distinct text: a million rows share a handful of lists. */
function listParser(): (text: string) => string[] {
  const cache = new Map<string, string[]>();
  return (text) => {
    let v = cache.get(text);
    if (v === undefined) {
      v = JSON.parse(text) as string[];
      if (cache.size < 100_000) cache.set(text, v);
    }
    return v;
  };
}

type RawCandidate = [
  string,
  string | null,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
  string,
  string,
  number,
  number,
  string | null,
  string | null,
  string | null,
  string | null,
  number | null,
  number | null,
];

/**
 * SQLite: reads candidates in table order (rowid pages) as raw arrays, with only the columns
 * judging needs; the general path below builds objects through Kysely, page by id.
 */
function* streamCandidatesSqlite(
  db: Db,
  raw: SQLite.Database,
  f: CandidateFilter,
  pageSize = 100_000,
): Generator<Candidate[]> {
  const where: string[] = [`d.status = 'active'`, 'd.rowid > ?'];
  const params: unknown[] = [];
  const within = (column: string): string => {
    if (f.scopeUnits.length === 0) return 'true';
    for (const u of f.scopeUnits) params.push(u, u + '/', u + '0');
    return `(${f.scopeUnits.map(() => `(${column} = ? or (${column} >= ? and ${column} < ?))`).join(' or ')})`;
  };
  const owned = within('p.unit');
  const held = within('d.unit');
  where.push(
    `((p.id is not null and ${owned}) or (p.id is null and coalesce(d.ownership, '') <> 'personal' and (d.unit is null or ${held})))`,
    PRIVATE_SQL,
  );
  const target = candidateCondition(f, 'sqlite').compile(db);
  where.push(target.sql);
  params.push(...target.parameters);
  // Columns judging does not read are selected as null: fewer values to build and collect.
  // Ownership, purposes and the custodian unit are always read: who holds a device, and whether
  // a personal one is used for official business, decide whether it can be caught at all.
  const dev = f.fields?.device ?? 'all';
  const per = f.fields?.person ?? 'all';
  const d = (field: string, column: string): string =>
    dev === 'all' || dev.has(field) ? `d.${column}` : 'null';
  const tags = per === 'all' || per.has('tags') || f.scopeNeedsTags !== false ? 'p.tags' : 'null';
  const title = per === 'all' || per.has('title') ? 'p.title' : 'null';
  const stmt = raw
    .prepare(
      `select d.id, d.owner_id, ${d('class', 'class')}, ${d('platform', 'platform')},
              ${d('osVersion', 'os_version')}, ${d('manufacturer', 'manufacturer')}, ${d('model', 'model')},
              ${d('serial', 'serial')}, ${d('imei', 'imei')}, d.ownership,
              d.purposes, d.status, ${d('apps', 'apps')}, d.created_at, d.changed_at,
              p.id, null, p.unit, ${title}, p.active, p.changed_at, ${tags}, d.unit, d.rowid
         from devices d left join people p on p.id = d.owner_id and p.active = 1
        where ${where.join(' and ')} order by d.rowid limit ${pageSize}`,
    )
    .raw(true);
  const list = listParser();
  let after = 0;
  for (;;) {
    const rows = stmt.all(after, ...params) as (RawCandidate &
      [...RawCandidate, string | null, string | null, number])[];
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      device: {
        id: r[0],
        owner: r[1],
        class: r[2],
        platform: r[3],
        osVersion: r[4],
        manufacturer: r[5],
        model: r[6],
        serial: r[7],
        imei: r[8],
        ownership: r[9],
        purposes: list(r[10] ?? '[]') as StoredDevice['purposes'],
        status: r[11],
        apps: list(r[12] ?? '[]'),
        unit: r[22],
        createdAt: r[13],
        changedAt: r[14],
      },
      owner:
        r[15] === null
          ? null
          : {
              id: r[15],
              name: r[16] ?? '',
              email: null,
              unit: r[17] ?? '',
              title: r[18],
              supervisor: null,
              tags: list(r[21] ?? '[]'),
              active: r[19] === 1,
              createdAt: r[20] ?? 0,
              changedAt: r[20] ?? 0,
            },
    }));
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]![23];
  }
}

/** The target's part of a candidate query: what it may catch or cannot decide, or only the latter. */
function candidateCondition(
  f: CandidateFilter,
  dialect: 'sqlite' | 'postgres',
): RawBuilder<boolean> {
  const expr = targetSql(f.target, dialect).expr;
  return f.undecidedOnly ? sql<boolean>`(${expr}) is null` : sql<boolean>`(${expr}) is not false`;
}

let cursors = 0;

/** Active devices (with their owners) that may be caught, in pages. */
export async function* streamCandidates(
  db: Db,
  f: CandidateFilter,
  pageSize = 20_000,
): AsyncGenerator<Candidate[]> {
  const raw = rawSqlite.get(db);
  if (raw) {
    yield* streamCandidatesSqlite(db, raw, f);
    return;
  }
  const query = (after: string | null) => {
    let q = db
      .selectFrom('devices as d')
      .leftJoin('people as p', (j) => j.onRef('p.id', '=', 'd.owner_id').on('p.active', '=', 1))
      .selectAll('d')
      .select([
        'p.id as p_id',
        'p.name as p_name',
        'p.email as p_email',
        'p.unit as p_unit',
        'p.title as p_title',
        'p.supervisor_id as p_supervisor_id',
        'p.tags as p_tags',
        'p.active as p_active',
        'p.created_at as p_created_at',
        'p.changed_at as p_changed_at',
        'p.last_seen_at as p_last_seen_at',
      ])
      .where('d.status', '=', 'active')
      .orderBy('d.id');
    if (after !== null) q = q.where('d.id', '>', after).limit(pageSize);
    const within = (column: string) =>
      f.scopeUnits.length === 0
        ? sql<boolean>`true`
        : sql<boolean>`(${sql.join(
            f.scopeUnits.map((u) => unitAtOrBelow(column, u)),
            sql` or `,
          )})`;
    q = q.where(
      sql<boolean>`((p.id is not null and ${within('p.unit')}) or (p.id is null and coalesce(d.ownership, '') <> 'personal' and (d.unit is null or ${within('d.unit')})))`,
    );
    q = q.where(sql.raw<boolean>(PRIVATE_SQL));
    return q.where(candidateCondition(f, 'postgres'));
  };
  type Row = Awaited<ReturnType<ReturnType<typeof query>['execute']>>[number];
  const toCandidates = (rows: Row[]): Candidate[] =>
    rows.map((r) => ({
      device: rowToDevice(r),
      owner:
        r.p_id === null
          ? null
          : rowToPerson({
              id: r.p_id,
              name: r.p_name!,
              email: r.p_email,
              unit: r.p_unit!,
              title: r.p_title,
              supervisor_id: r.p_supervisor_id,
              tags: r.p_tags!,
              active: r.p_active!,
              created_at: r.p_created_at!,
              changed_at: r.p_changed_at!,
              last_seen_at: r.p_last_seen_at!,
            }),
    }));
  if (db.isTransaction) {
    // One query, read through a cursor: the join is planned and hashed once, not per page.
    const cursor = sql.id(`candidates_${++cursors}`);
    await sql`declare ${cursor} no scroll cursor for ${query(null)}`.execute(db);
    for (;;) {
      const { rows } = await sql<Row>`fetch ${sql.raw(String(pageSize))} from ${cursor}`.execute(
        db,
      );
      if (rows.length === 0) break;
      yield toCandidates(rows);
    }
    await sql`close ${cursor}`.execute(db);
    return;
  }
  let after = '';
  for (;;) {
    const rows = await query(after).execute();
    if (rows.length === 0) return;
    yield toCandidates(rows);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** What a lowered target's SQL answers for every device with its owner (null: undecided). */
export async function targetAnswers(
  db: Db,
  target: Cond,
): Promise<{ answers: Map<string, boolean | null>; exact: boolean }> {
  const t = targetSql(target, rawSqlite.get(db) ? 'sqlite' : 'postgres');
  const { rows } = await sql<{ id: string; v: boolean | number | null }>`
    select d.id, ${t.expr} as v
      from devices d left join people p on p.id = d.owner_id and p.active = 1`.execute(db);
  return {
    answers: new Map(rows.map((r) => [r.id, r.v === null ? null : r.v === true || r.v === 1])),
    exact: t.exact,
  };
}

/** What a first application writes in the database alone (`insertCaughtFindings`). */
export interface CaughtInDatabase {
  mandateId: string;
  target: Cond;
  scope: Scope;
  /** The earliest opening: the later of the application's start and the mandate's issue day. */
  from: number;
  /** Whether a finding opens no earlier than the device's and its owner's last change. */
  sinceLastChange: boolean;
}

/**
 * A mandate's scope as a condition over `people p`, as `isInScope` reads it (DESIGN §5):
 * active, in a scope unit or below, with a scope tag, not excluded by id or tag. Lists travel
 * as one JSON parameter each.
 */
function scopeSql(scope: Scope, dialect: 'sqlite' | 'postgres'): RawBuilder<boolean> {
  const items = (json: RawBuilder<unknown> | string) => {
    const list = typeof json === 'string' ? sql`${json}` : json;
    return dialect === 'postgres'
      ? sql`select jsonb_array_elements_text(cast(${list} as jsonb))`
      : sql`select value from json_each(${list})`;
  };
  const tags = items(sql.ref('p.tags'));
  const anyTagOf = (set: Set<string>) =>
    sql`exists (${tags} intersect ${items(JSON.stringify([...set]))})`;
  const parts: RawBuilder<unknown>[] = [sql`p.active = 1`];
  if (scope.units.length > 0)
    parts.push(
      sql`(${sql.join(
        scope.units.map((u) => unitAtOrBelow('p.unit', u)),
        sql` or `,
      )})`,
    );
  if (scope.tags.size > 0) parts.push(anyTagOf(scope.tags));
  if (scope.excludePeople.size > 0)
    parts.push(sql`p.id not in (${items(JSON.stringify([...scope.excludePeople]))})`);
  if (scope.excludeTags.size > 0) parts.push(sql`not ${anyTagOf(scope.excludeTags)}`);
  return sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

/**
 * A first application of a target whose SQL decides exactly as the closures: opens in one
 * statement a finding for every active device the target catches — of an in-scope owner, or
 * held by a custodian unit in scope with no person (DESIGN §5a) — and one unassigned interval
 * for every device nobody holds that it matches, in the order the database reads them (sorting
 * by id made SQLite read the table at random); answers how many findings (null, writing
 * nothing, for a target SQL cannot decide exactly). Devices it cannot decide are left to
 * `streamCandidates(…, undecidedOnly)`.
 */
export async function insertCaughtFindings(db: Db, a: CaughtInDatabase): Promise<number | null> {
  const dialect = rawSqlite.get(db) ? 'sqlite' : 'postgres';
  const target = targetSql(a.target, dialect);
  if (!target.exact) return null;
  const later = dialect === 'postgres' ? sql.raw('greatest') : sql.raw('max');
  const since = (...columns: string[]) =>
    a.sinceLastChange
      ? sql`${later}(cast(${a.from} as bigint), ${sql.join(columns.map((c) => sql.ref(c)))})`
      : sql`cast(${a.from} as bigint)`;
  const unitIn = (column: string) =>
    a.scope.units.length === 0
      ? sql<boolean>`true`
      : sql<boolean>`(${sql.join(
          a.scope.units.map((u) => unitAtOrBelow(column, u)),
          sql` or `,
        )})`;
  const owned = await sql`
    insert into findings (mandate_id, device_id, owner_id, unit, opened_at)
    select ${a.mandateId}, d.id, p.id, p.unit, ${since('d.changed_at', 'p.changed_at')}
      from devices d join people p on p.id = d.owner_id
     where d.status = 'active' and ${sql.raw(PRIVATE_SQL)} and ${scopeSql(a.scope, dialect)}
       and (${target.expr}) is true`.execute(db);
  // No active person: every person.* is absent, as the closures judge it.
  const unowned = sql`from devices d left join people p on p.id = d.owner_id and p.active = 1
     where d.status = 'active' and p.id is null and coalesce(d.ownership, '') <> 'personal'`;
  const held = await sql`
    insert into findings (mandate_id, device_id, owner_id, unit, opened_at)
    select ${a.mandateId}, d.id, null, d.unit, ${since('d.changed_at')}
      ${unowned} and d.unit is not null and ${unitIn('d.unit')} and (${target.expr}) is true`.execute(
    db,
  );
  await sql`
    insert into unassigned (mandate_id, device_id, opened_at)
    select ${a.mandateId}, d.id, ${since('d.changed_at')}
      ${unowned} and d.unit is null and (${target.expr}) is true`.execute(db);
  const n = Number(owned.numAffectedRows ?? 0n) + Number(held.numAffectedRows ?? 0n);
  await analyzeAfterLoad(db, 'findings', n);
  return n;
}
