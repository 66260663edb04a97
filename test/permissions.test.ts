import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Permission } from '../src/domain/access.policy.js';
import { makeApi, type Caller } from './helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const YAML = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: m1, title: T, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: remove
  phases: [{ id: r, due: 2023-04-01, requires: resolve }, { id: a, due: 2023-04-01, requires: attest, attestBy: person }]
  exemptions: { allowed: true, grounds: [g], maxDuration: P30D, approver: officer }
`;

/** Every API route, the permission it must ask for, and a request that exercises it. */
const ROUTES: {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  url: string;
  needs: Permission;
  body?: object;
  allSeeing?: boolean;
  orgWide?: boolean;
}[] = [
  { method: 'GET', path: '/api/v1/auth/me', url: '/api/v1/auth/me', needs: 'read' },
  {
    method: 'PUT',
    path: '/api/v1/auth/me/language',
    url: '/api/v1/auth/me/language',
    needs: 'self.write',
    body: { language: 'ru' },
  },
  { method: 'POST', path: '/api/v1/auth/logout', url: '/api/v1/auth/logout', needs: 'read' },
  { method: 'GET', path: '/api/v1/mandates', url: '/api/v1/mandates', needs: 'read' },
  { method: 'GET', path: '/api/v1/mandates/{id}', url: '/api/v1/mandates/m1', needs: 'read' },
  {
    method: 'POST',
    path: '/api/v1/mandates/apply',
    url: '/api/v1/mandates/apply',
    needs: 'mandates.write',
    body: { yaml: YAML, dryRun: true },
  },
  {
    method: 'POST',
    path: '/api/v1/mandates/{id}/withdraw',
    url: '/api/v1/mandates/nope/withdraw',
    needs: 'mandates.write',
    body: {},
  },
  { method: 'GET', path: '/api/v1/status', url: '/api/v1/status', needs: 'read', allSeeing: true },
  {
    method: 'GET',
    path: '/api/v1/reports',
    url: '/api/v1/reports',
    needs: 'read',
    orgWide: true,
  },
  {
    method: 'GET',
    path: '/api/v1/reports/{id}/{format}',
    url: '/api/v1/reports/1/pdf',
    needs: 'read',
    orgWide: true,
  },
  {
    method: 'GET',
    path: '/api/v1/notifications',
    url: '/api/v1/notifications',
    needs: 'read',
  },
  {
    method: 'GET',
    path: '/api/v1/mandates/{id}/notify',
    url: '/api/v1/mandates/m1/notify',
    needs: 'read',
    allSeeing: true,
  },
  {
    method: 'GET',
    path: '/api/v1/status/series',
    url: '/api/v1/status/series?mandate=m1',
    needs: 'read',
  },
  { method: 'GET', path: '/api/v1/findings', url: '/api/v1/findings?mandate=m1', needs: 'read' },
  {
    method: 'POST',
    path: '/api/v1/attestations',
    url: '/api/v1/attestations',
    needs: 'attest',
    body: { mandate: 'm1', phase: 'a', person: 'p1' },
  },
  { method: 'GET', path: '/api/v1/devices/{id}', url: '/api/v1/devices/d1', needs: 'read' },
  { method: 'GET', path: '/api/v1/devices', url: '/api/v1/devices', needs: 'read' },
  { method: 'GET', path: '/api/v1/people/{id}', url: '/api/v1/people/p1', needs: 'read' },
  { method: 'GET', path: '/api/v1/people', url: '/api/v1/people', needs: 'read' },
  { method: 'GET', path: '/api/v1/units', url: '/api/v1/units', needs: 'read' },
  {
    method: 'POST',
    path: '/api/v1/devices/{id}/no-official-use',
    url: '/api/v1/devices/d1/no-official-use',
    needs: 'declare',
    body: {},
  },
  {
    method: 'POST',
    path: '/api/v1/devices',
    url: '/api/v1/devices',
    needs: 'records.write',
    body: { id: 'new-device', class: 'laptop' },
  },
  {
    method: 'PUT',
    path: '/api/v1/devices/{id}',
    url: '/api/v1/devices/d1',
    needs: 'records.write',
    body: { class: 'laptop', platform: 'linux' },
  },
  {
    method: 'PATCH',
    path: '/api/v1/devices/{id}',
    url: '/api/v1/devices/d1',
    needs: 'records.write',
    body: { model: 'x' },
  },
  {
    method: 'POST',
    path: '/api/v1/people',
    url: '/api/v1/people',
    needs: 'records.write',
    body: { id: 'new-person' },
  },
  {
    method: 'PUT',
    path: '/api/v1/people/{id}',
    url: '/api/v1/people/p1',
    needs: 'records.write',
    body: { name: 'P', unit: 'Org/A' },
  },
  {
    method: 'PATCH',
    path: '/api/v1/people/{id}',
    url: '/api/v1/people/p1',
    needs: 'records.write',
    body: { title: 'x' },
  },
  {
    method: 'POST',
    path: '/api/v1/exemptions',
    url: '/api/v1/exemptions',
    needs: 'exemptions.request',
    body: { mandate: 'm1', person: 'p1', ground: 'g', until: '2023-03-25', reason: 'r' },
  },
  {
    method: 'POST',
    path: '/api/v1/exemptions/{id}/approve',
    url: '/api/v1/exemptions/999/approve',
    needs: 'exemptions.decide',
  },
  {
    method: 'POST',
    path: '/api/v1/exemptions/{id}/reject',
    url: '/api/v1/exemptions/999/reject',
    needs: 'exemptions.decide',
  },
  {
    method: 'POST',
    path: '/api/v1/exemptions/{id}/revoke',
    url: '/api/v1/exemptions/999/revoke',
    needs: 'exemptions.decide',
  },
  { method: 'GET', path: '/api/v1/exemptions/{id}', url: '/api/v1/exemptions/999', needs: 'read' },
  { method: 'GET', path: '/api/v1/exemptions', url: '/api/v1/exemptions', needs: 'read' },
  { method: 'GET', path: '/api/v1/catalogue', url: '/api/v1/catalogue', needs: 'read' },
  {
    method: 'PUT',
    path: '/api/v1/catalogue/{id}',
    url: '/api/v1/catalogue/aurora-phone',
    needs: 'logistics',
    body: { class: 'smartphone', platform: 'aurora', manufacturer: 'M', model: 'R' },
  },
  { method: 'GET', path: '/api/v1/stock', url: '/api/v1/stock', needs: 'read', orgWide: true },
  {
    method: 'POST',
    path: '/api/v1/stock',
    url: '/api/v1/stock',
    needs: 'logistics',
    body: { devices: [{ id: 'S1', item: 'aurora-phone', location: 'A' }], dryRun: true },
  },
  { method: 'GET', path: '/api/v1/replacements', url: '/api/v1/replacements', needs: 'read' },
  {
    method: 'GET',
    path: '/api/v1/replacements/by-unit',
    url: '/api/v1/replacements/by-unit?format=csv',
    needs: 'read',
  },
  {
    method: 'GET',
    path: '/api/v1/replacements/shortage',
    url: '/api/v1/replacements/shortage',
    needs: 'read',
    orgWide: true,
  },
  {
    method: 'POST',
    path: '/api/v1/replacements',
    url: '/api/v1/replacements',
    needs: 'replacements.request',
    body: { device: 'd1', item: 'pager' },
  },
  {
    method: 'GET',
    path: '/api/v1/replacements/{id}',
    url: '/api/v1/replacements/999',
    needs: 'read',
  },
  ...(
    [
      ['approve', 'replacements.decide'],
      ['reject', 'replacements.decide'],
      ['cancel', 'self.write'],
      ['issue', 'logistics'],
      ['return', 'logistics'],
      ['writeoff', 'logistics'],
      ['confirm', 'self.write'],
    ] as const
  ).map(([step, needs]) => ({
    method: 'POST' as const,
    path: `/api/v1/replacements/{id}/${step}`,
    url: `/api/v1/replacements/999/${step}`,
    needs,
  })),
  {
    method: 'GET',
    path: '/api/v1/replacements/{id}/preview',
    url: '/api/v1/replacements/999/preview',
    needs: 'logistics',
  },
  ...(
    [
      ['approve', 'replacements.decide'],
      ['issue', 'logistics'],
      ['return', 'logistics'],
    ] as const
  ).map(([step, needs]) => ({
    method: 'POST' as const,
    path: `/api/v1/replacements/bulk/${step}`,
    url: `/api/v1/replacements/bulk/${step}`,
    needs,
    body: { orders: [999] },
  })),
  {
    method: 'GET',
    path: '/api/v1/devices/{id}/custody',
    url: '/api/v1/devices/d1/custody',
    needs: 'read',
  },
  {
    method: 'GET',
    path: '/api/v1/sanitisations',
    url: '/api/v1/sanitisations',
    needs: 'read',
    orgWide: true,
  },
  {
    method: 'POST',
    path: '/api/v1/sanitisations',
    url: '/api/v1/sanitisations',
    needs: 'logistics',
    body: { devices: ['d1'], method: 'purge', tool: 'T', performedOn: '2023-03-01' },
  },
  {
    method: 'GET',
    path: '/api/v1/sanitisations/{id}',
    url: '/api/v1/sanitisations/999',
    needs: 'read',
    orgWide: true,
  },
  {
    method: 'POST',
    path: '/api/v1/sanitisations/{id}/verify',
    url: '/api/v1/sanitisations/999/verify',
    needs: 'sanitisation.verify',
  },
  {
    method: 'GET',
    path: '/api/v1/sanitisations/{id}/certificate',
    url: '/api/v1/sanitisations/999/certificate',
    needs: 'read',
    orgWide: true,
  },
  {
    method: 'POST',
    path: '/api/v1/devices/{id}/data-removals',
    url: '/api/v1/devices/nope/data-removals',
    needs: 'logistics',
    body: { method: 'MDM selective wipe', performedOn: '2023-03-01' },
  },
  {
    method: 'POST',
    path: '/api/v1/data-removals/{id}/verify',
    url: '/api/v1/data-removals/999/verify',
    needs: 'sanitisation.verify',
  },
  {
    method: 'GET',
    path: '/api/v1/data-removals',
    url: '/api/v1/data-removals',
    needs: 'read',
  },
  {
    method: 'POST',
    path: '/api/v1/imports/devices',
    url: '/api/v1/imports/devices?format=intune&dryRun=true',
    needs: 'imports',
    body: { not: 'csv' },
  },
  {
    method: 'POST',
    path: '/api/v1/imports/people',
    url: '/api/v1/imports/people?dryRun=true',
    needs: 'imports',
    body: { not: 'csv' },
  },
  {
    method: 'POST',
    path: '/api/v1/checkins',
    url: '/api/v1/checkins',
    needs: 'imports',
    body: [{ serial: 'nope' }],
  },
  {
    method: 'GET',
    path: '/api/v1/attestations',
    url: '/api/v1/attestations?format=csv',
    needs: 'read',
  },
  {
    method: 'POST',
    path: '/api/v1/campaigns',
    url: '/api/v1/campaigns',
    needs: 'campaigns.manage',
    body: { id: 'c1' },
  },
  { method: 'GET', path: '/api/v1/campaigns', url: '/api/v1/campaigns', needs: 'read' },
  { method: 'GET', path: '/api/v1/campaigns/{id}', url: '/api/v1/campaigns/nope', needs: 'read' },
  {
    method: 'GET',
    path: '/api/v1/campaigns/{id}/models',
    url: '/api/v1/campaigns/nope/models',
    needs: 'read',
  },
  {
    method: 'GET',
    path: '/api/v1/campaigns/{id}/people',
    url: '/api/v1/campaigns/nope/people',
    needs: 'read',
  },
  {
    method: 'POST',
    path: '/api/v1/campaigns/{id}/declarations',
    url: '/api/v1/campaigns/nope/declarations',
    needs: 'declare',
    body: { devices: [] },
  },
  {
    method: 'POST',
    path: '/api/v1/campaigns/{id}/attestations',
    url: '/api/v1/campaigns/nope/attestations',
    needs: 'attest',
    body: { unit: 'Org/A' },
  },
  {
    method: 'DELETE',
    path: '/api/v1/campaigns/{id}/declarations/{device}',
    url: '/api/v1/campaigns/nope/declarations/d1',
    needs: 'declare',
  },
  { method: 'GET', path: '/api/v1/audit', url: '/api/v1/audit', needs: 'audit.read' },
  { method: 'GET', path: '/api/v1/audit/verify', url: '/api/v1/audit/verify', needs: 'audit.read' },
  { method: 'GET', path: '/api/v1/accounts', url: '/api/v1/accounts', needs: 'accounts.manage' },
  {
    method: 'POST',
    path: '/api/v1/accounts',
    url: '/api/v1/accounts',
    needs: 'accounts.manage',
    body: {},
  },
  {
    method: 'PATCH',
    path: '/api/v1/accounts/{id}',
    url: '/api/v1/accounts/999999',
    needs: 'accounts.manage',
    body: {},
  },
  {
    method: 'POST',
    path: '/api/v1/accounts/{id}/password',
    url: '/api/v1/accounts/999999/password',
    needs: 'accounts.manage',
  },
  { method: 'GET', path: '/api/v1/tokens', url: '/api/v1/tokens', needs: 'accounts.manage' },
  {
    method: 'POST',
    path: '/api/v1/tokens',
    url: '/api/v1/tokens',
    needs: 'accounts.manage',
    body: {},
  },
  {
    method: 'POST',
    path: '/api/v1/tokens/{id}/revoke',
    url: '/api/v1/tokens/999999/revoke',
    needs: 'accounts.manage',
  },
  { method: 'GET', path: '/api/v1/settings', url: '/api/v1/settings', needs: 'accounts.manage' },
  {
    method: 'PUT',
    path: '/api/v1/settings/time-zone',
    url: '/api/v1/settings/time-zone',
    needs: 'accounts.manage',
    body: {},
  },
];

/** Which roles hold each permission: written out here, independently of the policy module. */
const HOLDERS: Record<Permission, string[]> = {
  read: ['admin', 'officer', 'unit-head', 'logistics', 'official', 'auditor'],
  'records.write': ['admin', 'officer', 'logistics'],
  'mandates.write': ['admin', 'officer'],
  attest: ['unit-head', 'official', 'officer'],
  'exemptions.request': ['official', 'officer'],
  'exemptions.decide': ['admin', 'officer', 'unit-head'],
  'audit.read': ['admin', 'auditor', 'officer'],
  'accounts.manage': ['admin'],
  'replacements.request': ['admin', 'officer', 'unit-head', 'logistics', 'official', 'auditor'],
  'replacements.decide': ['logistics', 'officer'],
  'hold.override': ['admin'],
  logistics: ['logistics'],
  'sanitisation.verify': ['logistics', 'officer'],
  imports: ['admin', 'officer'],
  'campaigns.manage': ['admin', 'officer'],
  declare: ['admin', 'officer', 'unit-head', 'logistics', 'official', 'auditor'],
  'act-for-others': ['officer'],
  'attest-unit': ['unit-head'],
  'mandates.override': ['officer'],
  'self.write': ['admin', 'officer', 'unit-head', 'logistics', 'official', 'auditor'],
};
// Counts: whoever sees everything, and unit heads for their own units.
const COUNTS = ['admin', 'officer', 'logistics', 'auditor', 'unit-head'];
const ROLES = ['admin', 'officer', 'unit-head', 'logistics', 'official', 'auditor'];

describeEachDatabase('the permission matrix: every route × every role', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-02-20T12:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(peopleCsv([buildPerson({ id: 'p1', unit: 'Org/A', head_of: 'Org/A' })])),
    );
    await cli.run(
      'import',
      'devices',
      cli.file(devicesCsv([buildDevice({ id: 'd1', owner: 'p1' })])),
    );
    await cli.run('apply', '-f', cli.file(YAML));
    api = await makeApi(url, '2023-03-10T09:00:00Z');
    for (const role of ROLES) {
      await api.app.accounts.addUser(
        { email: `${role}@x.org`, roles: [role], password: 'long enough pw', personId: 'p1' },
        'test',
      );
    }
  });
  afterAll(() => api.close());

  it('the matrix covers every route the API describes', async () => {
    const spec = (await api.server.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const described = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    // Sign-in and how to sign in are the public routes.
    const publicRoutes = ['POST /api/v1/auth/login', 'GET /api/v1/auth/methods'];
    expect(new Set(described.filter((d) => !publicRoutes.includes(d)))).toEqual(
      new Set(ROUTES.map((r) => `${r.method} ${r.path}`)),
    );
  });

  it('without a session every route answers 401', async () => {
    for (const r of ROUTES) {
      const res = await api.call(null, {
        method: r.method,
        url: r.url,
        ...(r.body ? { payload: r.body } : {}),
      });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
    }
  });

  it('without a session a bad request answers 401 too: who asks is checked before what is asked', async () => {
    for (const [method, url] of [
      ['POST', '/api/v1/mandates/apply'],
      ['POST', '/api/v1/campaigns'],
      ['PUT', '/api/v1/devices/d1'],
      ['POST', '/api/v1/replacements/1/approve'],
    ] as const) {
      const res = await api.call(null, { method, url, payload: { nonsense: [1, 2, 3] } });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(401);
    }
    // Signed in without the permission: 403 before the request is checked (contract routes).
    const official = await api.login('official@x.org', 'long enough pw');
    const res = await api.call(official, {
      method: 'POST',
      url: '/api/v1/campaigns',
      payload: { nonsense: true },
    });
    expect(res.statusCode).toBe(403);
  });

  it('tells each account what it may do and how far it sees, so the console asks instead of knowing roles', async () => {
    for (const role of ROLES) {
      const caller = await api.login(`${role}@x.org`, 'long enough pw');
      const me = (await api.call(caller, { method: 'GET', url: '/api/v1/auth/me' })).json<{
        capabilities: string[];
        sees: string;
      }>();
      const want = Object.entries(HOLDERS)
        .filter(([, roles]) => roles.includes(role))
        .map(([p]) => p);
      expect(new Set(me.capabilities), role).toEqual(new Set(want));
      expect(me.sees, role).toBe(
        role === 'official' ? 'self' : role === 'unit-head' ? 'units' : 'all',
      );
    }
    const token = await api.app.accounts.createToken(
      { email: 'officer@x.org', name: 'ro', readOnly: true },
      'test',
    );
    const me = await api.server.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(me.json<{ capabilities: string[] }>().capabilities.sort()).toEqual([
      'audit.read',
      'read',
    ]);
    // A read-only token changes nothing, not even its own language.
    const language = await api.server.inject({
      method: 'PUT',
      url: '/api/v1/auth/me/language',
      headers: { authorization: `Bearer ${token.token}` },
      payload: { language: 'ru' },
    });
    expect(language.statusCode).toBe(403);
  });

  for (const role of ROLES) {
    it(`${role}: refused with 403 exactly where the role lacks the permission, never a 500`, async () => {
      let caller: Caller = await api.login(`${role}@x.org`, 'long enough pw');
      for (const r of ROUTES) {
        // Signing out ends the session: sign in again for the routes after it.
        if (r.path === '/api/v1/mandates')
          caller = await api.login(`${role}@x.org`, 'long enough pw');
        const res = await api.call(caller, {
          method: r.method,
          url: r.url,
          ...(r.body ? { payload: r.body } : {}),
        });
        const allowed =
          HOLDERS[r.needs].includes(role) &&
          (!r.allSeeing || COUNTS.includes(role)) &&
          (!r.orgWide || COUNTS.slice(0, 4).includes(role));
        const where = `${role} ${r.method} ${r.url}: ${res.body}`;
        expect(res.statusCode, where).toBeLessThan(500);
        if (allowed) expect([401, 403], where).not.toContain(res.statusCode);
        else expect(res.statusCode, where).toBe(403);
      }
    });
  }
});

describe('the access guard', () => {
  it('a route that never asks the access layer fails instead of answering', async () => {
    const api = await makeApi(await createTestDatabase('sqlite'), '2023-03-10T09:00:00Z');
    api.server.get('/api/v1/forgot-to-authorise', () => ({ secret: 'the-secret-value' }));
    // Nobody signed in is refused before any route runs; a signed-in caller reaches the guard.
    const anonymous = await api.server.inject({
      method: 'GET',
      url: '/api/v1/forgot-to-authorise',
    });
    expect(anonymous.statusCode).toBe(401);
    await api.app.accounts.addUser(
      { email: 'a@x.org', roles: ['officer'], password: 'long enough pw' },
      'test',
    );
    const caller = await api.login('a@x.org', 'long enough pw');
    const res = await api.call(caller, { method: 'GET', url: '/api/v1/forgot-to-authorise' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('the-secret-value');
    await api.close();
  });
});
