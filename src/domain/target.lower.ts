import type { ASTNode } from '@marcbachmann/cel-js';
import { DEVICE_SCHEMA } from './device.model.js';
import { compareVersions, parseVersion, type Version } from './target.version.js';

/**
 * The common subset of CEL targets as a small tree that both the store (SQL) and JavaScript
 * closures evaluate. Its logic is three-valued: true, false, or undecided (CEL's evaluation
 * error, which leaves a device unknown), with CEL's rules: `false && x` is false and
 * `true || x` is true whatever x is, otherwise an undecided side makes the whole undecided.
 * A part outside the subset is `opaque`: SQL reads it as undecided (so a candidate filter stays
 * a superset), and a target holding one is judged by the CEL interpreter instead of closures.
 */
export type Cond =
  | { k: 'const'; value: boolean }
  | { k: 'and' | 'or'; left: Cond; right: Cond }
  | { k: 'not'; of: Cond }
  | { k: 'has'; field: FieldRef }
  | { k: 'cmp'; op: CmpOp; left: Operand; right: Operand }
  | { k: 'in'; item: Operand; values: string[] }
  | { k: 'contains'; list: FieldRef; item: Operand }
  | { k: 'version'; op: CmpOp; left: VersionOperand; right: VersionOperand }
  | { k: 'opaque' };

export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A field of the device or of its owner, as a target names it. */
export interface FieldRef {
  of: 'device' | 'person';
  name: string;
  /** A field that may have no value (an empty one is none): reading it then is undecided. */
  optional: boolean;
  list: boolean;
}

export type Operand = { k: 'field'; field: FieldRef } | { k: 'string'; value: string };
export type VersionOperand = { k: 'field'; field: FieldRef } | { k: 'version'; value: Version };

const PERSON_FIELDS: Record<string, { optional: boolean; list: boolean }> = {
  id: { optional: false, list: false },
  unit: { optional: false, list: false },
  title: { optional: true, list: false },
  tags: { optional: false, list: true },
};

function fieldOf(node: ASTNode): FieldRef | null {
  if (node.op !== '.' || node.args[0].op !== 'id') return null;
  const of = node.args[0].args;
  const name = node.args[1];
  if (of === 'device' && Object.hasOwn(DEVICE_SCHEMA, name)) {
    const spec = DEVICE_SCHEMA[name as keyof typeof DEVICE_SCHEMA];
    return { of, name, optional: spec.optional, list: spec.kind === 'list' };
  }
  if (of === 'person' && Object.hasOwn(PERSON_FIELDS, name))
    return { of, name, ...PERSON_FIELDS[name]! };
  return null;
}

function operandOf(node: ASTNode): Operand | null {
  if (node.op === 'value')
    return typeof node.args === 'string' ? { k: 'string', value: node.args } : null;
  const field = fieldOf(node);
  return field && !field.list ? { k: 'field', field } : null;
}

function versionOperandOf(node: ASTNode): VersionOperand | null {
  if (node.op !== 'call' || node.args[0] !== 'version' || node.args[1].length !== 1) return null;
  const arg = node.args[1][0]!;
  if (arg.op === 'value' && typeof arg.args === 'string') {
    try {
      return { k: 'version', value: parseVersion(arg.args) };
    } catch {
      return null;
    }
  }
  const field = fieldOf(arg);
  return field && !field.list ? { k: 'field', field } : null;
}

const CMP_OPS = new Set<string>(['==', '!=', '<', '<=', '>', '>=']);

/** Lowers a type-checked boolean target; parts outside the subset become `opaque`. */
export function lowerTarget(node: ASTNode): Cond {
  switch (node.op) {
    case 'value':
      return typeof node.args === 'boolean' ? { k: 'const', value: node.args } : { k: 'opaque' };
    case '&&':
    case '||':
      return {
        k: node.op === '&&' ? 'and' : 'or',
        left: lowerTarget(node.args[0]),
        right: lowerTarget(node.args[1]),
      };
    case '!_':
      return { k: 'not', of: lowerTarget(node.args) };
    case 'call': {
      if (node.args[0] !== 'has' || node.args[1].length !== 1) return { k: 'opaque' };
      const field = fieldOf(node.args[1][0]!);
      return field ? { k: 'has', field } : { k: 'opaque' };
    }
    case 'in': {
      const [a, b] = node.args;
      const item = operandOf(a);
      if (!item) return { k: 'opaque' };
      if (b.op === 'list') {
        const values = b.args.map((n) =>
          n.op === 'value' && typeof n.args === 'string' ? n.args : null,
        );
        return values.every((v) => v !== null) ? { k: 'in', item, values } : { k: 'opaque' };
      }
      const list = fieldOf(b);
      return list?.list ? { k: 'contains', list, item } : { k: 'opaque' };
    }
    default: {
      if (!CMP_OPS.has(node.op)) return { k: 'opaque' };
      const op = node.op as CmpOp;
      const [a, b] = node.args as [ASTNode, ASTNode];
      const left = operandOf(a);
      const right = operandOf(b);
      if (left && right) return { k: 'cmp', op, left, right };
      const vl = versionOperandOf(a);
      const vr = versionOperandOf(b);
      if (vl && vr) return { k: 'version', op, left: vl, right: vr };
      return { k: 'opaque' };
    }
  }
}

/** Whether every part of a lowered target is in the subset. */
export function isExact(c: Cond): boolean {
  switch (c.k) {
    case 'opaque':
      return false;
    case 'and':
    case 'or':
      return isExact(c.left) && isExact(c.right);
    case 'not':
      return isExact(c.of);
    default:
      return true;
  }
}

/** Why a device could not be judged, in the words `undecidedReason` gives the interpreter's error. */
export class Undecided {
  constructor(readonly reason: string) {}
}

/** A field read as the interpreter reads it: an absent or empty scalar is undecided. */
type Record_ = Readonly<Record<string, unknown>>;
export type Decision = boolean | Undecided;
type Closure = (device: Record_, person: Record_) => Decision;
type ValueOf<T> = (device: Record_, person: Record_) => T | Undecided;

function readField(f: FieldRef): ValueOf<string> {
  const absent = new Undecided(`${f.name} is absent`);
  const name = f.name;
  const pick = f.of === 'device' ? (d: Record_) => d[name] : (_d: Record_, p: Record_) => p[name];
  if (!f.optional) return (d, p) => pick(d, p) as string;
  return (d, p) => {
    const v = pick(d, p);
    return v === undefined || v === null || v === '' ? absent : (v as string);
  };
}

function operandClosure(o: Operand): ValueOf<string> {
  if (o.k === 'string') {
    const v = o.value;
    return () => v;
  }
  return readField(o.field);
}

function versionClosure(o: VersionOperand): ValueOf<Version> {
  if (o.k === 'version') {
    const v = o.value;
    return () => v;
  }
  const read = readField(o.field);
  return (d, p) => {
    const text = read(d, p);
    if (text instanceof Undecided) return text;
    try {
      return parseVersion(text);
    } catch (e) {
      return new Undecided((e as Error).message);
    }
  };
}

function compare(op: CmpOp, order: number): boolean {
  switch (op) {
    case '==':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/**
 * Compiles an exact lowered target to a JavaScript closure over stored (or CEL-view) records,
 * with the interpreter's results and reasons; `null` when it holds an opaque part.
 */
export function compileClosure(c: Cond): Closure | null {
  return isExact(c) ? closureOf(c) : null;
}

function closureOf(c: Cond): Closure {
  switch (c.k) {
    case 'const': {
      const v = c.value;
      return () => v;
    }
    case 'and': {
      const l = closureOf(c.left);
      const r = closureOf(c.right);
      // As cel-js: an undecided left waits for the right: false wins, else the right's reason, else the left's.
      return (d, p) => {
        const a = l(d, p);
        if (a === false) return false;
        const b = r(d, p);
        if (a === true || b === false || b instanceof Undecided) return b;
        return a;
      };
    }
    case 'or': {
      const l = closureOf(c.left);
      const r = closureOf(c.right);
      return (d, p) => {
        const a = l(d, p);
        if (a === true) return true;
        const b = r(d, p);
        if (a === false || b === true || b instanceof Undecided) return b;
        return a;
      };
    }
    case 'not': {
      const of = closureOf(c.of);
      return (d, p) => {
        const v = of(d, p);
        return v instanceof Undecided ? v : !v;
      };
    }
    case 'has': {
      const name = c.field.name;
      const optional = c.field.optional;
      const pick = c.field.of === 'device' ? (d: Record_) => d : (_d: Record_, p: Record_) => p;
      if (!optional) return () => true;
      return (d, p) => {
        const v = pick(d, p)[name];
        return v !== undefined && v !== null && v !== '';
      };
    }
    case 'cmp': {
      const l = operandClosure(c.left);
      const r = operandClosure(c.right);
      const op = c.op;
      if (op === '==' || op === '!=') {
        const eq = op === '==';
        return (d, p) => {
          const a = l(d, p);
          if (a instanceof Undecided) return a;
          const b = r(d, p);
          if (b instanceof Undecided) return b;
          return (a === b) === eq;
        };
      }
      return (d, p) => {
        const a = l(d, p);
        if (a instanceof Undecided) return a;
        const b = r(d, p);
        if (b instanceof Undecided) return b;
        return compare(op, a < b ? -1 : a > b ? 1 : 0);
      };
    }
    case 'in': {
      const item = operandClosure(c.item);
      const values = new Set(c.values);
      return (d, p) => {
        const v = item(d, p);
        return v instanceof Undecided ? v : values.has(v);
      };
    }
    case 'contains': {
      const item = operandClosure(c.item);
      const name = c.list.name;
      const pick = c.list.of === 'device' ? (d: Record_) => d : (_d: Record_, p: Record_) => p;
      return (d, p) => {
        const v = item(d, p);
        if (v instanceof Undecided) return v;
        return (pick(d, p)[name] as readonly string[]).includes(v);
      };
    }
    case 'version': {
      const l = versionClosure(c.left);
      const r = versionClosure(c.right);
      const op = c.op;
      return (d, p) => {
        const a = l(d, p);
        if (a instanceof Undecided) return a;
        const b = r(d, p);
        if (b instanceof Undecided) return b;
        return compare(op, compareVersions(a, b));
      };
    }
    case 'opaque':
      throw new Error('an opaque target part has no closure');
  }
}
