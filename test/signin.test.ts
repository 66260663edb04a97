import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi } from './helpers/api.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

describeEachDatabase('sign-in that resists guessing', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;

  let url: string;

  beforeAll(async () => {
    url = await createTestDatabase(kind);
    api = await makeApi(url, '2023-03-20T09:00:00Z');
    await api.app.accounts.addUser(
      { email: 'lena@x.org', password: 'lena-password-1', roles: ['auditor'], units: [] },
      'test',
    );
  });
  afterAll(() => api.close());

  const signIn = (email: string, password: string, address = '10.0.0.1') =>
    api.server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: address,
    });

  it('refuses a password longer than 1,024 bytes before checking it', async () => {
    const r = await signIn('lena@x.org', 'й'.repeat(513));
    expect(r.statusCode).toBe(400);
    expect(r.json<{ details: { where: string; message: string }[] }>().details).toEqual([
      {
        where: 'password',
        message: 'is longer than 1024 bytes',
        code: 'too_long_bytes',
        params: { maximum: 1024 },
      },
    ]);
  });

  it('counts each attempt when it begins: 40 parallel guesses get at most 5 checks', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn('lena@x.org', `guess-${i}`, '10.0.0.2')),
    );
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(35);
    expect(codes.every((c) => c === 401 || c === 429)).toBe(true);
  });

  it('slows a pair down instead of locking the account: waits double, another address signs in', async () => {
    api.at('2023-03-21T09:00:00Z');
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await signIn('lena@x.org', `wrong-${i}`, '10.1.0.1')).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401]);
    const held = await signIn('lena@x.org', 'lena-password-1', '10.1.0.1');
    expect(held.statusCode).toBe(429);
    expect(held.headers['retry-after']).toBe('1');
    expect(held.json<{ details: unknown[] }>().details).toEqual([
      {
        where: 'email',
        code: 'rate_limited',
        params: { retryAfter: 1 },
        message: 'try again in 1 s',
      },
    ]);
    // Lena, from her own desk, is not locked out by what another address does.
    expect((await signIn('lena@x.org', 'lena-password-1', '10.1.0.9')).statusCode).toBe(200);
    // One second later one more attempt; then two seconds, then four.
    api.at('2023-03-21T09:00:01Z');
    expect((await signIn('lena@x.org', 'wrong-5', '10.1.0.1')).statusCode).toBe(401);
    const second = await signIn('lena@x.org', 'wrong-6', '10.1.0.1');
    expect([second.statusCode, second.headers['retry-after']]).toEqual([429, '2']);
    api.at('2023-03-21T09:00:03Z');
    expect((await signIn('lena@x.org', 'wrong-6', '10.1.0.1')).statusCode).toBe(401);
    expect((await signIn('lena@x.org', 'x', '10.1.0.1')).headers['retry-after']).toBe('4');
    // Waited out, the right password signs in and the pair starts afresh.
    api.at('2023-03-21T09:00:07Z');
    expect((await signIn('lena@x.org', 'lena-password-1', '10.1.0.1')).statusCode).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await signIn('lena@x.org', `again-${i}`, '10.1.0.1')).statusCode).toBe(401);
  });

  it('caps the attempts of one address over every account, and shares the count with other processes', async () => {
    api.at('2023-03-22T09:00:00Z');
    const other = await makeApi(url, '2023-03-22T09:00:00Z');
    try {
      // Ninety-eight attempts from this address already (each costs a full password check):
      await api.app.store.db
        .insertInto('sign_in_throttle')
        .values({
          key: 'address:10.2.0.1',
          attempts: 98,
          blocked_until: 0,
          window_start: Date.parse('2023-03-22T09:00:00Z'),
        })
        .execute();
      for (const [i, server] of [api.server, other.server].entries()) {
        const r = await server.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: `someone-${i}@x.org`, password: 'guess-guess' },
          remoteAddress: '10.2.0.1',
        });
        expect(r.statusCode).toBe(401);
      }
      const capped = await signIn('lena@x.org', 'lena-password-1', '10.2.0.1');
      expect(capped.statusCode).toBe(429);
      expect(capped.headers['retry-after']).toBe('900');
      expect((await signIn('lena@x.org', 'lena-password-1', '10.2.0.2')).statusCode).toBe(200);
      api.at('2023-03-22T09:15:01Z');
      expect((await signIn('lena@x.org', 'lena-password-1', '10.2.0.1')).statusCode).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('an unknown account is answered like a wrong password', async () => {
    const r = await signIn('nobody@x.org', 'whatever-1', '10.0.0.3');
    expect(r.statusCode).toBe(401);
    expect(r.json<{ message: string }>().message).toBe('wrong email or password');
  });
});
