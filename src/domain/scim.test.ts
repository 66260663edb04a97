import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch, parseFilter, parsePath, readUser, SCIM, userResource } from './scim.js';

const person = {
  id: 'P1',
  name: 'Anna Orlova',
  email: 'anna@gov.example',
  unit: 'Admin/Policy',
  title: null,
  supervisor: null,
  tags: [],
  active: true,
};
const resource = () =>
  userResource(
    person,
    { userName: 'anna@gov.example', externalId: null },
    { created: '', lastModified: '', location: '' },
    [],
  );

describe('SCIM', () => {
  it('reads the paths Entra ID and Okta send', () => {
    expect(parsePath('active').part).toMatchObject({ attr: 'active', filter: null, sub: null });
    expect(parsePath('emails[type eq "work"].value').part).toEqual({
      attr: 'emails',
      filter: { attr: 'type', value: 'work' },
      sub: 'value',
    });
    expect(parsePath(`${SCIM.enterprise}:manager`)).toMatchObject({
      urn: SCIM.enterprise,
      part: { attr: 'manager' },
    });
    expect(parsePath(`${SCIM.user}:name.givenName`)).toMatchObject({
      urn: null,
      part: { attr: 'name', sub: 'givenName' },
    });
    expect(() => parsePath('emails[type co "w"]')).toThrow('cannot read the path');
  });

  it('applies Entra-style operations and reads the person back', () => {
    const patched = applyPatch(resource(), [
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'new@gov.example' },
      { op: 'Replace', path: `${SCIM.enterprise}:manager`, value: 'P9' },
      { op: 'Replace', path: `${SCIM.enterprise}:department`, value: 'Admin/Press' },
      { op: 'Add', path: 'title', value: 'Adviser' },
    ]);
    expect(readUser(patched)).toMatchObject({
      active: false,
      email: 'new@gov.example',
      supervisor: 'P9',
      unit: 'Admin/Press',
      title: 'Adviser',
      employeeNumber: 'P1',
    });
    const removed = applyPatch(patched, [{ op: 'Remove', path: `${SCIM.enterprise}:manager` }]);
    expect(readUser(removed).supervisor).toBeUndefined();
  });

  it('an Okta operation without a path sets each attribute of its value', () => {
    expect(
      readUser(
        applyPatch(resource(), [{ op: 'replace', value: { active: false, displayName: 'A. O.' } }]),
      ),
    ).toMatchObject({
      active: false,
      name: 'A. O.',
    });
  });

  it('a replace of any simple attribute reads back as written', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('title', 'displayName', 'userName'),
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        (attr, value) => {
          const r = applyPatch(resource(), [{ op: 'Replace', path: attr, value }]);
          return r[attr] === value;
        },
      ),
    );
  });

  it('reads eq filters and refuses the others', () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual([{ attr: 'username', value: 'bjensen' }]);
    expect(parseFilter('externalId eq "a\\"b" and userName eq "x"')).toEqual([
      { attr: 'externalid', value: 'a"b' },
      { attr: 'username', value: 'x' },
    ]);
    expect(() => parseFilter('userName sw "b"')).toThrow('only ATTRIBUTE eq');
  });
});
