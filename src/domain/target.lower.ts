import type { ASTNode } from '@marcbachmann/cel-js';
import { DEVICE_SCHEMA } from './device.model.js';
import { parseVersion, type Version } from './target.version.js';
import { compileJudge, type Judge } from './target.codegen.js';

export { Undecided, type Decision } from './target.codegen.js';

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

/**
 * The person's fields. Each may be absent: a device a unit holds has no person (DESIGN §5a), and
 * then every `person.*` reads as absent (`has(person.id)` is false, reading one is undecided).
 */
const PERSON_FIELDS: Record<string, { optional: boolean; list: boolean }> = {
  id: { optional: true, list: false },
  unit: { optional: true, list: false },
  title: { optional: true, list: false },
  tags: { optional: true, list: true },
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

/**
 * Whether a lowered target can leave some device undecided (DESIGN §5): it reads a scalar field
 * that may have no value, a version, or a part outside the subset. A device's lists are never
 * absent (the person's are when no person holds the device), and `has` decides either way.
 */
export function mayBeUndecided(c: Cond): boolean {
  const absent = (o: Operand): boolean => o.k === 'field' && o.field.optional && !o.field.list;
  switch (c.k) {
    case 'const':
    case 'has':
      return false;
    case 'and':
    case 'or':
      return mayBeUndecided(c.left) || mayBeUndecided(c.right);
    case 'not':
      return mayBeUndecided(c.of);
    case 'cmp':
      return absent(c.left) || absent(c.right);
    case 'in':
      return absent(c.item);
    case 'contains':
      return absent(c.item) || c.list.optional;
    case 'version':
    case 'opaque':
      return true;
  }
}

/**
 * Compiles an exact lowered target to a JavaScript function over stored (or CEL-view) records,
 * with the interpreter's results and reasons; `null` when it holds an opaque part.
 */
export function compileClosure(c: Cond): Judge | null {
  return isExact(c) ? compileJudge(c) : null;
}
