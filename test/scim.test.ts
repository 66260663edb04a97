import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp, type App } from '../src/app.js';
import { buildServer } from '../src/http/server.js';
import { getPeopleByIds } from '../src/store/people.repository.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  scope: { units: [Admin] }
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;

type Json = Record<string, unknown>;

describeEachDatabase('SCIM 2.0 directory sync (Entra ID and Okta shapes)', (kind) => {
  let app: App;
  let server: FastifyInstance;
  let base: string;
  let token: string;
  let cli: ReturnType<typeof makeCli>;
  const clock = fixedClock(Date.parse('2023-03-10T09:00:00Z'));
  const scim = async (method: string, path: string, body?: unknown, auth = token) => {
    const r = await fetch(`${base}/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${auth}`,
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return {
      status: r.status,
      type: r.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : null) as Json,
    };
  };
  const person = async (id: string) => (await getPeopleByIds(app.store.db, [id])).get(id);

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    cli = makeCli(url, '2023-03-01T12:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(
        peopleCsv([
          buildPerson({
            id: 'P1',
            name: 'Anna Orlova',
            email: 'anna@gov.example',
            unit: 'Admin/Policy',
          }),
          buildPerson({
            id: 'P2',
            name: 'Boris Petrov',
            email: 'boris@gov.example',
            unit: 'Admin/Policy',
          }),
        ]),
      ),
      '--observed-at',
      '2023-03-01',
    );
    await cli.run(
      'import',
      'devices',
      cli.file(devicesCsv([buildDevice({ id: 'd2', owner: 'P2' })])),
      '--observed-at',
      '2023-03-01',
    );
    await cli.run('apply', '-f', cli.file(MANDATE));
    app = await createApp({ dbUrl: url, clock });
    server = await buildServer(app);
    await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    await app.accounts.addUser({ email: 'sync@x.org', roles: ['admin'] }, 'test');
    token = (
      await app.accounts.createToken({ email: 'sync@x.org', name: 'entra', scim: true }, 'test')
    ).token;
  });
  afterAll(async () => {
    await server.close();
    await app.close();
  });

  it('describes itself: ServiceProviderConfig, Schemas, ResourceTypes', async () => {
    const spc = await scim('GET', '/ServiceProviderConfig');
    expect(spc.status).toBe(200);
    expect(spc.type).toContain('application/scim+json');
    expect(spc.body).toMatchObject({ patch: { supported: true }, filter: { supported: true } });
    const schemas = await scim('GET', '/Schemas');
    expect((schemas.body.Resources as Json[]).map((s) => s.id)).toContain(ENT);
    expect((await scim('GET', `/Schemas/${ENT}`)).status).toBe(200);
    const types = await scim('GET', '/ResourceTypes');
    expect((types.body.Resources as Json[]).map((t) => t.name)).toEqual(['User', 'Group']);
  });

  it('answers 401 in SCIM’s error shape without a SCIM token, also for an API token', async () => {
    const none = await scim('GET', '/Users', undefined, 'nope');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '401',
    });
    const api = (await app.accounts.createToken({ email: 'sync@x.org', name: 'api' }, 'test'))
      .token;
    expect((await scim('GET', '/Users', undefined, api)).status).toBe(401);
    // And a SCIM token opens nothing in /api/v1.
    const r = await fetch(`${base}/api/v1/people`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(401);
  });

  it('creates the RFC 7644 §3.3 example user; without a department it lands in Unassigned', async () => {
    const r = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'bjensen',
      externalId: 'bjensen',
      name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      id: 'bjensen',
      userName: 'bjensen',
      externalId: 'bjensen',
      active: true,
    });
    expect((r.body.meta as Json).location).toBe('/scim/v2/Users/bjensen');
    expect(await person('bjensen')).toMatchObject({
      name: 'Ms. Barbara J Jensen III',
      unit: 'Unassigned',
    });
    const again = await scim('POST', '/Users', { userName: 'BJENSEN' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ scimType: 'uniqueness' });
    const found = await scim('GET', '/Users?filter=userName%20eq%20%22bjensen%22');
    expect(found.body).toMatchObject({ totalResults: 1 });
    expect((await scim('GET', '/Users?filter=externalId%20eq%20%22bjensen%22')).body).toMatchObject(
      { totalResults: 1 },
    );
    expect((await scim('GET', '/Users?filter=userName%20eq%20%22nobody%22')).body).toMatchObject({
      totalResults: 0,
      Resources: [],
    });
    expect((await scim('GET', '/Users?filter=title%20co%20%22x%22')).body).toMatchObject({
      scimType: 'invalidFilter',
    });
  });

  it('creates an enterprise user: employeeNumber is the person id, department the unit, manager the supervisor', async () => {
    const r = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
      userName: 'vera@gov.example',
      active: true,
      displayName: 'Vera Sokolova',
      title: 'Adviser',
      emails: [{ primary: true, type: 'work', value: 'Vera@gov.example' }],
      [ENT]: {
        employeeNumber: 'P100',
        department: 'Admin/Policy/Elections',
        manager: { value: 'P1' },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(await person('P100')).toMatchObject({
      email: 'vera@gov.example',
      unit: 'Admin/Policy/Elections',
      supervisor: 'P1',
      title: 'Adviser',
    });
    const bad = await scim('POST', '/Users', {
      userName: 'x@gov.example',
      [ENT]: { employeeNumber: 'P101', manager: { value: 'ghost' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ scimType: 'invalidValue' });
    expect(String(bad.body.detail)).toContain('ghost');
    expect(await person('P101')).toBeUndefined();
  });

  it('refuses a manager cycle naming it, and a unit deeper than 16 levels; nothing is stored', async () => {
    const make = (id: string, manager?: string, department = 'Admin/Policy') =>
      scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
        userName: `${id.toLowerCase()}@gov.example`,
        [ENT]: {
          employeeNumber: id,
          department,
          ...(manager ? { manager: { value: manager } } : {}),
        },
      });
    expect((await make('C1')).status).toBe(201);
    expect((await make('C2', 'C1')).status).toBe(201);
    const loop = await scim('PATCH', '/Users/C1', {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: `${ENT}:manager`, value: 'C2' }],
    });
    expect(loop.status).toBe(400);
    expect(String(loop.body.detail)).toContain('C1 → C2 → C1');
    expect(await person('C1')).toMatchObject({ supervisor: null });
    const deep = await make(
      'C3',
      undefined,
      Array.from({ length: 17 }, (_, i) => `L${i}`).join('/'),
    );
    expect(deep.status).toBe(400);
    expect(String(deep.body.detail)).toContain('at most 16');
    expect(await person('C3')).toBeUndefined();
  });

  it('finds a person known from the CSV by e-mail and takes Entra-style PATCH bodies', async () => {
    const found = await scim('GET', '/Users?filter=userName%20eq%20%22Boris@gov.example%22');
    expect(found.body).toMatchObject({ totalResults: 1 });
    expect((found.body.Resources as Json[])[0]).toMatchObject({ id: 'P2' });
    const r = await scim('PATCH', '/Users/P2', {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'title', value: 'Head of section' },
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'boris.petrov@gov.example' },
        { op: 'Replace', path: `${ENT}:manager`, value: 'P1' },
        { op: 'Replace', path: `${ENT}:department`, value: 'Admin/Press' },
        { op: 'Replace', path: 'name.formatted', value: 'Boris A. Petrov' },
        { op: 'Replace', path: 'displayName', value: 'Boris A. Petrov' },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await person('P2')).toMatchObject({
      title: 'Head of section',
      email: 'boris.petrov@gov.example',
      supervisor: 'P1',
      unit: 'Admin/Press',
      name: 'Boris A. Petrov',
    });
    await scim('PATCH', '/Users/P2', {
      schemas: [PATCH],
      Operations: [{ op: 'Remove', path: `${ENT}:manager` }],
    });
    expect(await person('P2')).toMatchObject({ supervisor: null, title: 'Head of section' });
    const unknownOp = await scim('PATCH', '/Users/P2', {
      schemas: [PATCH],
      Operations: [{ op: 'Move', path: 'title', value: 'x' }],
    });
    expect(unknownOp.status).toBe(400);
  });

  it('active "False" means the person has left: their account is disabled and their corporate iPhone passes to their unit, still caught; Okta’s form brings them back', async () => {
    await app.accounts.addUser(
      {
        email: 'boris.petrov@gov.example',
        roles: ['official'],
        personId: 'P2',
        password: 'a long password',
      },
      'test',
    );
    const own = (
      await app.accounts.createToken({ email: 'boris.petrov@gov.example', name: 'own' }, 'test')
    ).token;
    expect(await app.accounts.actorForToken(own)).not.toBeNull();
    clock.set(Date.parse('2023-03-11T09:00:00Z'));
    cli.at('2023-03-11T09:00:00Z');
    // The move to Admin/Press transferred the finding: the open one is the second.
    const open = await cli.json<{ closed: string | null; unit: string }[]>(
      'findings',
      'iphones',
      '--format',
      'json',
    );
    expect(open.at(-1)).toMatchObject({ closed: null, unit: 'Admin/Press' });
    const r = await scim('PATCH', '/Users/P2', {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.active).toBe(false);
    expect((await person('P2'))!.active).toBe(false);
    expect(await app.accounts.actorForToken(own)).toBeNull();
    // Leaving is not resolving (DESIGN §5a): the finding transfers to the unit, which holds it.
    const held = await cli.json<
      { owner: string | null; unit: string; closed: string | null; closeReason: string | null }[]
    >('findings', 'iphones', '--format', 'json');
    expect(held.slice(-2)).toMatchObject([
      { owner: 'P2', closed: '2023-03-11T09:00:00.000Z', closeReason: 'transferred' },
      { owner: null, unit: 'Admin/Press', closed: null },
    ]);
    clock.set(Date.parse('2023-03-12T09:00:00Z'));
    cli.at('2023-03-12T09:00:00Z');
    const back = await scim('PATCH', '/Users/P2', {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { active: true } }],
    });
    expect(back.body.active).toBe(true);
    // Back with them: the person holds it again.
    const again = await cli.json<{ owner: string | null; closed: string | null }[]>(
      'findings',
      'iphones',
      '--format',
      'json',
    );
    expect(again.at(-1)).toMatchObject({ owner: 'P2', closed: null });
  });

  it('groups are tags: create with members, add and remove members, rename, delete', async () => {
    const g = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Elections 2024',
      members: [{ value: 'P100' }],
    });
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    const id = g.body.id as string;
    expect((await person('P100'))!.tags).toEqual(['elections 2024']);
    await scim('PATCH', `/Groups/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: 'P2' }] }],
    });
    expect((await person('P2'))!.tags).toEqual(['elections 2024']);
    await scim('PATCH', `/Groups/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Remove', path: 'members[value eq "P100"]' }],
    });
    expect((await person('P100'))!.tags).toEqual([]);
    const renamed = await scim('PATCH', `/Groups/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Campaign 2024' }],
    });
    expect(renamed.body).toMatchObject({
      displayName: 'Campaign 2024',
      members: [expect.objectContaining({ value: 'P2' })],
    });
    expect((await person('P2'))!.tags).toEqual(['campaign 2024']);
    const byName = await scim(
      'GET',
      '/Groups?filter=displayName%20eq%20%22Campaign%202024%22&excludedAttributes=members',
    );
    expect(byName.body).toMatchObject({ totalResults: 1 });
    expect((byName.body.Resources as Json[])[0]!.members).toBeUndefined();
    const user = await scim('GET', '/Users/P2');
    expect(user.body.groups).toEqual([{ value: id, display: 'Campaign 2024' }]);
    expect((await scim('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect((await person('P2'))!.tags).toEqual([]);
    expect((await scim('GET', `/Groups/${id}`)).status).toBe(404);
  });

  it('DELETE: the person leaves and the resource answers 404; every change is in the audit chain', async () => {
    expect((await scim('DELETE', '/Users/bjensen')).status).toBe(204);
    const gone = await scim('GET', '/Users/bjensen');
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: '404' });
    expect((await person('bjensen'))!.active).toBe(false);
    const audit = (await app.audit.list({ limit: 1000 })).items;
    const actions = new Set(audit.map((a) => a.action));
    for (const a of [
      'scim.user.create',
      'scim.user.patch',
      'scim.user.delete',
      'scim.group.create',
      'scim.group.member',
      'account.disable',
    ])
      expect(actions, a).toContain(a);
    // The directory's changes are the directory's: named by its token, not the token's owner.
    const scimEntries = audit.filter((a) => a.action.startsWith('scim.'));
    expect(new Set(scimEntries.map((a) => a.actor))).toEqual(
      new Set([expect.stringMatching(/^scim:entra \(token \d+\)$/)]),
    );
    expect(scimEntries.every((a) => a.actorName === a.actor)).toBe(true);
    expect((await app.audit.verify()).ok).toBe(true);
  });
});
