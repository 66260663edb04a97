import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi, type Caller } from './helpers/api.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

type Account = { id: number; email: string; roles: string[]; disabled: boolean };

describeEachDatabase('administration over the API: accounts, tokens, time zone', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let admin: Caller;

  beforeAll(async () => {
    api = await makeApi(await createTestDatabase(kind), '2023-03-20T09:00:00Z');
    await api.app.accounts.addUser(
      { email: 'admin@x.org', password: 'pw-admin-12345', roles: ['admin'], units: [] },
      'test',
    );
    admin = await api.login('admin@x.org', 'pw-admin-12345');
  });
  afterAll(() => api.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    api.call(admin, { method, url, ...(payload ? { payload } : {}) });

  it('creates accounts (every bad field listed), changes, disables and resets them, all audited', async () => {
    const bad = await call('POST', '/api/v1/accounts', {
      email: 'not-an-address',
      roles: ['official'],
      units: ['///'],
      password: 'short',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: { where: string }[] }>().details.map((d) => d.where)).toEqual([
      'email',
      'unit',
      'password',
    ]);
    const created = await call('POST', '/api/v1/accounts', {
      email: 'Lena@X.org',
      roles: ['auditor'],
      password: 'lena-password-1',
    });
    expect(created.statusCode, created.body).toBe(201);
    const lena = created.json<Account>();
    expect(lena).toMatchObject({ email: 'lena@x.org', roles: ['auditor'], disabled: false });
    const session = await api.login('lena@x.org', 'lena-password-1');
    expect((await api.call(session, { method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(200);
    // Not an admin: nothing of this is theirs.
    expect((await api.call(session, { method: 'GET', url: '/api/v1/accounts' })).statusCode).toBe(
      403,
    );

    const changed = await call('PATCH', `/api/v1/accounts/${lena.id}`, { roles: ['officer'] });
    expect(changed.json<Account>().roles).toEqual(['officer']);
    const reset = await call('POST', `/api/v1/accounts/${lena.id}/password`);
    const { password } = reset.json<{ password: string }>();
    expect(password.length).toBeGreaterThanOrEqual(20);
    // The old session ended with the reset; the new password signs in.
    expect((await api.call(session, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(
      401,
    );
    const again = await api.login('lena@x.org', password);
    const disabled = await call('PATCH', `/api/v1/accounts/${lena.id}`, { disabled: true });
    expect(disabled.json<Account>().disabled).toBe(true);
    expect((await api.call(again, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const me = (await call('GET', '/api/v1/auth/me')).json<{ accountId: number }>();
    const self = await call('PATCH', `/api/v1/accounts/${me.accountId}`, { disabled: true });
    expect(self.statusCode).toBe(409);
    const list = (await call('GET', '/api/v1/accounts')).json<Account[]>();
    expect(list.map((a) => [a.email, a.disabled])).toEqual([
      ['admin@x.org', false],
      ['lena@x.org', true],
    ]);
    const audit = (await api.app.audit.list({ limit: 100 })).items.map((e) => e.action);
    expect(audit).toEqual(
      expect.arrayContaining([
        'account.create',
        'account.update',
        'account.password-reset',
        'account.disable',
      ]),
    );
  });

  it('creates a token whose secret is shown once, lists it without it, and revokes it', async () => {
    const made = await call('POST', '/api/v1/tokens', {
      account: 'admin@x.org',
      name: 'MDM sync',
      expires: 'P90D',
      readOnly: true,
    });
    expect(made.statusCode, made.body).toBe(201);
    const { id, token, expiresAt } = made.json<{ id: number; token: string; expiresAt: string }>();
    expect(expiresAt).toBe('2023-06-18T09:00:00.000Z');
    const bearer = { authorization: `Bearer ${token}` };
    expect(
      (await api.call(null, { method: 'GET', url: '/api/v1/mandates', headers: bearer }))
        .statusCode,
    ).toBe(200);
    const listed = await call('GET', '/api/v1/tokens');
    expect(listed.body).not.toContain(token);
    expect(listed.json<{ id: number; readOnly: boolean; revokedAt: string | null }[]>()).toEqual([
      expect.objectContaining({ id, name: 'MDM sync', readOnly: true, revokedAt: null }),
    ]);
    expect((await call('POST', `/api/v1/tokens/${id}/revoke`)).statusCode).toBe(204);
    expect(
      (await api.call(null, { method: 'GET', url: '/api/v1/mandates', headers: bearer }))
        .statusCode,
    ).toBe(401);
  });

  it('shows the time zone and which channels can send, and changes the zone', async () => {
    expect((await call('GET', '/api/v1/settings')).json()).toEqual({
      timeZone: 'UTC',
      channels: { mail: false, webhook: false, sso: false },
    });
    const bad = await call('PUT', '/api/v1/settings/time-zone', { timeZone: 'Mars/Olympus' });
    expect(bad.statusCode).toBe(400);
    const ok = await call('PUT', '/api/v1/settings/time-zone', { timeZone: 'Europe/Moscow' });
    expect(ok.json()).toEqual({ from: 'UTC', to: 'Europe/Moscow' });
    expect((await call('GET', '/api/v1/settings')).json<{ timeZone: string }>().timeZone).toBe(
      'Europe/Moscow',
    );
  });

  it('a read-only token is refused (403) on every operation of the OpenAPI document that writes', async () => {
    const made = await call('POST', '/api/v1/tokens', {
      account: 'admin@x.org',
      name: 'read everything',
      expires: 'P30D',
      readOnly: true,
    });
    expect(made.statusCode, made.body).toBe(201);
    const bearer = { authorization: `Bearer ${made.json<{ token: string }>().token}` };
    const doc = await api.server.inject({ method: 'GET', url: '/api/openapi.json' });
    const paths = doc.json<{ paths: Record<string, Record<string, unknown>> }>().paths;
    const walked: string[] = [];
    for (const [path, methods] of Object.entries(paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const method of Object.keys(methods)) {
        if (method === 'get' || method === 'parameters') continue;
        // Signing in is the one write open to anyone; it takes no token.
        if (path === '/api/v1/auth/login') continue;
        const url = path.replace(/\{format\}/g, 'pdf').replace(/\{[^}]+\}/g, '1');
        const r = await api.call(null, {
          method: method.toUpperCase(),
          url,
          headers: bearer,
          payload: {},
        });
        walked.push(`${method.toUpperCase()} ${path}`);
        // Signing out ends a session: a token has none to end (400), and ends nothing.
        if (path === '/api/v1/auth/logout') expect([400, 403]).toContain(r.statusCode);
        else expect(r.statusCode, `${method.toUpperCase()} ${path}: ${r.body}`).toBe(403);
      }
    }
    expect(walked.length).toBeGreaterThan(40);
    // Nothing was written: the only entries are the token's making and the admin's sign-in.
    const audit = await call('GET', '/api/v1/audit?order=desc&limit=1');
    expect(audit.json<{ items: { action: string }[] }>().items[0]!.action).toBe('token.create');
  });
});
