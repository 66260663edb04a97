import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi } from './helpers/api.js';
import { makeCli } from './helpers/cli.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;

/** A batch by serial (another case), by IMEI (spaced) and of a device not known yet. */
const BATCH = [
  { serial: 'ser-1', observedAt: '2023-03-05T10:00:00Z', osVersion: '14' },
  { imei: '35 000000 000000 6', observedAt: '2023-03-05T11:00:00Z' },
  {
    serial: 'NEW-3',
    observedAt: '2023-03-06T09:30:00Z',
    os: 'iOS',
    osVersion: '16.3',
    model: 'iPhone15,2',
    ownerEmail: 'P1@x.org',
  },
];

interface Answer {
  received: number;
  created: number;
  applied: number;
  unchanged: number;
  stale: number;
  items: { device: string; outcome: string; effectiveAt: string }[];
  findings: { opened: number; closed: number };
}

describeEachDatabase('check-ins: batches, idempotency, stale reports', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let cli: ReturnType<typeof makeCli>;
  let auth: { authorization: string };
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    api.call(null, {
      method: 'POST',
      url: '/api/v1/checkins?source=agent',
      headers: { ...auth, ...headers },
      payload: body as object,
    });

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    cli = makeCli(url, '2023-03-01T12:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(
        peopleCsv([buildPerson({ id: 'p1', email: 'p1@x.org' }), buildPerson({ id: 'p2' })]),
      ),
      '--observed-at',
      '2023-03-01',
    );
    await cli.run(
      'import',
      'devices',
      cli.file(
        devicesCsv([
          buildDevice({ id: 'd1', owner: 'p2', platform: 'android', serial: 'SER-1' }),
          buildDevice({ id: 'd2', owner: 'p2', platform: 'android', imei: '350000000000006' }),
        ]),
      ),
      '--observed-at',
      '2023-03-01',
    );
    await cli.run('apply', '-f', cli.file(MANDATE));
    cli.at('2023-03-10T12:00:00Z');
    api = await makeApi(url, '2023-03-10T12:00:00Z');
    await api.app.accounts.addUser({ email: 'mdm@x.org', roles: ['officer'] }, 'test');
    const t = await api.app.accounts.createToken({ email: 'mdm@x.org', name: 'agent' }, 'test');
    auth = { authorization: `Bearer ${t.token}` };
  });
  afterAll(() => api.close());

  it('applies a batch: matches by serial (any case) and IMEI, creates the unknown, opens findings at their time', async () => {
    const r = await post(BATCH, { 'idempotency-key': 'batch-1' });
    expect(r.statusCode, r.body).toBe(200);
    const a = r.json<Answer>();
    expect(a).toMatchObject({ received: 3, created: 1, applied: 1, unchanged: 1, stale: 0 });
    expect(a.items.map((i) => [i.device, i.outcome])).toEqual([
      ['d1', 'applied'],
      ['d2', 'unchanged'],
      ['agent:NEW-3', 'created'],
    ]);
    expect(a.findings.opened).toBe(1);
    const dev = await api.app.directory.device(
      await api.app.accounts.actorForEmail('mdm@x.org'),
      'agent:NEW-3',
    );
    expect(dev).toMatchObject({
      owner: 'p1',
      platform: 'ios',
      class: 'smartphone',
      model: 'iPhone 14 Pro',
      purposes: ['official'],
    });
    expect(dev.sources).toEqual([
      expect.objectContaining({ source: 'agent', lastSeen: '2023-03-06T09:30:00.000Z' }),
    ]);
    const findings = await cli.json<{ device: string; opened: string }[]>(
      'findings',
      'iphones',
      '--format',
      'json',
    );
    expect(findings).toEqual([
      expect.objectContaining({ device: 'agent:NEW-3', opened: '2023-03-06T09:30:00.000Z' }),
    ]);
  });

  it('the same key and body give the same answer and apply nothing twice; another body with that key is 409', async () => {
    const audit = (await api.app.audit.verify()).entries;
    const again = await post(BATCH, { 'idempotency-key': 'batch-1' });
    expect(again.statusCode).toBe(200);
    expect(again.json<Answer>()).toMatchObject({ created: 1, applied: 1 });
    expect((await api.app.audit.verify()).entries).toBe(audit);
    const other = await post([{ serial: 'ser-1', observedAt: '2023-03-07T10:00:00Z' }], {
      'idempotency-key': 'batch-1',
    });
    expect(other.statusCode).toBe(409);
  });

  it('a check-in older than the stored state changes no field and is kept as history', async () => {
    const r = await post([{ serial: 'NEW-3', observedAt: '2023-03-06T08:00:00Z', os: 'Android' }]);
    expect(r.json<Answer>()).toMatchObject({ stale: 1, applied: 0 });
    const dev = await api.app.directory.device(
      await api.app.accounts.actorForEmail('mdm@x.org'),
      'agent:NEW-3',
    );
    expect(dev.platform).toBe('ios');
  });

  it('a newer check-in that decides the target closes the finding at its time', async () => {
    const r = await post([{ serial: 'NEW-3', observedAt: '2023-03-08T08:00:00Z', status: 'Lost' }]);
    expect(r.json<Answer>()).toMatchObject({ applied: 1, findings: { opened: 0, closed: 1 } });
    const findings = await cli.json<{ closed: string; closeReason: string }[]>(
      'findings',
      'iphones',
      '--format',
      'json',
    );
    expect(findings[0]).toMatchObject({
      closed: '2023-03-08T08:00:00.000Z',
      closeReason: 'device_inactive',
    });
  });

  it('refuses a bad batch whole, naming each bad item', async () => {
    const big = Array.from({ length: 1001 }, (_, i) => ({
      serial: `S${i}`,
      observedAt: '2023-03-09',
    }));
    expect((await post(big)).statusCode).toBe(400);
    const bad = await post([
      { serial: 'OK-1', observedAt: '2023-03-09T00:00:00Z', platform: 'ios' },
      { observedAt: '2023-03-09T00:00:00Z' },
      { serial: 'X', observedAt: '2030-01-01' },
      { serial: 'Y', observedAt: 'yesterday' },
      { serial: 'Z', observedAt: '2023-03-09', owner: 'nobody' },
    ]);
    expect(bad.statusCode).toBe(400);
    const where = bad.json<{ details: { where: string }[] }>().details.map((d) => d.where);
    expect(where).toEqual(['[1]']);
    const bad2 = await post([
      { serial: 'OK-1', observedAt: '2023-03-09T00:00:00Z', platform: 'ios' },
      { serial: 'X', observedAt: '2030-01-01' },
      { serial: 'Y', observedAt: 'yesterday' },
      { serial: 'Z', observedAt: '2023-03-09', owner: 'nobody' },
    ]);
    expect(bad2.json<{ details: { where: string }[] }>().details.map((d) => d.where)).toEqual([
      '[1].observedAt',
      '[2].observedAt',
      '[3].owner',
    ]);
    const none = await api.app.directory.devices(
      await api.app.accounts.actorForEmail('mdm@x.org'),
      { q: 'agent:OK-1' },
    );
    expect(none.items).toEqual([]);
    const anon = await api.call(null, { method: 'POST', url: '/api/v1/checkins', payload: [] });
    expect(anon.statusCode).toBe(401);
  });
});
