import { Environment, type ASTNode } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import {
  DEVICE_CEL_SCHEMA,
  DEVICE_ENUMS,
  OPTIONAL_DEVICE_FIELDS,
  type Device,
} from './device.model.js';
import type { Person } from './person.model.js';
import {
  compileClosure,
  lowerTarget,
  Undecided,
  type Cond,
  type Decision,
} from './target.lower.js';
import { compareVersions, parseVersion, Version } from './target.version.js';
import { compareCodePoints } from './text.order.js';

export { compareVersions, parseVersion, Version };
export { Undecided, type Cond, type Decision };

/**
 * The CEL view of a device (DESIGN §5): a scalar field with no value (or an empty one) is
 * absent, so reading it is an evaluation error that leaves the device unknown unless
 * `has(device.osVersion)` guards it; lists are always there (empty means none).
 */
export interface TargetDevice {
  id: string;
  owner?: string;
  class: string;
  platform: string;
  osVersion?: string;
  manufacturer?: string;
  model?: string;
  serial?: string;
  imei?: string;
  ownership?: string;
  purposes: string[];
  status: string;
  apps: string[];
  unit?: string;
}

/**
 * The CEL view of a person; empty when no person holds the device (a unit does, DESIGN §5a):
 * every `person.*` is then absent.
 */
export interface TargetPerson {
  id?: string;
  unit?: string;
  title?: string;
  tags?: string[];
}

/** The fields a target reads, so that a scan can leave the others out; `all` when it reads a whole object. */
export interface TargetFields {
  device: Set<string> | 'all';
  person: Set<string> | 'all';
}

/** A compiled target: evaluate per device. */
export interface CompiledTarget {
  source: string;
  /** The CEL interpreter on CEL views; throws when evaluation fails at run time (the reference). */
  matches(device: TargetDevice, person: TargetPerson): boolean;
  /**
   * Decides for a stored device and person (null: no person holds it, every `person.*` absent):
   * compiled closures when the target is in the common subset, else the interpreter; undecided
   * carries the reason `undecidedReason` gives.
   */
  decide(device: Device, person: Person | null): Decision;
  /** The target lowered for the store to select candidates (a superset when not exact). */
  cond: Cond;
  /** Whether closures (not the interpreter) judge, and SQL decides exactly. */
  exact: boolean;
  fields: TargetFields;
}

export type CompileResult = { ok: true; target: CompiledTarget } | { ok: false; errors: string[] };

const env = new Environment()
  .registerVariable({
    name: 'device',
    schema: DEVICE_CEL_SCHEMA,
  })
  .registerVariable({
    name: 'person',
    schema: { id: 'string', unit: 'string', title: 'string', tags: 'list<string>' },
  })
  .registerType('Version', Version)
  .registerFunction('version(string): Version', parseVersion)
  // Strings order by code point (CEL), not by UTF-16 unit as JavaScript's `<`: see `codePointOrder`.
  .registerFunction('codePointCompare(string, string): int', (a: string, b: string) =>
    BigInt(Math.sign(compareCodePoints(a, b))),
  )
  // `matches` runs in linear time: targets call this in its place (see `linearMatches`).
  .registerFunction('string.re2Matches(string): bool', (s: string, pattern: string) =>
    re2(pattern).test(s),
  )
  .registerOperator('Version < Version', (a: Version, b: Version) => compareVersions(a, b) < 0)
  .registerOperator('Version <= Version', (a: Version, b: Version) => compareVersions(a, b) <= 0)
  .registerOperator('Version > Version', (a: Version, b: Version) => compareVersions(a, b) > 0)
  .registerOperator('Version >= Version', (a: Version, b: Version) => compareVersions(a, b) >= 0)
  // `!=` follows from `==`.
  .registerOperator('Version == Version', (a: Version, b: Version) => compareVersions(a, b) === 0);

/** Compiles and type-checks a target once per mandate version. */
export function compileTarget(source: string): CompileResult {
  let parsed: ReturnType<typeof env.parse>;
  try {
    parsed = env.parse(source);
  } catch (err) {
    return { ok: false, errors: [describe(err)] };
  }
  const checked = parsed.check();
  if (!checked.valid) return { ok: false, errors: [describe(checked.error)] };
  if (checked.type !== 'bool') {
    return { ok: false, errors: [`target must be a boolean expression, not ${checked.type}`] };
  }
  const enumErrors = findEnumMistakes(parsed.ast);
  if (enumErrors.length > 0) return { ok: false, errors: enumErrors };
  const linear = linearMatches(source, parsed.ast);
  if (!linear.ok) return { ok: false, errors: linear.errors };
  const linearAst = linear.source === source ? parsed.ast : env.parse(linear.source).ast;
  const ordered = codePointOrder(linear.source, linearAst);
  const evaluate = ordered === source ? parsed : env.parse(ordered);
  const cond = lowerTarget(parsed.ast);
  const closure = compileClosure(cond);
  const matches = (device: TargetDevice, person: TargetPerson): boolean =>
    evaluate({ device, person }) === true;
  const decide =
    closure !== null
      ? (device: Device, person: Person | null): Decision =>
          closure(
            device as unknown as Record<string, unknown>,
            (person ?? NO_PERSON) as unknown as Record<string, unknown>,
          )
      : (device: Device, person: Person | null): Decision => {
          try {
            return matches(toTargetDevice(device), toTargetPerson(person));
          } catch (err) {
            return new Undecided(undecidedReason(err));
          }
        };
  return {
    ok: true,
    target: {
      source,
      cond,
      exact: closure !== null,
      fields: fieldsRead(parsed.ast),
      matches,
      decide,
    },
  };
}

const RE2_CACHE = new Map<string, RE2JS>();

/** A pattern compiled once with RE2's semantics: matching is linear in the text. */
function re2(pattern: string): RE2JS {
  let compiled = RE2_CACHE.get(pattern);
  if (!compiled) {
    compiled = RE2JS.compile(pattern);
    if (RE2_CACHE.size >= 1000) RE2_CACHE.clear();
    RE2_CACHE.set(pattern, compiled);
  }
  return compiled;
}

/**
 * CEL's `matches` would run JavaScript's backtracking engine, which a 30-character pattern can
 * hold for minutes. Every call's pattern must be a string literal that RE2 accepts (no
 * backreferences or lookaround), and the call is rewritten to `re2Matches`, which matches with
 * RE2's linear-time engine (re2js), with the same find-anywhere meaning.
 */
function linearMatches(
  source: string,
  root: ASTNode,
): { ok: true; source: string } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const names: { from: number; to: number }[] = [];
  const visit = (node: ASTNode): void => {
    if (node.op === 'rcall' && node.args[0] === 'matches') {
      const receiver = node.args[1];
      const [pattern] = node.args[2];
      if (pattern?.op !== 'value' || typeof pattern.args !== 'string') {
        errors.push('the pattern of matches() must be a string literal');
      } else {
        try {
          re2(pattern.args);
          const between = source.slice(receiver.end, pattern.start);
          const at = between.lastIndexOf('matches');
          names.push({ from: receiver.end + at, to: receiver.end + at + 'matches'.length });
        } catch (e) {
          errors.push(
            `matches("${pattern.args}"): ${(e as Error).message} (patterns follow RE2: no backreferences or lookaround)`,
          );
        }
      }
    }
    for (const child of childrenOf(node)) visit(child);
  };
  visit(root);
  if (errors.length > 0) return { ok: false, errors };
  let out = source;
  for (const n of names.sort((a, b) => b.from - a.from))
    out = `${out.slice(0, n.from)}re2Matches${out.slice(n.to)}`;
  return { ok: true, source: out };
}

const STRING_FIELDS = {
  device: new Set(Object.keys(DEVICE_CEL_SCHEMA).filter((f) => DEVICE_CEL_SCHEMA[f] === 'string')),
  person: new Set(['id', 'unit', 'title']),
};

/** Whether a node is certainly a string: a literal, or a field declared a string. */
function isText(node: ASTNode): boolean {
  if (node.op === 'value') return typeof node.args === 'string';
  if (node.op !== '.' || node.args[0].op !== 'id') return false;
  const of = node.args[0].args;
  return (of === 'device' || of === 'person') && STRING_FIELDS[of].has(node.args[1]);
}

const ORDERINGS = new Set<string>(['<', '<=', '>', '>=']);
const MIRRORED: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * cel-js orders strings with JavaScript's `<`, by UTF-16 unit: `"😀" > "ｚ"` is false there and
 * true in CEL, which orders by code point. An ordering of strings (either side a string literal or
 * a string field) is rewritten to `codePointCompare(b, a) > 0` (`text.order.ts`), as the closures
 * and SQL order them.
 */
function codePointOrder(source: string, root: ASTNode): string {
  const write = (node: ASTNode): string => {
    const [left, right] = ORDERINGS.has(node.op) ? (node.args as [ASTNode, ASTNode]) : [];
    // Right first, the order mirrored: of two failing arguments cel-js names the last, and the
    // operator names its left (the reason a device is undecided stays the same).
    if (left && right && (isText(left) || isText(right)))
      return `(codePointCompare(${write(right)}, ${write(left)}) ${MIRRORED[node.op]} 0)`;
    let text = source.slice(node.start, node.end);
    for (const child of childrenOf(node).sort((a, b) => b.start - a.start)) {
      const rewritten = write(child);
      const from = child.start - node.start;
      const to = child.end - node.start;
      if (rewritten !== text.slice(from, to))
        text = `${text.slice(0, from)}${rewritten}${text.slice(to)}`;
    }
    return text;
  };
  const out = write(root);
  return source.slice(0, root.start) + out + source.slice(root.end);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message.replace(/\s+at .*$/s, '').trim() : String(err);
}

/** The enumerated device field a node reads (`device.platform`), if any. */
function enumFieldOf(node: ASTNode): string | null {
  if (node.op !== '.') return null;
  const [object, field] = node.args;
  return object.op === 'id' && object.args === 'device' && field in DEVICE_ENUMS ? field : null;
}

function literalStrings(node: ASTNode): string[] | null {
  if (node.op === 'value') return typeof node.args === 'string' ? [node.args] : null;
  if (node.op === 'list') {
    const values = node.args.map((n) =>
      n.op === 'value' && typeof n.args === 'string' ? n.args : null,
    );
    return values.every((v) => v !== null) ? values : null;
  }
  return null;
}

function enumMistake(field: string, value: string): string | null {
  const allowed = DEVICE_ENUMS[field] ?? [];
  if (allowed.includes(value)) return null;
  const near = allowed.find((a) => a === value.toLowerCase().replace(/[\s-]/g, '_'));
  const hint = near ? ` (did you mean "${near}"?)` : '';
  return `"${value}" is not a value of device.${field}${hint}; allowed: ${allowed.join(', ')}`;
}

function findEnumMistakes(root: ASTNode): string[] {
  const errors: string[] = [];
  const visit = (node: ASTNode): void => {
    if (node.op === '==' || node.op === '!=' || node.op === 'in') {
      const [a, b] = node.args;
      for (const [fieldNode, valueNode] of [
        [a, b],
        [b, a],
      ] as const) {
        const field = enumFieldOf(fieldNode);
        const values = field ? literalStrings(valueNode) : null;
        for (const v of values ?? []) {
          const mistake = enumMistake(field!, v);
          if (mistake) errors.push(mistake);
        }
      }
    }
    for (const child of childrenOf(node)) visit(child);
  };
  visit(root);
  return errors;
}

function childrenOf(node: ASTNode): ASTNode[] {
  const args: unknown = node.args;
  const out: ASTNode[] = [];
  const collect = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(collect);
    else if (x !== null && typeof x === 'object' && 'op' in x) out.push(x as ASTNode);
  };
  collect(args);
  return out;
}

function fieldsRead(root: ASTNode): TargetFields {
  const out: TargetFields = { device: new Set(), person: new Set() };
  const visit = (node: ASTNode): void => {
    if (node.op === '.' && node.args[0].op === 'id') {
      const name = node.args[0].args;
      const set = name === 'device' ? out.device : name === 'person' ? out.person : null;
      if (set && set !== 'all') set.add(node.args[1]);
      return;
    }
    if (node.op === 'id' && (node.args === 'device' || node.args === 'person')) {
      out[node.args] = 'all';
      return;
    }
    for (const child of childrenOf(node)) visit(child);
  };
  visit(root);
  return out;
}

/** The CEL view of a stored device: fields with no value (or an empty one) are left out. */
export function toTargetDevice(d: Device): TargetDevice {
  const t: TargetDevice = {
    id: d.id,
    class: d.class,
    platform: d.platform,
    purposes: d.purposes,
    status: d.status,
    apps: d.apps,
  };
  for (const f of OPTIONAL_DEVICE_FIELDS) {
    const v = d[f];
    if (v !== null && v !== '') t[f] = v;
  }
  return t;
}

const NO_PERSON: Readonly<Record<string, unknown>> = Object.freeze({});

/** The CEL view of a stored person; none when a unit holds the device. */
export function toTargetPerson(p: Person | null): TargetPerson {
  if (p === null) return {};
  return {
    id: p.id,
    unit: p.unit,
    ...(p.title !== null && p.title !== '' ? { title: p.title } : {}),
    tags: p.tags,
  };
}

/** Why a target could not be decided, in the words a reader needs: `osVersion is absent`. */
export function undecidedReason(err: unknown): string {
  const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
  const key = /^No such key: (\w+)/.exec(message);
  return key ? `${key[1]} is absent` : message;
}
