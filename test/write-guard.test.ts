import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROLES } from '../src/domain/access.policy.js';
import { writeTransaction } from '../src/store/transaction.js';
import { makeApi, type Caller } from './helpers/api.js';
import { buildPerson, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const NOW = '2023-03-01T10:00:00Z';
/** Roles whose accounts may change people, and so hold a SCIM token. */
const WRITES_PEOPLE = new Set(['admin', 'officer', 'logistics']);

describeEachDatabase('no read waits on its own write', (kind) => {
  let db: string;
  let api: Awaited<ReturnType<typeof makeApi>>;
  let admin: Caller;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const cli = makeCli(db, NOW);
    const people = ROLES.map((role, i) =>
      buildPerson({ id: `P${i}`, name: `Ирина ${role}`, unit: 'Org/Отдел' }),
    );
    expect((await cli.run('import', 'people', cli.file(peopleCsv(people)))).code).toBe(0);
    api = await makeApi(db, NOW);
    await api.app.accounts.addUser(
      { email: 'admin@x.org', password: 'admin-password-1', roles: ['admin'], units: [] },
      'test',
    );
    for (const [i, role] of ROLES.entries()) {
      for (const linked of [true, false]) {
        await api.app.accounts.addUser(
          {
            email: `${role}-${linked ? 'person' : 'alone'}@x.org`,
            roles: [role],
            units: role === 'unit-head' ? ['Org'] : [],
            personId: linked ? `P${i}` : null,
          },
          'test',
        );
      }
    }
    admin = await api.login('admin@x.org', 'admin-password-1');
  });
  afterAll(() => api?.close());

  it('a read through the pool inside a write transaction fails loudly instead of waiting; the next write goes on', async () => {
    const store = api.app.store;
    await expect(
      writeTransaction(store, async () => store.db.selectFrom('people').selectAll().execute()),
    ).rejects.toThrow(/inside a write transaction/);
    await expect(
      writeTransaction(store, () => writeTransaction(store, () => Promise.resolve(1))),
    ).rejects.toThrow(/inside a write transaction/);
    // Work the transaction started but did not wait for may read once it has ended.
    let later: Promise<unknown> = Promise.resolve();
    await writeTransaction(store, async (tx) => {
      later = new Promise((r) => setTimeout(r, 10)).then(() =>
        store.db.selectFrom('people').select('id').execute(),
      );
      return tx.selectFrom('people').select('id').execute();
    });
    await expect(later).resolves.toHaveLength(ROLES.length);
    expect(
      await writeTransaction(store, async (tx) => tx.selectFrom('people').select('id').execute()),
    ).toHaveLength(ROLES.length);
  });

  it('creates every kind of token for every kind of account, over the API and the command line', async () => {
    const kinds = [
      { name: 'api' },
      { name: 'read-only', readOnly: true },
      { name: 'scim', scim: true },
      { name: 'expiring', expires: 'P30D' },
    ];
    const cli = makeCli(db, NOW);
    for (const role of ROLES) {
      for (const linked of ['person', 'alone']) {
        const account = `${role}-${linked}@x.org`;
        for (const k of kinds) {
          const refused = k.scim === true && !WRITES_PEOPLE.has(role);
          const r = await api.call(admin, {
            method: 'POST',
            url: '/api/v1/tokens',
            payload: { account, ...k, name: `${k.name} for ${account}` },
          });
          expect(r.statusCode, `${k.name} for ${account}: ${r.body}`).toBe(refused ? 400 : 201);
          const flags = [
            ...(k.readOnly ? ['--read-only'] : []),
            ...(k.scim ? ['--scim'] : []),
            ...(k.expires ? ['--expires', k.expires] : []),
          ];
          const c = await cli.run(
            ...['--as', 'admin-alone@x.org'],
            'tokens',
            'create',
            '--user',
            account,
            '--name',
            k.name,
            ...flags,
          );
          expect(c.code, `${k.name} for ${account}: ${c.err}`).toBe(refused ? 2 : 0);
          if (!refused) expect(c.out.trimEnd().split('\n').at(-1)).toMatch(/^po_/);
        }
      }
    }
    // The server still answers after all of it.
    expect((await api.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
