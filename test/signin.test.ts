import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi } from './helpers/api.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

describeEachDatabase('sign-in that resists guessing', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;

  beforeAll(async () => {
    api = await makeApi(await createTestDatabase(kind), '2023-03-20T09:00:00Z');
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

  it('an unknown account is answered like a wrong password', async () => {
    const r = await signIn('nobody@x.org', 'whatever-1', '10.0.0.3');
    expect(r.statusCode).toBe(401);
    expect(r.json<{ message: string }>().message).toBe('wrong email or password');
  });
});
