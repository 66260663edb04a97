import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import SQLite from 'better-sqlite3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../src/app.js';
import { rawSqlite } from '../src/store/database.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type DatabaseKind,
} from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;
const NOW = '2023-03-20T09:00:00Z';
const people = Array.from({ length: 40 }, (_, i) =>
  buildPerson({ id: `p${i}`, unit: `Org/U${i % 4}`, email: `p${i}@x.org` }),
);
const devices = people.map((p, i) =>
  buildDevice({ id: `d${i}`, owner: p.id!, platform: i % 3 === 0 ? 'android' : 'ios' }),
);

/** A database with people, devices, a mandate, findings, an account and a stored report (bytes). */
async function populated(kind: DatabaseKind): Promise<string> {
  const url = await createTestDatabase(kind);
  const cli = makeCli(url, NOW);
  expect((await cli.run('import', 'people', cli.file(peopleCsv(people)))).code).toBe(0);
  expect((await cli.run('import', 'devices', cli.file(devicesCsv(devices)))).code).toBe(0);
  expect((await cli.run('apply', '-f', cli.file(MANDATE))).code).toBe(0);
  const app = await createApp({ dbUrl: url });
  await app.accounts.addUser(
    { email: 'admin@x.org', password: 'admin-password-1', roles: ['admin'], units: [] },
    'test',
  );
  await app.store.db
    .insertInto('reports')
    .values({
      mandate_id: 'iphones',
      day: '2023-03-20',
      as_of: Date.parse(NOW),
      created_at: Date.parse(NOW),
      csv: 'a,b\n',
      pdf: Buffer.from([0, 1, 2, 255, 37, 80, 68, 70]),
      register_csv: null,
    })
    .execute();
  await app.close();
  return url;
}

/** What a database holds, as the backup lists it, without the lines that name when and where. */
function rowsOf(file: string): string[] {
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('['))
    .sort();
}

describeEachDatabase('backup and restore', (kind) => {
  let source: string;
  let file: string;
  const dir = mkdtempSync(join(tmpdir(), 'phaseout-backup-'));

  beforeAll(async () => {
    source = await populated(kind);
    file = join(dir, `${kind}.backup.gz`);
    const r = await makeCli(source, NOW).run('backup', file);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /^backup: \d+ rows of \d+ tables, audit log at entry \d+ \([0-9a-f]{64}\) → /,
    );
  });

  const targets: DatabaseKind[] = inject('postgresSkipReason')
    ? ['sqlite']
    : ['sqlite', 'postgres'];
  for (const into of targets) {
    it(`restores into an empty ${into} database: the same rows, the same status, the chain verifies`, async () => {
      const url = await createTestDatabase(into);
      const cli = makeCli(url, NOW);
      const r = await cli.run('restore', file);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(
        /^restored: \d+ rows of \d+ tables; audit chain verified to entry \d+\n$/,
      );
      const verify = await cli.run('audit', 'verify');
      expect(verify.code).toBe(0);
      const statusOf = (u: string) =>
        makeCli(u, NOW).json<unknown>('status', 'iphones', '--as-of', '2023-03-25', '--json');
      expect(await statusOf(url)).toEqual(await statusOf(source));
      // Every row as it was (a second backup lists the same rows, and the restore's own entry).
      const again = join(dir, `${kind}-into-${into}.gz`);
      expect((await cli.run('backup', again)).code).toBe(0);
      const before = rowsOf(file);
      const after = rowsOf(again);
      expect(after.length).toBe(before.length + 1);
      expect(after.filter((l) => !l.includes('backup.restore'))).toEqual(before);
      // Ids continue after the restored ones: a new change gets the next audit entry and id.
      const more = await cli.run(
        'import',
        'people',
        cli.file(peopleCsv([buildPerson({ id: 'new' })])),
      );
      expect(more.code, more.err).toBe(0);
      expect((await cli.run('audit', 'verify')).code).toBe(0);
      // The bytes of the stored report came back as bytes.
      const app = await createApp({ dbUrl: url });
      const report = await app.store.db
        .selectFrom('reports')
        .select('pdf')
        .executeTakeFirstOrThrow();
      expect([...report.pdf]).toEqual([0, 1, 2, 255, 37, 80, 68, 70]);
      await app.close();
    });
  }

  it('refuses a database that holds data, and a file cut short or damaged, writing nothing', async () => {
    const other = await populated(kind);
    const busy = await makeCli(other, NOW).run('restore', file);
    expect(busy.code).toBe(2);
    expect(busy.err).toContain('restore needs an empty database');
    const empty = await createTestDatabase(kind);
    const cli = makeCli(empty, NOW);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, gzipSync(lines.slice(0, -3).join('\n')));
    const short = await cli.run('restore', cut);
    expect(short.code).toBe(2);
    expect(short.err).toContain('the file ends before the backup does: it was cut short');
    const damaged = join(dir, 'damaged');
    writeFileSync(damaged, [...lines.slice(0, 5), '[1, 2', ...lines.slice(5)].join('\n'));
    const bad = await cli.run('restore', damaged);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('line 6: is not JSON: the file is damaged');
    const app = await createApp({ dbUrl: empty });
    const n = await app.store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
    await app.close();
  });

  it('takes a consistent backup while an import writes', async () => {
    const url = await populated(kind);
    const app = await createApp({ dbUrl: url });
    const many = Array.from({ length: 3000 }, (_, i) =>
      buildDevice({ id: `x${i}`, owner: `p${i % 40}` }),
    );
    const writing = app.imports.importDevices(Buffer.from(devicesCsv(many)), {
      fileName: 'many.csv',
      actor: 'test',
    });
    const during = join(dir, `${kind}-during.gz`);
    const r = await makeCli(url, NOW).run('backup', during);
    await writing;
    await app.close();
    expect(r.code, r.err).toBe(0);
    const restored = await createTestDatabase(kind);
    const back = await makeCli(restored, NOW).run('restore', during);
    expect(back.code, back.err).toBe(0);
  });
});

describe('a full disk', () => {
  it('is a clear refusal: nothing of the change is written, the database stays whole, earlier writes stay', async () => {
    const url = await createTestDatabase('sqlite');
    const cli = makeCli(url, NOW);
    expect((await cli.run('import', 'people', cli.file(peopleCsv(people)))).code).toBe(0);
    const app = await createApp({ dbUrl: url });
    const raw = rawSqlite.get(app.store.db)!;
    // The database may grow by a few pages only: as a disk with no space left.
    const pages = Number(raw.pragma('page_count', { simple: true }));
    raw.pragma(`max_page_count = ${pages + 2}`);
    const many = Array.from({ length: 20_000 }, (_, i) =>
      buildDevice({ id: `big-device-${i}`, owner: `p${i % 40}`, model: `Model ${'x'.repeat(50)}` }),
    );
    const refused = await app.imports
      .importDevices(Buffer.from(devicesCsv(many)), { fileName: 'many.csv', actor: 'test' })
      .then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
    expect(refused).toMatchObject({
      code: 'storage_full',
      message: 'the disk is full: nothing of this change was written (free space, then try again)',
    });
    await app.close();
    const check = new SQLite(url);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((check.prepare('select count(*) as n from devices').get() as { n: number }).n).toBe(0);
    expect((check.prepare('select count(*) as n from people').get() as { n: number }).n).toBe(40);
    check.close();
    expect((await cli.run('audit', 'verify')).code).toBe(0);
  });
});
