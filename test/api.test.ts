import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MandateStatus } from '../src/services/status.service.js';
import { makeApi, type Caller } from './helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATES = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  scope: { units: [Org/DPD] }
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
  exemptions: { allowed: true, grounds: [national-security], maxDuration: P30D, approver: officer }
---
apiVersion: phaseout/v1
kind: Mandate
metadata: { id: strict, title: No exemptions, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: remove
  phases: [{ id: remove, due: 2023-04-01, requires: resolve }]
`;

const PASSWORD = 'correct horse battery';
const ROLES = {
  admin: { roles: ['admin'] },
  officer: { roles: ['officer'] },
  officer2: { roles: ['officer'] },
  head: { roles: ['unit-head'], units: ['Org/DPD/Elections'] },
  official1: { roles: ['official'], personId: 'p1' },
  official2: { roles: ['official'], personId: 'p2' },
  auditor: { roles: ['auditor'] },
  logistics: { roles: ['logistics'] },
} as const;
type Who = keyof typeof ROLES;

describeEachDatabase('the HTTP API: sign-in, scope, exemptions', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let cli: ReturnType<typeof makeCli>;
  const callers = {} as Record<Who, Caller>;

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    cli = makeCli(url, '2023-02-20T12:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(
        peopleCsv([
          buildPerson({ id: 'p1', unit: 'Org/DPD/Elections' }),
          buildPerson({ id: 'p2', unit: 'Org/DPD/Regional' }),
          buildPerson({ id: 'p3', unit: 'Org/Other' }),
        ]),
      ),
      '--observed-at',
      '2023-02-20',
    );
    await cli.run(
      'import',
      'devices',
      cli.file(
        devicesCsv([
          buildDevice({ id: 'd1', owner: 'p1', manufacturer: 'Apple', model: 'iPhone 13' }),
          buildDevice({ id: 'd2', owner: 'p2', manufacturer: 'Google', model: 'Pixel 7' }),
          buildDevice({ id: 'd3', owner: 'p3' }),
        ]),
      ),
      '--observed-at',
      '2023-02-20',
    );
    cli.at('2023-02-25T12:00:00Z');
    expect((await cli.run('apply', '-f', cli.file(MANDATES))).code).toBe(0);
    api = await makeApi(url, '2023-03-20T09:00:00Z');
    for (const [email, r] of Object.entries(ROLES)) {
      await api.app.accounts.addUser(
        {
          email: `${email}@x.org`,
          password: PASSWORD,
          ...r,
          roles: [...r.roles],
          units: 'units' in r ? [...r.units] : [],
        },
        'test',
      );
    }
    for (const who of Object.keys(ROLES) as Who[])
      callers[who] = await api.login(`${who}@x.org`, PASSWORD);
  });
  afterAll(() => api.close());

  it('refuses the unauthenticated with 401 and a request id', async () => {
    const r = await api.call(null, { method: 'GET', url: '/api/v1/devices/d1' });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({
      error: 'unauthenticated',
      requestId: expect.any(String) as unknown,
    });
  });

  it('a wrong password gets 401, and repeated failures are rate-limited', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await api.call(null, {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'auditor@x.org', password: 'nope' },
      });
      expect(r.statusCode).toBe(401);
    }
    const limited = await api.call(null, {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'auditor@x.org', password: PASSWORD },
    });
    expect(limited.statusCode).toBe(429);
    api.at('2023-03-20T09:30:00Z');
    expect(
      (
        await api.call(null, {
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'auditor@x.org', password: PASSWORD },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('an official reads their own device; another official’s device answers 404 like a missing one', async () => {
    const own = await api.call(callers.official1, { method: 'GET', url: '/api/v1/devices/d1' });
    expect(own.statusCode).toBe(200);
    expect(own.headers.etag).toMatch(/^".+"$/);
    const other = await api.call(callers.official1, { method: 'GET', url: '/api/v1/devices/d2' });
    const missing = await api.call(callers.official1, {
      method: 'GET',
      url: '/api/v1/devices/nope',
    });
    expect(other.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(other.json<{ error: string }>().error).toBe(missing.json<{ error: string }>().error);
    const list = await api.call(callers.official1, { method: 'GET', url: '/api/v1/devices' });
    expect(list.json<{ items: { id: string }[] }>().items.map((d) => d.id)).toEqual(['d1']);
  });

  it('searches devices by id, model or manufacturer and people by name in any case, within scope', async () => {
    const ids = async (who: Who, url: string) =>
      (await api.call(callers[who], { method: 'GET', url }))
        .json<{ items: { id: string }[] }>()
        .items.map((x) => x.id);
    expect(await ids('admin', '/api/v1/devices?q=IPHONE')).toEqual(['d1']);
    expect(await ids('admin', '/api/v1/devices?q=google')).toEqual(['d2']);
    expect(await ids('admin', '/api/v1/devices?q=d2')).toEqual(['d2']);
    expect(await ids('admin', '/api/v1/devices?q=ixel&platform=android')).toEqual([]);
    expect(await ids('head', '/api/v1/devices?q=pixel')).toEqual([]);
    expect(await ids('admin', '/api/v1/people?q=PERSON%20P3')).toEqual(['p3']);
    expect(await ids('head', '/api/v1/people?q=person')).toEqual(['p1']);
  });

  it('previews the notification ladder: default steps, and what each will send, within scope', async () => {
    const preview = async (who: Who) =>
      api.call(callers[who], {
        method: 'GET',
        url: '/api/v1/mandates/strict/notify?asOf=2023-03-20',
      });
    const all = (await preview('officer')).json<{
      due: string;
      digest: string;
      steps: { id: string; at?: string; after?: string; repeat?: string }[];
      upcoming: { step: string; day: string; findings: number }[];
    }>();
    expect(all.due).toBe('2023-04-01');
    expect(all.digest).toBe('weekly');
    expect(all.steps[0]).toEqual({
      id: 'remind-P14D',
      kind: 'remind',
      to: 'official',
      at: '2023-03-18T00:00:00.000Z',
    });
    expect(all.steps.at(-1)).toEqual({
      id: 'escalate-P7D-officers',
      kind: 'escalate',
      to: 'officers',
      after: 'P7D',
      repeat: 'P7D',
    });
    expect(all.upcoming.map((u) => `${u.day} ${u.step} ${u.findings}`)).toEqual([
      '2023-03-20 remind-P14D 3',
      '2023-03-29 remind-P3D 3',
      '2023-03-31 remind-P1D 3',
      '2023-04-03 escalate-P1D-supervisor 3',
      '2023-04-05 escalate-P3D-unit-head 3',
      '2023-04-09 escalate-P7D-officers 3',
      '2023-04-16 escalate-P7D-officers 3',
    ]);
    const head = (await preview('head')).json<{ upcoming: { findings: number }[] }>();
    expect(head.upcoming.map((u) => u.findings)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect((await preview('official1')).statusCode).toBe(403);
    const missing = await api.call(callers.officer, {
      method: 'GET',
      url: '/api/v1/mandates/nope/notify',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('a unit head sees their unit and below, nothing else', async () => {
    const list = await api.call(callers.head, { method: 'GET', url: '/api/v1/people' });
    expect(list.json<{ items: { id: string }[] }>().items.map((p) => p.id)).toEqual(['p1']);
    expect(
      (await api.call(callers.head, { method: 'GET', url: '/api/v1/people/p2' })).statusCode,
    ).toBe(404);
    const findings = await api.call(callers.head, {
      method: 'GET',
      url: '/api/v1/findings?mandate=iphones',
    });
    expect(findings.json<{ items: { device: string }[] }>().items.map((f) => f.device)).toEqual([
      'd1',
    ]);
  });

  it('a unit head gets the counts of their unit only; an official gets none', async () => {
    const own = await api.call(callers.head, {
      method: 'GET',
      url: '/api/v1/status?mandate=iphones&asOf=2023-03-15',
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({
      unit: 'Org/DPD/Elections',
      devices: { pending: 1 },
      people: { inScope: 1, affected: 1 },
    });
    const all = await api.call(callers.officer, {
      method: 'GET',
      url: '/api/v1/status?mandate=iphones&asOf=2023-03-15',
    });
    expect(all.json()).toMatchObject({ devices: { pending: 2 } });
    expect(
      (await api.call(callers.head, { method: 'GET', url: '/api/v1/status?unit=Org/DPD' }))
        .statusCode,
    ).toBe(404);
    expect(
      (await api.call(callers.official1, { method: 'GET', url: '/api/v1/status' })).statusCode,
    ).toBe(403);
  });

  it('gives the burn-down: open devices day by day', async () => {
    const r = await api.call(callers.officer, {
      method: 'GET',
      url: '/api/v1/status/series?mandate=iphones&asOf=2023-03-05',
    });
    expect(r.json()).toEqual({
      mandate: 'iphones',
      due: '2023-04-01',
      points: [
        { day: '2023-03-01', open: 2 },
        { day: '2023-03-02', open: 2 },
        { day: '2023-03-03', open: 2 },
        { day: '2023-03-04', open: 2 },
        { day: '2023-03-05', open: 2 },
      ],
    });
    // Within the reader's scope: an official's burn-down counts their own devices only.
    const own = await api.call(callers.official1, {
      method: 'GET',
      url: '/api/v1/status/series?mandate=iphones&asOf=2023-03-02',
    });
    expect(own.json<{ points: { open: number }[] }>().points.map((p) => p.open)).toEqual([1, 1]);
  });

  it('an auditor reads everything and changes nothing (403)', async () => {
    expect(
      (await api.call(callers.auditor, { method: 'GET', url: '/api/v1/devices/d2' })).statusCode,
    ).toBe(200);
    expect(
      (await api.call(callers.auditor, { method: 'GET', url: '/api/v1/audit/verify' })).json(),
    ).toMatchObject({ ok: true });
    const write = await api.call(callers.auditor, {
      method: 'POST',
      url: '/api/v1/mandates/apply',
      payload: { yaml: MANDATES },
    });
    expect(write.statusCode).toBe(403);
    const ex = await api.call(callers.auditor, {
      method: 'POST',
      url: '/api/v1/exemptions',
      payload: {
        mandate: 'iphones',
        device: 'd1',
        ground: 'national-security',
        until: '2023-03-31',
        reason: 'x',
      },
    });
    expect(ex.statusCode).toBe(403);
  });

  it('cookie writes need the CSRF token', async () => {
    const r = await api.server.inject({
      method: 'POST',
      url: '/api/v1/exemptions',
      headers: { cookie: callers.officer.cookie },
      payload: {
        mandate: 'iphones',
        device: 'd1',
        ground: 'national-security',
        until: '2023-03-31',
        reason: 'x',
      },
    });
    expect(r.statusCode).toBe(403);
    expect(r.json<{ message: string }>().message).toContain('CSRF');
  });

  it('API tokens: bearer access, read-only scope, revocation', async () => {
    const t = await api.app.accounts.createToken(
      { email: 'officer@x.org', name: 'sync', readOnly: true },
      'test',
    );
    const headers = { authorization: `Bearer ${t.token}` };
    expect(
      (await api.server.inject({ method: 'GET', url: '/api/v1/devices/d2', headers })).statusCode,
    ).toBe(200);
    expect(
      (
        await api.server.inject({
          method: 'POST',
          url: '/api/v1/mandates/apply',
          headers,
          payload: { yaml: MANDATES, dryRun: true },
        })
      ).statusCode,
    ).toBe(403);
    await api.app.accounts.revokeToken(t.id, 'test');
    expect(
      (await api.server.inject({ method: 'GET', url: '/api/v1/devices/d2', headers })).statusCode,
    ).toBe(401);
  });

  it('an exemption approved on 20 March lapsing on 31 March is exempt on 25 March and overdue on 2 April', async () => {
    api.at('2023-03-20T10:00:00Z');
    const req = await api.call(callers.official1, {
      method: 'POST',
      url: '/api/v1/exemptions',
      payload: {
        mandate: 'iphones',
        device: 'd1',
        ground: 'national-security',
        until: '2023-03-31',
        reason: 'secure line pending',
      },
    });
    expect(req.statusCode, req.body).toBe(201);
    const e = req.json<{ id: number; state: string }>();
    expect(e.state).toBe('requested');
    expect(
      (
        await api.call(callers.official1, {
          method: 'POST',
          url: `/api/v1/exemptions/${e.id}/approve`,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await api.call(callers.head, { method: 'POST', url: `/api/v1/exemptions/${e.id}/approve` }))
        .statusCode,
    ).toBe(403);
    const ok = await api.call(callers.officer, {
      method: 'POST',
      url: `/api/v1/exemptions/${e.id}/approve`,
    });
    expect(ok.json<{ state: string }>().state).toBe('approved');
    const at25 = (
      await api.call(callers.officer, {
        method: 'GET',
        url: '/api/v1/status?mandate=iphones&asOf=2023-03-25',
      })
    ).json<MandateStatus>();
    expect(at25.devices).toMatchObject({ exempt: 1, pending: 1 });
    const at0402 = (
      await api.call(callers.officer, {
        method: 'GET',
        url: '/api/v1/status?mandate=iphones&asOf=2023-04-02',
      })
    ).json<MandateStatus>();
    expect(at0402.devices).toMatchObject({ exempt: 0, overdue: 2 });
    const viaCli = await cli.json<MandateStatus>(
      'status',
      'iphones',
      '--as-of',
      '2023-03-25',
      '--json',
    );
    expect(viaCli.devices.exempt).toBe(1);
    expect(at25.devices).toEqual(viaCli.devices);
    api.at('2023-04-02T10:00:00Z');
    callers.officer = await api.login('officer@x.org', PASSWORD); // sessions last 12 hours
    expect(
      (await api.call(callers.officer, { method: 'GET', url: `/api/v1/exemptions/${e.id}` })).json<{
        state: string;
      }>().state,
    ).toBe('lapsed');
    expect(
      (
        await api.call(callers.officer, {
          method: 'POST',
          url: `/api/v1/exemptions/${e.id}/revoke`,
        })
      ).statusCode,
    ).toBe(409);
  });

  it('refuses bad exemption requests: 400 for both or neither, 422 out of scope or not allowed', async () => {
    api.at('2023-03-21T10:00:00Z');
    for (const who of ['officer', 'officer2', 'official2'] as const)
      callers[who] = await api.login(`${who}@x.org`, PASSWORD);
    const post = (payload: object) =>
      api.call(callers.officer, { method: 'POST', url: '/api/v1/exemptions', payload });
    const base = {
      mandate: 'iphones',
      ground: 'national-security',
      until: '2023-03-31',
      reason: 'r',
    };
    expect((await post({ ...base, device: 'd2', person: 'p2' })).statusCode).toBe(400);
    expect((await post(base)).statusCode).toBe(400);
    expect((await post({ ...base, device: 'd3' })).statusCode).toBe(422);
    expect((await post({ ...base, mandate: 'strict', device: 'd2' })).statusCode).toBe(422);
    const bad = await post({ ...base, device: 'd2', ground: 'convenience', until: '2023-06-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: { where: string }[] }>().details.map((d) => d.where)).toEqual([
      'ground',
      'until',
    ]);
    const e = (await post({ ...base, person: 'p2', until: '2023-03-22' })).json<{ id: number }>();
    expect(
      (
        await api.call(callers.officer, {
          method: 'POST',
          url: `/api/v1/exemptions/${e.id}/approve`,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await api.call(callers.official2, {
          method: 'POST',
          url: '/api/v1/exemptions',
          payload: { ...base, device: 'd1' },
        })
      ).statusCode,
    ).toBe(404);
    api.at('2023-03-23T10:00:00Z');
    callers.officer2 = await api.login('officer2@x.org', PASSWORD);
    expect(
      (
        await api.call(callers.officer2, {
          method: 'POST',
          url: `/api/v1/exemptions/${e.id}/approve`,
        })
      ).statusCode,
    ).toBe(409);
  });

  it('describes itself in OpenAPI 3.1 and serves the docs', async () => {
    const doc = await api.server.inject({ method: 'GET', url: '/api/openapi.json' });
    const spec = doc.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(spec.openapi).toBe('3.1.0');
    for (const p of [
      '/api/v1/auth/login',
      '/api/v1/mandates',
      '/api/v1/status',
      '/api/v1/devices/{id}',
      '/api/v1/exemptions',
      '/api/v1/exemptions/{id}/approve',
    ]) {
      expect(Object.keys(spec.paths)).toContain(p);
    }
    expect((await api.server.inject({ method: 'GET', url: '/api/docs/' })).statusCode).toBe(200);
  });

  it('signs out', async () => {
    const c = await api.login('logistics@x.org', PASSWORD);
    expect((await api.call(c, { method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(
      200,
    );
    expect((await api.call(c, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });
});

describeEachDatabase('writing people and devices through the API', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let officer: Caller;

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-02-20T12:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(peopleCsv([buildPerson({ id: 'p1', unit: 'Org/DPD/Elections' })])),
      '--observed-at',
      '2023-02-20',
    );
    cli.at('2023-02-25T12:00:00Z');
    await cli.run('apply', '-f', cli.file(MANDATES));
    api = await makeApi(url, '2023-03-10T09:00:00Z');
    await api.app.accounts.addUser(
      { email: 'o@x.org', roles: ['officer'], password: PASSWORD },
      'test',
    );
    officer = await api.login('o@x.org', PASSWORD);
  });
  afterAll(() => api.close());

  it('creates a device, which a mandate catches from that moment', async () => {
    const r = await api.call(officer, {
      method: 'POST',
      url: '/api/v1/devices',
      payload: {
        id: 'n1',
        owner: 'p1',
        class: 'Smartphone',
        platform: 'IOS',
        purposes: ['official'],
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      id: 'n1',
      class: 'smartphone',
      platform: 'ios',
      status: 'active',
    });
    const f = (
      await api.call(officer, { method: 'GET', url: '/api/v1/findings?mandate=iphones' })
    ).json<{ items: { device: string; opened: string }[] }>().items;
    expect(f).toEqual([
      expect.objectContaining({ device: 'n1', opened: '2023-03-10T09:00:00.000Z' }),
    ]);
    expect(
      (
        await api.call(officer, {
          method: 'POST',
          url: '/api/v1/devices',
          payload: { id: 'n1', class: 'laptop', platform: 'linux' },
        })
      ).statusCode,
    ).toBe(409);
  });

  it('a dry run previews which devices would open and close, and changes nothing', async () => {
    const yaml = MANDATES.replace('units: [Org/DPD]', 'units: [Org/Elsewhere]');
    const preview = await api.call(officer, {
      method: 'POST',
      url: '/api/v1/mandates/apply',
      payload: { yaml, dryRun: true },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      dryRun: true,
      lines: [
        {
          id: 'iphones',
          outcome: 'updated',
          closed: 1,
          sample: { closed: [{ device: 'n1', reason: 'mandate_changed' }] },
        },
        { id: 'strict', outcome: 'unchanged' },
      ],
    });
    expect(
      (await api.call(officer, { method: 'GET', url: '/api/v1/mandates/iphones' })).json(),
    ).toMatchObject({ version: 1 });
  });

  it('refuses bad fields, naming each', async () => {
    const r = await api.call(officer, {
      method: 'POST',
      url: '/api/v1/devices',
      payload: { id: 'n2', class: 'phablet', platform: 'ios', colour: 'red' },
    });
    expect(r.statusCode).toBe(400);
    const where = r
      .json<{ details: { where: string }[] }>()
      .details.map((d) => d.where)
      .join(' ');
    expect(where).toContain('class');
    expect(where).toContain('(body)');
    const owner = await api.call(officer, {
      method: 'POST',
      url: '/api/v1/devices',
      payload: { id: 'n2', class: 'laptop', platform: 'linux', owner: 'ghost' },
    });
    expect(owner.json<{ details: { where: string }[] }>().details[0]!.where).toBe('owner');
  });

  it('updates need the current ETag: 428 without, 412 when stale, and a change resolves the finding', async () => {
    api.at('2023-03-12T09:00:00Z');
    officer = await api.login('o@x.org', PASSWORD);
    const read = await api.call(officer, { method: 'GET', url: '/api/v1/devices/n1' });
    const etag = read.headers.etag as string;
    expect(
      (
        await api.call(officer, {
          method: 'PATCH',
          url: '/api/v1/devices/n1',
          payload: { status: 'retired' },
        })
      ).statusCode,
    ).toBe(428);
    expect(
      (
        await api.call(officer, {
          method: 'PATCH',
          url: '/api/v1/devices/n1',
          headers: { 'if-match': '"stale"' },
          payload: { status: 'retired' },
        })
      ).statusCode,
    ).toBe(412);
    const ok = await api.call(officer, {
      method: 'PATCH',
      url: '/api/v1/devices/n1',
      headers: { 'if-match': etag },
      payload: { status: 'retired' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).not.toBe(etag);
    expect(
      (
        await api.call(officer, {
          method: 'PATCH',
          url: '/api/v1/devices/n1',
          headers: { 'if-match': etag },
          payload: { model: 'x' },
        })
      ).statusCode,
    ).toBe(412);
    const f = (
      await api.call(officer, { method: 'GET', url: '/api/v1/findings?mandate=iphones' })
    ).json<{ items: { state: string; closeReason: string }[] }>().items;
    expect(f).toEqual([
      expect.objectContaining({ state: 'resolved', closeReason: 'device_inactive' }),
    ]);
  });

  it('moves a person out of scope with PUT', async () => {
    await api.call(officer, {
      method: 'POST',
      url: '/api/v1/devices',
      payload: { id: 'n3', owner: 'p1', class: 'smartphone', platform: 'ios' },
    });
    api.at('2023-03-12T10:00:00Z');
    const read = await api.call(officer, { method: 'GET', url: '/api/v1/people/p1' });
    const r = await api.call(officer, {
      method: 'PUT',
      url: '/api/v1/people/p1',
      headers: { 'if-match': read.headers.etag as string },
      payload: { name: 'Moved', unit: 'Org/Elsewhere' },
    });
    expect(r.statusCode, r.body).toBe(200);
    const f = (
      await api.call(officer, { method: 'GET', url: '/api/v1/findings?mandate=iphones' })
    ).json<{ items: { device: string; closeReason: string | null }[] }>().items;
    expect(f.find((x) => x.device === 'n3')).toMatchObject({ closeReason: 'owner_out_of_scope' });
    const created = await api.call(officer, {
      method: 'POST',
      url: '/api/v1/people',
      payload: { id: 'p9', name: 'New', unit: 'Org / New ', supervisor: 'p9' },
    });
    expect(created.statusCode).toBe(400);
  });
});

describeEachDatabase(
  'an official’s statement that a device is no longer used for official business',
  (kind) => {
    it('closes the restrict-use finding, is kept, and an import restoring official use is listed as a conflict', async () => {
      const url = await createTestDatabase(kind);
      const cli = makeCli(url, '2023-03-01T12:00:00Z');
      await cli.run(
        'import',
        'people',
        cli.file(peopleCsv([buildPerson({ id: 'p1' }), buildPerson({ id: 'p2' })])),
      );
      await cli.run(
        'import',
        'devices',
        cli.file(
          devicesCsv([
            buildDevice({ id: 's1', owner: 'p1', purposes: 'official;personal' }),
            buildDevice({ id: 's2', owner: 'p2' }),
          ]),
        ),
      );
      const restrict = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: no-smartphones, title: No official smartphones, issuedAt: 2023-03-01 }
spec:
  target: device.class == "smartphone" && "official" in device.purposes
  action: restrict-use
  phases: [{ id: effective, due: 2023-03-20, requires: resolve }]
`;
      expect((await cli.run('apply', '-f', cli.file(restrict))).out).toBe(
        'created no-smartphones v1 (+2 −0)\n',
      );
      const api = await makeApi(url, '2023-03-05T10:00:00Z');
      await api.app.accounts.addUser(
        { email: 'p1@x.org', roles: ['official'], personId: 'p1', password: PASSWORD },
        'test',
      );
      const me = await api.login('p1@x.org', PASSWORD);
      expect(
        (
          await api.call(me, {
            method: 'POST',
            url: '/api/v1/devices/s2/no-official-use',
            payload: {},
          })
        ).statusCode,
      ).toBe(404);
      const r = await api.call(me, {
        method: 'POST',
        url: '/api/v1/devices/s1/no-official-use',
        payload: { note: 'only for family calls now' },
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json<{ purposes: string[] }>().purposes).toEqual(['personal']);
      expect(
        (
          await api.call(me, {
            method: 'POST',
            url: '/api/v1/devices/s1/no-official-use',
            payload: {},
          })
        ).statusCode,
      ).toBe(409);
      const f = await cli.json<{ device: string; state: string; closeReason: string | null }[]>(
        'findings',
        'no-smartphones',
        '--as-of',
        '2023-03-06',
        '--format',
        'json',
      );
      expect(f.find((x) => x.device === 's1')).toMatchObject({
        state: 'resolved',
        closeReason: 'device_changed',
      });
      cli.at('2023-03-10T12:00:00Z');
      const back = await cli.run(
        'import',
        'devices',
        cli.file(
          devicesCsv([buildDevice({ id: 's1', owner: 'p1', purposes: 'official' })]),
          'mdm.csv',
        ),
      );
      expect(back.code).toBe(0);
      expect(back.err).toContain('conflict: mdm.csv:2 device s1: restores official use');
      const again = await cli.json<{ device: string; state: string }[]>(
        'findings',
        'no-smartphones',
        '--as-of',
        '2023-03-11',
        '--format',
        'json',
        '--state',
        'pending',
      );
      expect(again.map((x) => x.device)).toEqual(['s2', 's1']);
      await api.close();
    });
  },
);
