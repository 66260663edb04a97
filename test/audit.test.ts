import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { openStore } from '../src/store/database.js';
import { buildPerson, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

describeEachDatabase('the audit chain', (kind) => {
  let url: string;
  let cli: ReturnType<typeof makeCli>;

  beforeEach(async () => {
    url = await createTestDatabase(kind);
    cli = makeCli(url, '2023-03-01T12:00:00Z');
    for (let i = 0; i < 4; i++) {
      cli.at(`2023-03-0${i + 1}T12:00:00Z`);
      expect(
        (await cli.run('import', 'people', cli.file(peopleCsv([buildPerson({ id: `p${i}` })]))))
          .code,
      ).toBe(0);
    }
    expect((await cli.run('settings', 'timezone', 'Europe/Moscow')).code).toBe(0);
  });

  const tamper = async (statement: string): Promise<void> => {
    const store = await openStore(url);
    await sql.raw(statement).execute(store.db);
    await store.close();
  };

  it('an empty chain verifies with 0 entries', async () => {
    const empty = makeCli(await createTestDatabase(kind));
    expect(await empty.run('audit', 'verify')).toEqual({
      code: 0,
      out: 'ok: 0 entries\n',
      err: '',
    });
  });

  it('every change is one entry, and the intact chain verifies with its head', async () => {
    const r = await cli.run('audit', 'verify');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok: 5 entries\nhead: seq 5 hash [0-9a-f]{64}\n$/);
  });

  it('an edited entry is named', async () => {
    await tamper(`update audit_log set actor = 'mallory' where seq = 3`);
    const r = await cli.run('audit', 'verify');
    expect(r.code).toBe(1);
    expect(r.out).toContain('broken at entry 3: hash does not match its content');
  });

  it('a deleted entry is named', async () => {
    await tamper(`delete from audit_log where seq = 2`);
    const r = await cli.run('audit', 'verify');
    expect(r.code).toBe(1);
    expect(r.out).toContain('broken at entry 3: sequence 3 where 2 was expected');
  });

  it('reordered entries are named', async () => {
    await tamper(`update audit_log set seq = 100 where seq = 2`);
    await tamper(`update audit_log set seq = 2 where seq = 3`);
    await tamper(`update audit_log set seq = 3 where seq = 100`);
    const r = await cli.run('audit', 'verify');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/broken at entry 2: /);
  });

  it('a rehashed entry still breaks the link to the next one', async () => {
    await tamper(`update audit_log set hash = '${'a'.repeat(64)}' where seq = 4`);
    const r = await cli.run('audit', 'verify');
    expect(r.out).toContain('broken at entry 4');
  });
});
