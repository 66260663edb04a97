import type { CmpOp, Cond, FieldRef, Operand, VersionOperand } from './target.lower.js';
import { compareVersions, parseVersion, type Version } from './target.version.js';
import { compareCodePoints } from './text.order.js';

/** Why a device could not be judged, in the words `undecidedReason` gives the interpreter's error. */
export class Undecided {
  constructor(readonly reason: string) {}
}

export type Decision = boolean | Undecided;
type Row = Readonly<Record<string, unknown>>;
export type Judge = (device: Row, person: Row) => Decision;

/**
 * Compiles a lowered target (every part in the subset) to one JavaScript function of its own,
 * with the interpreter's results and reasons. Its own code, not a tree of shared closures: a
 * server judges many targets, and shared closures see them all at each call site (measured
 * 6–17 M device-checks a second), where a function per target is compiled for its one shape.
 * The source holds only field names from the schema and literals written with JSON.stringify;
 * values are passed in, never spliced.
 */
export function compileJudge(c: Cond): Judge {
  const constants: unknown[] = [];
  const constant = (v: unknown): string => `k[${constants.push(v) - 1}]`;
  let temps = 0;
  const temp = (): string => `t${temps++}`;
  const str = (s: string): string => JSON.stringify(s);
  const holder = (f: FieldRef): string => (f.of === 'device' ? 'd' : 'p');
  const read = (f: FieldRef): string => `${holder(f)}[${str(f.name)}]`;

  /** A value that is never undecided: a literal or a field that always has one. */
  const plain = (o: Operand): string | null =>
    o.k === 'string' ? str(o.value) : o.field.optional ? null : read(o.field);
  /** A value or the reason it is absent. */
  const value = (o: Operand): string =>
    plain(o) ??
    `rd(${read((o as { field: FieldRef }).field)}, ${constant(new Undecided(`${(o as { field: FieldRef }).field.name} is absent`))})`;
  const version = (o: VersionOperand): string =>
    o.k === 'version' ? constant(o.value) : `ver(${value({ k: 'field', field: o.field })})`;
  /** A boolean expression for a part that is never undecided, or null. */
  const total = (c: Cond): string | null => {
    switch (c.k) {
      case 'const':
        return String(c.value);
      case 'and':
      case 'or': {
        const l = total(c.left);
        const r = total(c.right);
        return l && r ? `(${l} ${c.k === 'and' ? '&&' : '||'} ${r})` : null;
      }
      case 'not': {
        const of = total(c.of);
        return of ? `!${of}` : null;
      }
      case 'has':
        return c.field.optional ? `present(${read(c.field)})` : 'true';
      case 'cmp': {
        const l = plain(c.left);
        const r = plain(c.right);
        if (!l || !r) return null;
        return c.op === '==' || c.op === '!=' ? `(${l} ${c.op}= ${r})` : `(${l} ${c.op} ${r})`;
      }
      case 'in': {
        const item = plain(c.item);
        return item ? `${constant(new Set(c.values))}.has(${item})` : null;
      }
      case 'contains': {
        const item = plain(c.item);
        return item && !c.list.optional ? `${read(c.list)}.includes(${item})` : null;
      }
      default:
        return null;
    }
  };
  /** A list, or the reason it is absent (the person's lists, when no person holds the device). */
  const list = (f: FieldRef): string =>
    f.optional ? `rd(${read(f)}, ${constant(new Undecided(`${f.name} is absent`))})` : read(f);

  /** An expression giving true, false or an Undecided. */
  const tri = (c: Cond): string => {
    const t = total(c);
    if (t) return t;
    switch (c.k) {
      case 'and': {
        // As cel-js: false wins; an undecided left waits for the right, whose reason comes first.
        const a = temp();
        return `((${a} = ${tri(c.left)}) === false ? false : and3(${a}, ${tri(c.right)}))`;
      }
      case 'or': {
        const a = temp();
        return `((${a} = ${tri(c.left)}) === true ? true : or3(${a}, ${tri(c.right)}))`;
      }
      case 'not':
        return `not3(${tri(c.of)})`;
      case 'cmp':
        return `cmp${c.op === '==' ? 'Eq' : c.op === '!=' ? 'Ne' : 'Ord'}(${value(c.left)}, ${value(c.right)}${c.op === '==' || c.op === '!=' ? '' : `, ${str(c.op)}`})`;
      case 'in':
        return `inSet(${value(c.item)}, ${constant(new Set(c.values))})`;
      case 'contains':
        return `inList(${value(c.item)}, ${list(c.list)})`;
      case 'version':
        return `verCmp(${version(c.left)}, ${version(c.right)}, ${str(c.op)})`;
      default:
        throw new Error(`no code for a ${c.k} part`);
    }
  };

  const body = tri(c);
  const locals = Array.from({ length: temps }, (_, i) => `t${i}`);
  const source = `"use strict";
const U = Undecided;
const rd = (v, u) => (v === undefined || v === null || v === '' ? u : v);
const present = (v) => v !== undefined && v !== null && v !== '';
const and3 = (a, b) => (a === true || b === false || b instanceof U ? b : a);
const or3 = (a, b) => (a === false || b === true || b instanceof U ? b : a);
const not3 = (a) => (a instanceof U ? a : !a);
const cmpEq = (a, b) => (a instanceof U ? a : b instanceof U ? b : a === b);
const cmpNe = (a, b) => (a instanceof U ? a : b instanceof U ? b : a !== b);
const cmpOrd = (a, b, op) => (a instanceof U ? a : b instanceof U ? b : order(op, typeof a === 'string' && typeof b === 'string' ? textOrder(a, b) : a < b ? -1 : a > b ? 1 : 0));
const inSet = (v, s) => (v instanceof U ? v : s.has(v));
const inList = (v, l) => (v instanceof U ? v : l instanceof U ? l : l.includes(v));
const parsed = new Map();
const ver = (v) => {
  if (v instanceof U) return v;
  let x = parsed.get(v);
  if (x === undefined) {
    try { x = parseVersion(v); } catch (e) { x = new U(e.message); }
    if (parsed.size >= 10000) parsed.clear();
    parsed.set(v, x);
  }
  return x;
};
const verCmp = (a, b, op) => (a instanceof U ? a : b instanceof U ? b : order(op, compareVersions(a, b)));
return function judge(d, p) {${locals.length > 0 ? ` let ${locals.join(', ')};` : ''} return ${body}; };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see above: the source holds no input
  const make = new Function(
    'k',
    'Undecided',
    'parseVersion',
    'compareVersions',
    'order',
    'textOrder',
    source,
  ) as (
    k: unknown[],
    u: typeof Undecided,
    parse: (text: string) => Version,
    compare: (a: Version, b: Version) => number,
    order: (op: CmpOp, n: number) => boolean,
    textOrder: (a: string, b: string) => number,
  ) => Judge;
  return make(constants, Undecided, parseVersion, compareVersions, orderOf, compareCodePoints);
}

function orderOf(op: CmpOp, n: number): boolean {
  switch (op) {
    case '==':
      return n === 0;
    case '!=':
      return n !== 0;
    case '<':
      return n < 0;
    case '<=':
      return n <= 0;
    case '>':
      return n > 0;
    case '>=':
      return n >= 0;
  }
}
