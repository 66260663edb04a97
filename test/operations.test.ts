import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { buildServer } from '../src/http/server.js';
import { makeApi, type Caller } from './helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { freePort } from './helpers/net.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'phaseout.js');
const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;

describeEachDatabase('health, readiness and metrics for whoever runs the server', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let admin: Caller;

  beforeAll(async () => {
    api = await makeApi(await createTestDatabase(kind), '2023-03-20T09:00:00Z');
    await api.app.accounts.addUser(
      { email: 'admin@x.org', password: 'admin-password-1', roles: ['admin'], units: [] },
      'test',
    );
    admin = await api.login('admin@x.org', 'admin-password-1');
    const people = ['a', 'b', 'c'].map((id) => buildPerson({ id, unit: 'Org/A' }));
    await api.app.imports.importPeople(Buffer.from(peopleCsv(people)), {
      fileName: 'people.csv',
      actor: 'test',
    });
    const devices = [
      buildDevice({ id: 'd1', owner: 'a', platform: 'ios' }),
      buildDevice({ id: 'd2', owner: 'b', platform: 'ios' }),
      buildDevice({ id: 'd3', owner: 'c', platform: 'android' }),
    ];
    await api.app.imports.importDevices(Buffer.from(devicesCsv(devices)), {
      fileName: 'devices.csv',
      actor: 'test',
    });
    await api.app.mandates.apply(MANDATE, { fileName: 'm.yaml', actor: 'test' });
    await api.app.mandates
      .apply('not: a mandate', { fileName: 'bad.yaml', actor: 'test' })
      .catch(() => null);
  });
  afterAll(() => api.close());

  it('says it is alive and ready without a session', async () => {
    const alive = await api.server.inject({ method: 'GET', url: '/healthz' });
    expect(alive.statusCode).toBe(200);
    expect(alive.json()).toEqual({ status: 'alive' });
    const ready = await api.server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('answers metrics in Prometheus form: requests by route, work by outcome, open findings, outbox', async () => {
    await api.call(admin, { method: 'GET', url: '/api/v1/people/a' });
    const r = await api.server.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = r.body;
    // The route's pattern, never the path with a person's id in it.
    expect(text).toMatch(
      /phaseout_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/people\/:id",status="200"\} 1\n/,
    );
    expect(text).not.toContain('/api/v1/people/a"');
    expect(text).toMatch(
      /phaseout_work_duration_seconds_count\{work="import",kind="devices",outcome="ok"\} 1\n/,
    );
    expect(text).toMatch(
      /phaseout_work_duration_seconds_count\{work="apply",kind="write",outcome="ok"\} 1\n/,
    );
    expect(text).toMatch(
      /phaseout_work_duration_seconds_count\{work="apply",kind="write",outcome="refused"\} 1\n/,
    );
    expect(text).toContain('phaseout_open_findings{mandate="iphones"} 2\n');
    expect(text).toContain('phaseout_outbox_depth 0\n');
    expect(text).toContain('phaseout_outbox_oldest_age_seconds 0\n');
    expect(text).toContain('phaseout_outbox_dead_letters 0\n');
    expect(text).toContain('phaseout_process_resident_memory_bytes');
  });

  it('counts the outbox: what waits, how old the oldest is, what died', async () => {
    const db = api.app.store.db;
    const at = Date.parse('2023-03-20T08:00:00Z');
    const row = (i: number, state: 'queued' | 'dead', created: number) => ({
      finding_id: i,
      mandate_id: 'iphones',
      device_id: 'd1',
      owner_id: 'a',
      step: `remind-P3D#${i}`,
      recipient: 'a',
      address: 'a@x.org',
      channel: 'email' as const,
      language: 'en',
      subject: 's',
      body: 'b',
      state,
      attempts: 0,
      due_at: created,
      next_at: created,
      lease_until: null,
      created_at: created,
      sent_at: null,
      error: null,
      report_id: null,
    });
    await db
      .insertInto('notifications')
      .values([row(1, 'queued', at), row(2, 'queued', at + 1_800_000), row(3, 'dead', at)])
      .execute();
    const text = (await api.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('phaseout_outbox_depth 2\n');
    expect(text).toContain('phaseout_outbox_oldest_age_seconds 3600\n');
    expect(text).toContain('phaseout_outbox_dead_letters 1\n');
    await db.deleteFrom('notifications').execute();
  });

  it('is not ready when the database does not answer', async () => {
    const app = await createApp({ dbUrl: await createTestDatabase(kind) });
    const server = await buildServer(app);
    await app.store.close();
    const r = await server.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toEqual({
      error: 'not_ready',
      message: 'the database does not answer',
      requestId: expect.any(String) as unknown,
    });
    expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await server.close();
  });
});

describe('metrics behind a token', () => {
  it('answers only to the configured bearer token, which is not an API token', async () => {
    const app = await createApp({ dbUrl: await createTestDatabase('sqlite') });
    const server = await buildServer(app, { metricsToken: 'metrics-secret-0123456789' });
    const ask = (authorization?: string) =>
      server.inject({
        method: 'GET',
        url: '/metrics',
        ...(authorization ? { headers: { authorization } } : {}),
      });
    const none = await ask();
    expect(none.statusCode).toBe(401);
    expect(none.json<{ error: string }>().error).toBe('unauthenticated');
    expect((await ask('Bearer wrong-token')).statusCode).toBe(401);
    const ok = await ask('Bearer metrics-secret-0123456789');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('phaseout_open_findings');
    // Health and readiness stay open; the API does not take the metrics token.
    expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const api = await server.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: 'Bearer metrics-secret-0123456789' },
    });
    expect(api.statusCode).toBe(401);
    await server.close();
    await app.close();
  });
});

describe('one error shape, authentication first, nothing cached', () => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let admin: Caller;

  beforeAll(async () => {
    api = await makeApi(await createTestDatabase('sqlite'), '2023-03-20T09:00:00Z');
    await api.app.accounts.addUser(
      { email: 'admin@x.org', password: 'admin-password-1', roles: ['admin'], units: [] },
      'test',
    );
    admin = await api.login('admin@x.org', 'admin-password-1');
  });
  afterAll(() => api.close());

  const shape = { error: 'not_found', requestId: expect.any(String) as unknown };

  it('answers an unknown route, in the API or not, with the one error shape', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nothing'],
      ['DELETE', '/api/v1/auth/login'],
      ['GET', '/nothing?x=1'],
    ] as const) {
      const r = await api.server.inject({ method, url });
      expect(r.statusCode).toBe(404);
      expect(r.json()).toMatchObject({
        ...shape,
        message: `there is no ${method} ${url.split('?')[0]}`,
      });
    }
  });

  it('refuses an anonymous write as 401 before reading its body, bad or too large', async () => {
    for (const payload of ['{not json', 'x'.repeat(2_000_000), '{"mandate":""}']) {
      const r = await api.server.inject({
        method: 'POST',
        url: '/api/v1/exemptions',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(r.statusCode).toBe(401);
      expect(r.json<{ error: string; requestId: string }>()).toMatchObject({
        error: 'unauthenticated',
        requestId: expect.any(String) as unknown,
      });
    }
  });

  it('refuses a cookie write without its CSRF header as 403 before reading its body', async () => {
    const r = await api.server.inject({
      method: 'POST',
      url: '/api/v1/exemptions',
      payload: '{not json',
      headers: { 'content-type': 'application/json', cookie: admin.cookie },
    });
    expect(r.statusCode).toBe(403);
    expect(r.json<{ message: string }>().message).toMatch(/CSRF/);
  });

  it('marks every API answer no-store, errors included', async () => {
    for (const url of ['/api/v1/auth/me', '/api/v1/people', '/api/v1/nothing']) {
      const r = await api.call(admin, { method: 'GET', url });
      expect(r.headers['cache-control'], url).toBe('no-store');
    }
    const anonymous = await api.server.inject({ method: 'GET', url: '/api/v1/people' });
    expect(anonymous.headers['cache-control']).toBe('no-store');
    // The summary page and SCIM carry data too.
    for (const url of ['/summary', '/scim/v2/Users']) {
      const r = await api.call(admin, { method: 'GET', url });
      expect(r.headers['cache-control'], url).toBe('no-store');
    }
  });
});

describe('behind a TLS proxy, and serving TLS itself', () => {
  const addUser = async (dbUrl: string) => {
    const app = await createApp({ dbUrl });
    await app.accounts.addUser(
      { email: 'admin@x.org', password: 'admin-password-1', roles: ['admin'], units: [] },
      'test',
    );
    return app;
  };
  const login = (server: Awaited<ReturnType<typeof buildServer>>, headers = {}) =>
    server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'admin@x.org', password: 'admin-password-1' },
      headers,
    });

  it('makes the session cookie Secure and sends HSTS only when the trusted proxy says https', async () => {
    const app = await addUser(await createTestDatabase('sqlite'));
    const trusting = await buildServer(app, { trustProxy: true });
    const behind = await login(trusting, { 'x-forwarded-proto': 'https' });
    expect(behind.statusCode).toBe(200);
    expect(behind.headers['set-cookie']).toMatch(/phaseout_session=[^;]+;.*Secure/);
    expect(behind.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const plain = await login(trusting);
    expect(plain.headers['set-cookie']).not.toMatch(/Secure/);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    // Not configured: whatever a client claims, nothing changes.
    const direct = await buildServer(app);
    const claimed = await login(direct, { 'x-forwarded-proto': 'https' });
    expect(claimed.headers['set-cookie']).not.toMatch(/Secure/);
    expect(claimed.headers['strict-transport-security']).toBeUndefined();
    await trusting.close();
    await direct.close();
    await app.close();
  });

  it('--trust-proxy alone believes the nearest proxy only: a forged X-Forwarded-For is not the client', async () => {
    const app = await addUser(await createTestDatabase('sqlite'));
    const trusting = await buildServer(app, { trustProxy: true });
    trusting.get('/whoami-test', (req) => ({ ip: req.ip }));
    // The client claims 10.9.9.9; the proxy appends the address it saw, 203.0.113.7.
    const seen = await trusting.inject({
      method: 'GET',
      url: '/whoami-test',
      headers: { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' },
    });
    expect(seen.json()).toEqual({ ip: '203.0.113.7' });
    const hops = await buildServer(app, { trustProxy: '2' });
    hops.get('/whoami-test', (req) => ({ ip: req.ip }));
    const two = await hops.inject({
      method: 'GET',
      url: '/whoami-test',
      headers: { 'x-forwarded-for': '10.9.9.9, 198.51.100.1, 203.0.113.7' },
    });
    expect(two.json()).toEqual({ ip: '198.51.100.1' });
    await trusting.close();
    await hops.close();
    await app.close();
  });

  it('serves HTTPS with a certificate and key, with HSTS and a Secure cookie', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phaseout-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
    const app = await addUser(await createTestDatabase('sqlite'));
    const server = await buildServer(app, {
      https: { cert: readFileSync(cert), key: readFileSync(key) },
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const port = (server.server.address() as AddressInfo).port;
    const answer = await new Promise<{ status: number; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        const body = JSON.stringify({ email: 'admin@x.org', password: 'admin-password-1' });
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/auth/login',
            ca: readFileSync(cert),
            servername: 'localhost',
            headers: { 'content-type': 'application/json', 'content-length': body.length },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
          },
        );
        req.on('error', reject);
        req.end(body);
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(String(answer.headers['set-cookie'])).toMatch(/Secure/);
    await server.close();
    await app.close();
  });

  it('refuses to serve with a certificate but no key, or a file it cannot read (exit 2)', async () => {
    const cli = makeCli(await createTestDatabase('sqlite'));
    const half = await cli.run('serve', '--tls-cert', '/nonexistent/cert.pem');
    expect(half.code).toBe(2);
    expect(half.err).toContain('--tls-key: is required with the other');
    const missing = await cli.run(
      'serve',
      '--tls-cert',
      '/nonexistent/cert.pem',
      '--tls-key',
      '/nonexistent/key.pem',
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--tls-cert');
    expect(missing.err).toContain('ENOENT');
  });
});

describe('the logs of a real server', () => {
  it('never hold a password, token, session or CSRF token; info has no line per request, debug has', async () => {
    const url = await createTestDatabase('sqlite');
    const app = await createApp({ dbUrl: url });
    const password = 'Secret-Password-4711';
    await app.accounts.addUser(
      { email: 'admin@x.org', password, roles: ['admin'], units: [] },
      'test',
    );
    await app.close();
    const dir = mkdtempSync(join(tmpdir(), 'phaseout-ops-'));
    const keyFile = join(dir, 'audit.pem');
    writeFileSync(
      keyFile,
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const checkpoints = join(dir, 'checkpoints');
    const run = async (level: string, work: (base: string) => Promise<string[]>) => {
      const port = await freePort();
      const child = spawn(process.execPath, [BIN, '--db', url, 'serve', '--port', String(port)], {
        env: {
          ...process.env,
          PHASEOUT_LOG_LEVEL: level,
          PHASEOUT_AUDIT_KEY_FILE: keyFile,
          PHASEOUT_AUDIT_CHECKPOINT_DIR: checkpoints,
        },
      });
      let log = '';
      child.stdout.on('data', (b: Buffer) => (log += b.toString()));
      child.stderr.on('data', (b: Buffer) => (log += b.toString()));
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const ok = await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`the server did not start:\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const secrets = await work(base);
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      return { log, secrets };
    };
    const session = async (base: string): Promise<string[]> => {
      const signIn = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@x.org', password }),
      });
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      const { csrfToken } = (await signIn.json()) as { csrfToken: string };
      const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
      const made = await fetch(`${base}/api/v1/tokens`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ account: 'admin@x.org', name: 'ci' }),
      });
      const { token } = (await made.json()) as { token: string };
      await fetch(`${base}/api/v1/people?q=x`, { headers: { authorization: `Bearer ${token}` } });
      await fetch(`${base}/api/v1/auth/me`, {
        headers: { authorization: 'Bearer not-a-token-123' },
      });
      await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@x.org', password: 'Wrong-Password-0815' }),
      });
      await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers });
      return [
        password,
        'Wrong-Password-0815',
        'not-a-token-123',
        token,
        cookie.split('=')[1]!,
        csrfToken,
      ];
    };
    const debug = await run('debug', session);
    const lines = debug.log.split('\n').filter((l) => l.startsWith('{'));
    const answered = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'answered');
    expect(answered.length).toBeGreaterThanOrEqual(6);
    expect(answered.some((l) => l.route === '/api/v1/tokens' && l.status === 201)).toBe(true);
    for (const secret of debug.secrets) expect(debug.log).not.toContain(secret);
    // With the audit key configured, the server signed the day's checkpoint, once.
    const written = readdirSync(checkpoints);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^audit-\d{4}-\d{2}-\d{2}T\d{6}Z-seq\d+\.json$/);
    expect(debug.log).toContain('audit checkpoint written');
    const info = await run('info', session);
    expect(readdirSync(checkpoints)).toHaveLength(1);
    expect(info.log).not.toContain('PRIVATE KEY');
    expect(info.log).not.toContain('"answered"');
    expect(info.log).not.toContain('incoming request');
    for (const secret of info.secrets) expect(info.log).not.toContain(secret);
  }, 60_000);
});
