import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi, type Caller } from './helpers/api.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

describeEachDatabase('input hygiene: control characters, encodings, lengths', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let admin: Caller;
  const count = async (table: 'people' | 'accounts' | 'audit_log') =>
    Number(
      (
        await api.app.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    api = await makeApi(await createTestDatabase(kind), '2023-03-20T09:00:00Z');
    await api.app.accounts.addUser(
      { email: 'admin@x.org', password: 'admin-password-1', roles: ['admin'], units: [] },
      'test',
    );
    admin = await api.login('admin@x.org', 'admin-password-1');
  });
  afterAll(() => api.close());

  it('refuses a posted field with NUL or another control character, naming every field; nothing is written', async () => {
    const before = [await count('accounts'), await count('audit_log')];
    const r = await api.call(admin, {
      method: 'POST',
      url: '/api/v1/accounts',
      payload: {
        email: 'lena@x.org',
        roles: ['auditor'],
        units: ['Org/\u0000B', 'Org\u001bC'],
        password: 'lena-password-1',
      },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json<{ details: unknown[] }>().details).toEqual([
      {
        where: 'units[0]',
        code: 'control_character',
        message: 'contains the control character U+0000 at position 5',
      },
      {
        where: 'units[1]',
        code: 'control_character',
        message: 'contains the control character U+001B at position 4',
      },
    ]);
    expect([await count('accounts'), await count('audit_log')]).toEqual(before);
  });

  it('refuses text that spoofs what a reader sees: bidi overrides, zero-width and C1 characters, mixed-script e-mails', async () => {
    const before = [await count('people'), await count('accounts'), await count('audit_log')];
    const person = await api.call(admin, {
      method: 'POST',
      url: '/api/v1/people',
      payload: { id: 'spoof', name: 'Иван\u202eвонавИ', unit: 'Org/\u200bA', title: 'x\u0085y' },
    });
    expect(person.statusCode).toBe(400);
    expect(
      person
        .json<{ details: { where: string; message: string }[] }>()
        .details.map((d) => [d.where, d.message]),
    ).toEqual([
      ['name', 'contains the invisible or direction-changing character U+202E at position 5'],
      ['unit', 'contains the invisible or direction-changing character U+200B at position 5'],
      ['title', 'contains the control character U+0085 at position 2'],
    ]);
    // A Cyrillic "а" in a Latin address looks like admin@x.org: refused for accounts and people.
    const account = await api.call(admin, {
      method: 'POST',
      url: '/api/v1/accounts',
      payload: { email: '\u0430dmin@x.org', roles: ['auditor'], password: 'lena-password-1' },
    });
    expect(account.statusCode).toBe(400);
    expect(account.json<{ details: { code: string }[] }>().details[0]!.code).toBe('mixed_script');
    const mixed = await api.call(admin, {
      method: 'POST',
      url: '/api/v1/people',
      payload: { id: 'p-mixed', name: 'Anna', unit: 'Org', email: 'ann\u0430@x.org' },
    });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json<{ details: { code: string }[] }>().details[0]!.code).toBe('mixed_script');
    const importPeople = async (csv: string) => {
      const r = await api.call(admin, {
        method: 'POST',
        url: '/api/v1/imports/people',
        payload: csv,
        headers: { 'content-type': 'text/csv' },
      });
      expect(r.statusCode).toBe(400);
      return r.json<{ details: { where: string }[] }>().details.map((d) => d.where);
    };
    expect(await importPeople('id,name,unit,email\np1,Ann\u202e,Org,\n')).toEqual([
      'people.csv:2 name',
    ]);
    expect(await importPeople('id,name,unit,email\np2,Bob,Org,b\u043eb@x.org\n')).toEqual([
      'people.csv:2 email',
    ]);
    // A Cyrillic address is one script: it passes.
    const cyrillic = await api.call(admin, {
      method: 'POST',
      url: '/api/v1/people',
      payload: { id: 'p-ru', name: 'Анна', unit: 'Org', email: 'анна@почта.рф' },
    });
    expect(cyrillic.statusCode, cyrillic.body).toBe(201);
    expect([await count('people'), await count('accounts')]).toEqual([before[0]! + 1, before[1]]);
  });

  it('refuses a posted field longer than 4,096 characters, a mandate file aside', async () => {
    const r = await api.call(admin, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { account: 'admin@x.org', name: 'n'.repeat(20_000) },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json<{ details: unknown[] }>().details).toEqual([
      {
        where: 'name',
        code: 'too_long',
        params: { maximum: 4096 },
        message: 'is 20000 characters long; at most 4096',
      },
    ]);
    const file = `# ${'x'.repeat(10_000)}\nnot: a mandate\n`;
    const applied = await api.call(admin, {
      method: 'POST',
      url: '/api/v1/mandates/apply',
      payload: { yaml: file, dryRun: true },
    });
    expect(applied.statusCode).toBe(400);
    expect(applied.body).not.toContain('too_long');
  });

  it('takes tabs and newlines in free text', async () => {
    const r = await api.call(admin, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { account: 'admin@x.org', name: 'ci\tline one\nline two' },
    });
    expect(r.statusCode).toBe(201);
  });

  it('answers a file of many bad rows with the first 1,000 problems and how many more', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `p${i},Name ${i},`).join('\n');
    const r = await api.call(admin, {
      method: 'POST',
      url: '/api/v1/imports/people',
      payload: `id,name,unit\n${rows}\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(r.statusCode).toBe(400);
    const body = r.json<{ details: { where: string }[]; more: number }>();
    expect(body.details).toHaveLength(1000);
    expect(body.details[0]!.where).toBe('people.csv:2 unit');
    expect(body.more).toBe(500);
  });

  it('refuses an imported file with control characters, invalid UTF-8 or an over-long cell, listing each; nothing is stored', async () => {
    const post = (body: Buffer | string) =>
      api.call(admin, {
        method: 'POST',
        url: '/api/v1/imports/people',
        payload: body,
        headers: { 'content-type': 'text/csv' },
      });
    const before = [await count('people'), await count('audit_log')];
    const control = await post('id,name,unit\np1,Ann,Org/\u0000B\np2,Bob,Org\n');
    expect(control.statusCode).toBe(400);
    expect(control.json<{ details: unknown[] }>().details).toEqual([
      {
        where: 'people.csv:2 unit',
        value: 'Org/\u0000B',
        code: 'control_character',
        message: 'contains the control character U+0000 at position 5',
      },
    ]);
    const latin = await post(
      Buffer.concat([
        Buffer.from('id,name,unit\np1,Ren'),
        Buffer.from([0xe9]),
        Buffer.from(',Org\n'),
      ]),
    );
    expect(latin.statusCode).toBe(400);
    expect(latin.json<{ details: { where: string; code: string }[] }>().details).toEqual([
      expect.objectContaining({ where: 'people.csv:2', code: 'not_utf8' }),
    ]);
    const long = await post(`id,name,unit\np1,${'N'.repeat(20_000)},Org\n`);
    expect(long.statusCode).toBe(400);
    expect(long.json<{ details: { code: string }[] }>().details[0]!.code).toBe('too_long');
    expect([await count('people'), await count('audit_log')]).toEqual(before);
  });
});
