import { expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { fixedClock } from '../src/adapters/clock.js';
import { makeApi } from './helpers/api.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

describeEachDatabase('users and tokens on the command line', (kind) => {
  const run = async (db: string, stdin: string, ...args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(['--db', db, ...args], {
      io: { out: (t) => (out += t), err: (t) => (err += t), isTty: false },
      clock: fixedClock(Date.parse('2023-03-01T10:00:00Z')),
      readStdin: () => Promise.resolve(stdin),
    });
    return { code, out, err };
  };

  it('serve refuses an empty database and says how to create the first admin', async () => {
    const db = await createTestDatabase(kind);
    const r = await run(db, '', 'serve', '--port', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain('users add EMAIL --role admin --password-stdin');
  });

  it('adds, lists and disables accounts; a token is printed alone on the last line and works until revoked', async () => {
    const db = await createTestDatabase(kind);
    expect(
      (
        await run(
          db,
          'a strong password\n',
          'users',
          'add',
          'Admin@X.org',
          '--role',
          'admin',
          '--role',
          'auditor',
          '--password-stdin',
        )
      ).code,
    ).toBe(0);
    // Once an account exists, a decision from the command line names who makes it.
    const nameless = await run(
      db,
      'another password\n',
      'users',
      'add',
      'b@x.org',
      '--role',
      'officer',
      '--password-stdin',
    );
    expect(nameless.code).toBe(2);
    expect(nameless.err).toContain('who decides this? Give --as EMAIL');
    const bad = await run(
      db,
      'short\n',
      ...['--as', 'admin@x.org'],
      'users',
      'add',
      'nobody',
      '--role',
      'king',
      '--password-stdin',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('email');
    expect(bad.err).toContain('king');
    expect(bad.err).toContain('at least 10');
    const list = await run(db, '', 'users', 'list', '--json');
    expect(JSON.parse(list.out)).toMatchObject([
      { email: 'admin@x.org', roles: ['admin', 'auditor'], disabled: false },
    ]);
    const created = await run(
      db,
      '',
      ...['--as', 'admin@x.org'],
      'tokens',
      'create',
      '--user',
      'admin@x.org',
      '--name',
      'sync',
      '--expires',
      'P90D',
    );
    expect(created.code).toBe(0);
    const token = created.out.trimEnd().split('\n').at(-1)!;
    expect(token).toMatch(/^po_[A-Za-z0-9_-]{40,}$/);
    const api = await makeApi(db, '2023-03-01T10:00:00Z');
    const get = () =>
      api.server.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await get()).statusCode).toBe(200);
    api.at('2023-06-01T10:00:00Z');
    expect((await get()).statusCode).toBe(401);
    api.at('2023-03-01T10:00:00Z');
    const revoke99 = await run(db, '', '--as', 'admin@x.org', 'tokens', 'revoke', '99');
    expect(revoke99.code).toBe(2);
    expect(revoke99.err).toContain('99');
    expect((await run(db, '', '--as', 'admin@x.org', 'users', 'disable', 'admin@x.org')).code).toBe(
      0,
    );
    // The audit names the account that decided, and the first account the host's user.
    const actors = (
      await api.app.store.db.selectFrom('audit_log').select('actor').orderBy('seq').execute()
    ).map((r) => r.actor);
    expect(actors[0]).toMatch(/^cli:[^@\s]+@\S+$/);
    expect(actors.at(-1)).toBe('admin@x.org');
    expect(actors).not.toContain('cli:unknown');
    expect((await get()).statusCode).toBe(401);
    await api.close();
  });
});
