import { sql, type RawBuilder } from 'kysely';
import { DEVICE_SCHEMA } from '../domain/device.model.js';
import type { Cond, FieldRef, Operand, VersionOperand } from '../domain/target.lower.js';

/**
 * A lowered target as an SQL expression over `devices d` joined to `people p`, in three values:
 * true, false, and null where CEL's evaluation fails (an absent field, a text that is not a
 * version). SQL's AND, OR and NOT on null follow the same rules as CEL's `&&`, `||` and `!` on an
 * evaluation error, so an exact expression answers as the interpreter does; an opaque part reads
 * as null, which can only turn a definite answer into null, so `(expr) is not false` is always a
 * superset of the devices the target catches or cannot decide.
 */
export interface TargetSql {
  expr: RawBuilder<boolean | null>;
  /** Whether the expression decides exactly as the interpreter. */
  exact: boolean;
}

type Dialect = 'sqlite' | 'postgres';

function column(f: FieldRef): RawBuilder<unknown> {
  const name =
    f.of === 'device'
      ? f.name === 'owner'
        ? 'owner_id'
        : DEVICE_SCHEMA[f.name as keyof typeof DEVICE_SCHEMA].column
      : f.name;
  const ref = sql.ref(`${f.of === 'device' ? 'd' : 'p'}.${name}`);
  // An empty scalar is no value: reading it is undecided.
  return f.optional && !f.list ? sql`nullif(${ref}, '')` : ref;
}

function operand(o: Operand): RawBuilder<unknown> {
  return o.k === 'string' ? sql`cast(${o.value} as text)` : column(o.field);
}

function versionOperand(o: VersionOperand): RawBuilder<unknown> {
  return o.k === 'version' ? sql`cast(${o.value.parts.join('.')} as text)` : column(o.field);
}

/** Whether an operand is a literal holding NUL (judged by closures: PostgreSQL text has none). */
const hasNul = (o: Operand): boolean => o.k === 'string' && o.value.includes('\u0000');

const SQL_OP = { '==': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const;

/** A LIKE pattern that finds a JSON-quoted list item; a superset check before the exact one. */
export function jsonItemPattern(value: string): string {
  return `%${JSON.stringify(value).replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

/** Renders a lowered target for the dialect. */
export function targetSql(c: Cond, dialect: Dialect): TargetSql {
  let exact = true;
  const render = (c: Cond): RawBuilder<boolean | null> => {
    switch (c.k) {
      case 'const':
        return c.value ? sql`true` : sql`false`;
      case 'opaque':
        exact = false;
        return sql`null`;
      case 'and':
        return sql`(${render(c.left)} and ${render(c.right)})`;
      case 'or':
        return sql`(${render(c.left)} or ${render(c.right)})`;
      case 'not':
        return sql`(not ${render(c.of)})`;
      case 'has': {
        if (!c.field.optional) return sql`true`;
        return sql`(${column(c.field)} is not null)`;
      }
      case 'cmp': {
        // A literal holding NUL, which PostgreSQL's text cannot carry, is left to the closures.
        if (hasNul(c.left) || hasNul(c.right)) {
          exact = false;
          return sql`null`;
        }
        // Text orders by code point as CEL says: bytewise UTF-8 (SQLite's BINARY, PostgreSQL's
        // "C"), whatever the cluster's locale.
        const ordering = c.op !== '==' && c.op !== '!=';
        const collate = ordering && dialect === 'postgres' ? sql` collate "C"` : sql``;
        return sql`(${operand(c.left)}${collate} ${sql.raw(SQL_OP[c.op])} ${operand(c.right)}${collate})`;
      }
      case 'in': {
        if (c.values.some((v) => v.includes('\u0000'))) {
          exact = false;
          return sql`null`;
        }
        const item = operand(c.item);
        if (c.values.length === 0) return sql`(case when ${item} is null then null else false end)`;
        return sql`(${item} in (${sql.join(c.values)}))`;
      }
      case 'contains': {
        if (hasNul(c.item)) {
          exact = false;
          return sql`null`;
        }
        const list = sql.ref(`${c.list.of === 'device' ? 'd' : 'p'}.${c.list.name}`);
        const item = operand(c.item);
        const member =
          dialect === 'postgres'
            ? sql<boolean>`(cast(${list} as jsonb) @> jsonb_build_array(${item}))`
            : sql<boolean>`exists (select 1 from json_each(${list}) where value = ${item})`;
        // A list that may be absent (the person's, when a unit holds the device) is undecided.
        const found =
          c.item.k === 'string'
            ? sql<boolean>`(${list} like ${jsonItemPattern(c.item.value)} escape '\\' and ${member})`
            : sql<boolean>`(case when ${item} is null then null else ${member} end)`;
        return c.list.optional
          ? sql`(case when ${list} is null then null else ${found} end)`
          : found;
      }
      case 'version':
        return sql`(phaseout_version_cmp(${versionOperand(c.left)}, ${versionOperand(c.right)}) ${sql.raw(SQL_OP[c.op])} 0)`;
    }
  };
  const expr = render(c);
  return { expr, exact };
}
