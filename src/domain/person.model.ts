/** A person as the engine sees it; `unit` is the unit's path. */
export interface Person {
  id: string;
  name: string;
  email: string | null;
  unit: string;
  title: string | null;
  supervisor: string | null;
  tags: string[];
  active: boolean;
}

/** A person with nothing known but an id: what a full replacement starts from. */
export function blankPerson(id: string): Person {
  return {
    id,
    name: '',
    email: null,
    unit: '',
    title: null,
    supervisor: null,
    tags: [],
    active: true,
  };
}

/** The stored fields of a person, in a fixed order, for change detection. */
export const PERSON_FIELDS = [
  'name',
  'email',
  'unit',
  'title',
  'supervisor',
  'tags',
  'active',
] as const satisfies readonly (keyof Person)[];
