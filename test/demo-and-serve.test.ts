import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { buildServer } from '../src/http/server.js';
import type { MandateStatus } from '../src/services/status.service.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase } from './helpers/databases.js';

describe('the demo organisation and the first served page', () => {
  let url: string;
  let app: App;

  beforeAll(async () => {
    url = await createTestDatabase('sqlite');
    const cli = makeCli(url, '2026-11-28T00:00:00Z');
    const r = await cli.run('demo');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^demo loaded: \d+ people, \d+ devices\n$/);
    app = await createApp({ dbUrl: url });
  });

  it('is deterministic and loads again idempotently', async () => {
    const cli = makeCli(url);
    expect((await cli.run('demo')).out).toBe('the demo is already loaded: nothing changed\n');
    const people = await app.store.db
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(people!.n)).toBeGreaterThan(1800);
  });

  it('tells the March 2023 story: progress, stragglers and a missed deadline', async () => {
    const march = await app.status.status('kremlin-iphone-2023', { asOf: '2023-03-25' });
    const april = await app.status.status('kremlin-iphone-2023', { asOf: '2023-04-02' });
    expect(march.phases[0]!.state).toBe('open');
    expect(march.devices.resolved).toBeGreaterThan(0);
    expect(march.devices.pending).toBeGreaterThan(0);
    expect(april.phases[0]!.state).toBe('missed');
    expect(april.devices.overdue).toBeGreaterThan(0);
    const kaspersky = await app.status.status('kaspersky-removal-2023', { asOf: '2023-03-25' });
    expect(kaspersky.phases.map((p) => p.state)).toEqual(['met', 'missed', 'upcoming']);
    expect(kaspersky.phases[0]!.metAt).toBe('2023-03-14T10:00:00.000Z');
  });

  it('declares the directorate’s own iPhones in March: what the iPhone order catches is what was declared, from that moment', async () => {
    const officer = await app.accounts.actorForEmail('officer@demo.phaseout');
    const c = await app.campaigns.status(officer, 'dpd-devices-2023');
    expect(c.people).toBeGreaterThan(500);
    expect(c.confirmed / c.people).toBeGreaterThan(0.8);
    expect(c.late).toBeGreaterThan(0);
    expect(c.notStarted).toBeGreaterThan(0);
    expect(c.inProgress).toBeGreaterThan(0);
    expect(c.devicesDeclared).toBeGreaterThan(200);
    expect(c.attestations).toHaveLength(3);
    const before = await app.status.status('kremlin-iphone-2023', { asOf: '2023-02-28' });
    expect(before.devices.pending + before.devices.resolved).toBe(0);
    const findings = await app.store.db
      .selectFrom('findings as f')
      .innerJoin('declarations as d', 'd.device_id', 'f.device_id')
      .select(['f.device_id', 'f.opened_at', 'd.declared_at'])
      .where('f.mandate_id', '=', 'kremlin-iphone-2023')
      .orderBy('f.opened_at')
      .execute();
    // The register's own corporate iPhones are caught without a declaration: a leaver's, and
    // the reception's shared one that the directorate holds (DESIGN §5a).
    const corporate = ['CORP-IPHONE-0001', 'RECEPTION-IPHONE-0001'];
    const all = await app.store.db
      .selectFrom('findings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('mandate_id', '=', 'kremlin-iphone-2023')
      .where('device_id', 'not in', corporate)
      .executeTakeFirstOrThrow();
    const held = await app.status.findings('kremlin-iphone-2023', { asOf: '2023-04-20' });
    expect(
      held.filter((f) => corporate.includes(f.device)).map((f) => [f.device, f.owner, f.state]),
    ).toEqual([
      // The leaver's: theirs until they left in the second week, then their department's.
      ['CORP-IPHONE-0001', expect.stringMatching(/^P\d{5}$/), 'transferred'],
      ['RECEPTION-IPHONE-0001', null, 'overdue'],
      ['CORP-IPHONE-0001', null, 'overdue'],
    ]);
    const now = await app.status.status('kremlin-iphone-2023', { asOf: '2023-04-20' });
    expect(now.devices.unassigned).toBe(1);
    expect(now.devices.departed).toBeGreaterThan(0);
    expect(findings.length).toBeGreaterThan(200);
    expect(findings.length).toBe(Number(all.n));
    const first = new Map<string, number>();
    for (const f of findings) if (!first.has(f.device_id)) first.set(f.device_id, f.opened_at);
    for (const f of findings) expect(first.get(f.device_id)).toBe(f.declared_at);
  });

  it('refuses to load over other data', async () => {
    const other = await createTestDatabase('sqlite');
    const cli = makeCli(other);
    await cli.run('import', 'people', cli.file('id,name,unit\nx,X,Org\n'));
    const r = await cli.run('demo');
    expect(r.code).toBe(2);
    expect(r.err).toContain('other than the demo');
  });

  it('serves each mandate with its due date and counts, and the same objects as status --json', async () => {
    const server = await buildServer(app);
    const login = await server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'officer@demo.phaseout', password: 'demo-officer-pass' },
    });
    expect(login.statusCode).toBe(200);
    const cookie = `phaseout_session=${login.cookies[0]!.value}`;
    const front = await server.inject({ method: 'GET', url: '/' });
    expect(front.statusCode).toBe(302);
    expect(front.headers.location).toMatch(/^\/(console\/|summary)$/);
    const anonymous = await server.inject({ method: 'GET', url: '/summary' });
    expect(anonymous.body).toContain('Sign in');
    const page = await server.inject({ method: 'GET', url: '/summary', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Replace iPhones — domestic-politics officials');
    expect(page.body).toContain('due <time datetime="2023-04-01">');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const mandates = await server.inject({
      method: 'GET',
      url: '/api/v1/mandates',
      headers: { cookie },
    });
    expect(mandates.json<{ id: string }[]>().map((m) => m.id)).toEqual([
      'kaspersky-removal-2023',
      'kremlin-iphone-2023',
      'no-official-smartphones',
    ]);
    const api = await server.inject({
      method: 'GET',
      url: '/api/v1/status?asOf=2023-03-25',
      headers: { cookie },
    });
    const cli = await makeCli(url).json<MandateStatus[]>(
      'status',
      '--as-of',
      '2023-03-25',
      '--json',
    );
    expect(api.json()).toEqual(cli);
    const bad = await server.inject({
      method: 'GET',
      url: '/api/v1/status?asOf=soon',
      headers: { cookie },
    });
    expect(bad.statusCode).toBe(400);
    const body = bad.json<{ error: string; requestId: string }>();
    expect(body.error).toBe('invalid_input');
    expect(body.requestId).toMatch(/\S/);
    await server.close();
  });

  it('signs in with the form, shows the page, and signs out', async () => {
    const server = await buildServer(app);
    const bad = await server.inject({
      method: 'POST',
      url: '/login',
      payload: 'email=officer%40demo.phaseout&password=wrong',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(bad.statusCode).toBe(401);
    const r = await server.inject({
      method: 'POST',
      url: '/login',
      payload: 'email=officer%40demo.phaseout&password=demo-officer-pass',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.statusCode).toBe(303);
    const cookie = `phaseout_session=${r.cookies[0]!.value}`;
    const page = await server.inject({ method: 'GET', url: '/summary', headers: { cookie } });
    expect(page.body).toContain('Sign out');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    expect(
      (
        await server.inject({
          method: 'POST',
          url: '/logout',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'x=1',
        })
      ).statusCode,
    ).toBe(403);
    const out = await server.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrf)}`,
    });
    expect(out.statusCode).toBe(303);
    expect(
      (await server.inject({ method: 'GET', url: '/summary', headers: { cookie } })).body,
    ).toContain('Sign in');
    await server.close();
  });
});
