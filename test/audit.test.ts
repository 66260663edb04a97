import { sql } from 'kysely';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashAuditEntry } from '../src/domain/audit.chain.js';
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

  describe('signed checkpoints', () => {
    const rehashFrom = async (seq: number): Promise<void> => {
      // What someone with the database would do: change an entry and recompute every hash after it.
      const store = await openStore(url);
      const rows = await store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
      let prev = rows.find((r) => r.seq === seq - 1)?.hash ?? GENESIS_HASH;
      for (const r of rows.filter((x) => x.seq >= seq)) {
        const entry = { ...r, actor: r.seq === seq ? 'mallory' : r.actor, prev_hash: prev };
        const hash = hashAuditEntry(entry);
        await store.db
          .updateTable('audit_log')
          .set({ actor: entry.actor, prev_hash: prev, hash })
          .where('seq', '=', r.seq)
          .execute();
        prev = hash;
      }
      await store.close();
    };
    const setUp = async () => {
      const key = join(mkdtempSync(join(tmpdir(), 'phaseout-key-')), 'audit.pem');
      const made = await cli.run('audit', 'keygen', key);
      expect(made.code).toBe(0);
      const pub = cli.file(made.out.slice(made.out.indexOf('-----BEGIN')), 'public.pem');
      const file = join(mkdtempSync(join(tmpdir(), 'phaseout-cp-')), 'cp.json');
      const cp = await cli.run('audit', 'checkpoint', file, '--key', key);
      expect(cp.code).toBe(0);
      expect(cp.out).toMatch(
        /^checkpoint: 5 entries, head [0-9a-f]{64}, signed by key [0-9a-f]{16} → /,
      );
      return { key, pub, file };
    };

    it('an untouched log agrees with its checkpoint, checked with the public key', async () => {
      const { pub, file } = await setUp();
      cli.at('2023-03-09T12:00:00Z');
      await cli.run('import', 'people', cli.file(peopleCsv([buildPerson({ id: 'p9' })])));
      const r = await cli.run('audit', 'verify', '--checkpoint', file, '--key', pub);
      expect(r.code).toBe(0);
      expect(r.out).toContain('ok: 6 entries');
      expect(r.out).toContain(`checkpoint ${file}: ok (entry 5 of`);
    });

    it('a log shortened since the checkpoint fails, though its chain is whole', async () => {
      const { key, file } = await setUp();
      await tamper('delete from audit_log where seq >= 4');
      expect((await cli.run('audit', 'verify')).code).toBe(0);
      const r = await cli.run('audit', 'verify', '--checkpoint', file, '--key', key);
      expect(r.code).toBe(1);
      expect(r.out).toContain(
        `checkpoint ${file}: FAILED: the log has 3 entries, fewer than the 5 it had at the checkpoint`,
      );
      expect(r.err).toContain('the audit log disagrees with 1 checkpoint(s)');
    });

    it('an entry edited and every hash after it recomputed fails, naming the entry', async () => {
      const { key, file } = await setUp();
      await rehashFrom(3);
      expect((await cli.run('audit', 'verify')).code).toBe(0);
      const r = await cli.run('audit', 'verify', '--checkpoint', file, '--key', key);
      expect(r.code).toBe(1);
      expect(r.out).toContain('FAILED: entry 5 differs from the checkpoint of');
    });

    it('a checkpoint changed by hand, or signed by another key, is not believed', async () => {
      const { key, file } = await setUp();
      const forged = { ...(JSON.parse(readFileSync(file, 'utf8')) as object), seq: 3 };
      const forgedFile = cli.file(JSON.stringify(forged), 'forged.json');
      const r = await cli.run('audit', 'verify', '--checkpoint', forgedFile, '--key', key);
      expect(r.code).toBe(1);
      expect(r.out).toContain('its signature does not verify with the audit key');
      const other = join(mkdtempSync(join(tmpdir(), 'phaseout-key-')), 'other.pem');
      await cli.run('audit', 'keygen', other);
      const wrongKey = await cli.run('audit', 'verify', '--checkpoint', file, '--key', other);
      expect(wrongKey.code).toBe(1);
    });

    it('refuses to sign or check without a usable key (exit 2), and never stores the key', async () => {
      const { file } = await setUp();
      const noKey = await cli.run('audit', 'checkpoint', cli.file('', 'x.json'));
      expect(noKey.code).toBe(2);
      expect(noKey.err).toContain('signing a checkpoint needs the audit key');
      const noCheckKey = await cli.run('audit', 'verify', '--checkpoint', file);
      expect(noCheckKey.code).toBe(2);
      const rsa = cli.file(
        generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }),
        'rsa.pem',
      );
      const wrong = await cli.run('audit', 'checkpoint', cli.file('', 'y.json'), '--key', rsa);
      expect(wrong.code).toBe(2);
      expect(wrong.err).toContain('is not an Ed25519 key');
      const store = await openStore(url);
      const dump = JSON.stringify(await store.db.selectFrom('audit_log').selectAll().execute());
      await store.close();
      expect(dump).not.toContain('PRIVATE');
    });
  });
});
