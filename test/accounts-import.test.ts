import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp, type App } from '../src/app.js';
import { buildPerson, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const OIDC = {
  issuer: 'https://id.example',
  clientId: 'phaseout',
  clientSecret: 'a-long-client-secret-for-tests',
  redirectUri: 'https://phaseout.example/auth/oidc/callback',
  allowHttp: false,
};

describeEachDatabase(
  'accounts for many: users import and official accounts on first sign-in',
  (kind) => {
    let url: string;
    let cli: ReturnType<typeof makeCli>;
    let app: App;

    beforeAll(async () => {
      url = await createTestDatabase(kind);
      cli = makeCli(url, '2023-03-01T12:00:00Z');
      await cli.run(
        'import',
        'people',
        cli.file(
          peopleCsv([
            buildPerson({ id: 'p1', email: 'anna@gov.example' }),
            buildPerson({ id: 'p2', email: 'boris@gov.example' }),
            buildPerson({ id: 'p3', email: 'left@gov.example', active: 'false' }),
            buildPerson({ id: 'p4', email: 'vera@gov.example' }),
          ]),
        ),
      );
      app = await createApp({
        dbUrl: url,
        clock: fixedClock(Date.parse('2023-03-02T12:00:00Z')),
        config: { oidc: { ...OIDC, autoOfficial: true } },
      });
    });
    afterAll(() => app.close());

    it('users import refuses a bad file whole, listing every bad line, and creates nothing', async () => {
      const bad = await cli.run(
        'users',
        'import',
        cli.file(
          'email,role,unit,person\nhead@x.org,unit-head,Org/A,p1\nnot-an-email,official,,p2\nhead@x.org,auditor,,\nx@x.org,wizard,,\ny@x.org,official,,ghost\n',
          'accounts.csv',
        ),
      );
      expect(bad.code).toBe(2);
      for (const where of [
        'accounts.csv:3 email',
        'accounts.csv:4 email',
        'accounts.csv:5 role',
        'accounts.csv:6 person',
      ])
        expect(bad.err).toContain(where);
      expect((await app.accounts.listUsers()).map((a) => a.email)).toEqual([]);
    });

    it('users import creates every account of a good file, roles and units as lists', async () => {
      const ok = await cli.run(
        'users',
        'import',
        cli.file(
          'email,role,unit,person\nhead@x.org,unit-head;official,Org/A;Org/B,p1\nlog@x.org,logistics,,\n',
          'accounts.csv',
        ),
      );
      expect(ok.code, ok.err).toBe(0);
      expect(ok.out).toContain('created 2 account(s)');
      const users = await app.accounts.listUsers();
      expect(users.find((u) => u.email === 'head@x.org')).toMatchObject({
        roles: ['unit-head', 'official'],
        units: ['Org/A', 'Org/B'],
        personId: 'p1',
      });
      const again = await cli.run(
        ...['--as', 'head@x.org'],
        'users',
        'import',
        cli.file('email,role\nlog@x.org,officer\n', 'again.csv'),
      );
      expect(again.code).toBe(2);
      expect(again.err).toContain('has an account already');
    });

    it('the first sign-in of an active person’s verified e-mail creates their official account', async () => {
      const first = await app.accounts.loginWithIdentity(
        {
          issuer: OIDC.issuer,
          subject: 'sub-boris',
          email: 'Boris@gov.example',
          emailVerified: true,
        },
        '127.0.0.1',
      );
      expect(first.account).toMatchObject({
        email: 'boris@gov.example',
        roles: ['official'],
        personId: 'p2',
      });
      // Next time the identity finds the same account.
      const again = await app.accounts.loginWithIdentity(
        {
          issuer: OIDC.issuer,
          subject: 'sub-boris',
          email: 'boris@gov.example',
          emailVerified: true,
        },
        '127.0.0.1',
      );
      expect(again.account.id).toBe(first.account.id);
      const audit = (await app.audit.list({ limit: 1000 })).items;
      expect(
        audit.some(
          (e) => e.action === 'account.create' && e.actor === `account:${first.account.id}`,
        ),
      ).toBe(true);
    });

    it('makes no account for an unverified e-mail, an inactive person, a stranger, or a person who has one', async () => {
      const refused = [
        { subject: 's1', email: 'vera@gov.example', emailVerified: false },
        { subject: 's2', email: 'left@gov.example', emailVerified: true },
        { subject: 's3', email: 'stranger@elsewhere.example', emailVerified: true },
        { subject: 's4', email: 'anna@gov.example', emailVerified: true }, // p1 has head@x.org
      ];
      for (const id of refused)
        await expect(
          app.accounts.loginWithIdentity({ issuer: OIDC.issuer, ...id }, '127.0.0.1'),
        ).rejects.toMatchObject({
          code: 'unauthenticated',
        });
      expect((await app.accounts.listUsers()).map((a) => a.email).sort()).toEqual([
        'boris@gov.example',
        'head@x.org',
        'log@x.org',
      ]);
    });

    it('without PHASEOUT_OIDC_AUTO_OFFICIAL no account is made', async () => {
      const plain = await createApp({
        dbUrl: url,
        config: { oidc: { ...OIDC, autoOfficial: false } },
      });
      await expect(
        plain.accounts.loginWithIdentity(
          {
            issuer: OIDC.issuer,
            subject: 'sub-vera',
            email: 'vera@gov.example',
            emailVerified: true,
          },
          '127.0.0.1',
        ),
      ).rejects.toMatchObject({ code: 'unauthenticated' });
      await plain.close();
    });
  },
);
