import type { MandateDocument } from './mandate.model.js';
import { isAtOrBelow } from './unit-path.js';

/** The scope section of a mandate, prepared for many checks. */
export interface Scope {
  units: string[];
  tags: Set<string>;
  excludePeople: Set<string>;
  excludeTags: Set<string>;
}

/** The person fields that scope reads. */
export interface ScopedPerson {
  id: string;
  unit: string;
  tags: readonly string[];
  active: boolean;
}

/** Prepares a mandate's scope; tags compare lower-case, as they are stored. */
export function scopeOf(doc: MandateDocument): Scope {
  const lower = (xs: string[]): Set<string> => new Set(xs.map((x) => x.trim().toLowerCase()));
  return {
    units: doc.spec.scope.units.map((u) =>
      u
        .split('/')
        .map((s) => s.trim())
        .join('/'),
    ),
    tags: lower(doc.spec.scope.tags),
    excludePeople: new Set(doc.spec.scope.exclude.people.map((p) => p.trim())),
    excludeTags: lower(doc.spec.scope.exclude.tags),
  };
}

/** DESIGN §5a: a custodian unit is in scope when it equals or lies below a scope unit. */
export function isUnitInScope(unit: string, scope: Scope): boolean {
  return scope.units.length === 0 || scope.units.some((u) => isAtOrBelow(unit, u));
}

/** DESIGN §5: active, in a scope unit (or below), with a scope tag, and not excluded. */
export function isInScope(person: ScopedPerson, scope: Scope): boolean {
  if (!person.active) return false;
  if (scope.units.length > 0 && !scope.units.some((u) => isAtOrBelow(person.unit, u))) return false;
  if (scope.tags.size > 0 && !person.tags.some((t) => scope.tags.has(t))) return false;
  if (scope.excludePeople.has(person.id)) return false;
  if (person.tags.some((t) => scope.excludeTags.has(t))) return false;
  return true;
}
