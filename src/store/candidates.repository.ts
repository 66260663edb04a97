import { sql } from 'kysely';
import type { Prefilter } from '../domain/target.compile.js';
import { rowToDevice, type StoredDevice } from './devices.repository.js';
import { rowToPerson, type StoredPerson } from './people.repository.js';
import type { Db } from './schema.js';

const COLUMN: Record<string, string> = {
  osVersion: 'os_version',
  owner: 'owner_id',
};

/** Which active devices to read for a whole-mandate evaluation. */
export interface CandidateFilter {
  prefilters: Prefilter[];
  /** Scope units (empty: everywhere); owners outside them are skipped. */
  scopeUnits: string[];
  /** true: owned devices whose owner is active; false: devices with no owner. */
  owned: boolean;
}

export interface Candidate {
  device: StoredDevice;
  owner: StoredPerson | null;
}

/** A LIKE pattern that finds a JSON-quoted list item; a superset check, CEL decides. */
export function jsonItemPattern(value: string): string {
  return `%${JSON.stringify(value).replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

/** Condition for "unit equals `u` or lies below it", as a byte-wise index range. */
export function unitAtOrBelow(column: string, u: string) {
  const ref = sql.ref(column);
  return sql<boolean>`(${ref} = ${u} or (${ref} >= ${u + '/'} and ${ref} < ${u + '0'}))`;
}

/** Active devices (with their owners) that may be caught, in pages by id. */
export async function* streamCandidates(
  db: Db,
  f: CandidateFilter,
  pageSize = 20_000,
): AsyncGenerator<Candidate[]> {
  let after = '';
  for (;;) {
    let q = db
      .selectFrom('devices as d')
      .leftJoin('people as p', 'p.id', 'd.owner_id')
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
      .where('d.id', '>', after)
      .orderBy('d.id')
      .limit(pageSize);
    if (f.owned) {
      q = q.where('d.owner_id', 'is not', null).where('p.active', '=', 1);
      if (f.scopeUnits.length > 0)
        q = q.where((eb) => eb.or(f.scopeUnits.map((u) => unitAtOrBelow('p.unit', u))));
    } else {
      q = q.where('d.owner_id', 'is', null);
    }
    for (const p of f.prefilters) {
      const col = `d.${COLUMN[p.field] ?? p.field}`;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      if (p.op === 'in') q = q.where(col as any, 'in', p.values);
      else q = q.where(sql<boolean>`${sql.ref(col)} like ${jsonItemPattern(p.value)} escape '\\'`);
    }
    const rows = await q.execute();
    if (rows.length === 0) return;
    yield rows.map((r) => ({
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
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
