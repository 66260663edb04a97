import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp, type App } from '../src/app.js';
import { buildServer } from '../src/http/server.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const NOW = '2023-03-20T09:00:00Z';
const doc = (i: number) => `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: m${i}, title: M ${i}, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios" && device.model.matches("^(iPhone|iPad) ${i % 10}")
  action: replace
  phases: [{ id: p, due: 2023-04-01, requires: resolve }]
`;
/** A heavy file: a hundred mandates, each judging every iPhone. */
const HEAVY = Array.from({ length: 100 }, (_, i) => doc(i)).join('---\n');

describeEachDatabase('dry runs off the event loop, within a budget', (kind) => {
  let app: App;
  let bearer: { authorization: string };

  beforeAll(async () => {
    app = await createApp({
      dbUrl: await createTestDatabase(kind),
      clock: fixedClock(Date.parse(NOW)),
    });
    const ids = Array.from({ length: 3000 }, (_, i) => `p${i}`);
    await app.imports.importPeople(
      Buffer.from(peopleCsv(ids.map((id, i) => buildPerson({ id, unit: `Org/U${i % 20}` })))),
      { fileName: 'p.csv', actor: 't' },
    );
    await app.imports.importDevices(
      Buffer.from(
        devicesCsv(
          ids.map((id, i) =>
            buildDevice({ id: `d${i}`, owner: id, platform: 'ios', model: `iPhone ${i % 10}` }),
          ),
        ),
      ),
      { fileName: 'd.csv', actor: 't' },
    );
    await app.accounts.addUser(
      { email: 'admin@x.org', password: 'admin-password-1', roles: ['admin'], units: [] },
      't',
    );
    bearer = {
      authorization: `Bearer ${(await app.accounts.createToken({ email: 'admin@x.org', name: 't' }, 't')).token}`,
    };
  });
  afterAll(() => app.close());

  it('other requests answer in under a second while a heavy dry run runs; the dry run answers in full', async () => {
    const server = await buildServer(app);
    const started = performance.now();
    const dry = server.inject({
      method: 'POST',
      url: '/api/v1/mandates/apply',
      headers: bearer,
      payload: { yaml: HEAVY, dryRun: true },
    });
    let finished = false;
    void dry.then(() => (finished = true));
    const waits: number[] = [];
    while (!finished) {
      const t = performance.now();
      const r = await server.inject({
        method: 'GET',
        url: '/api/v1/people?limit=5',
        headers: bearer,
      });
      expect(r.statusCode).toBe(200);
      waits.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    const answer = await dry;
    const took = performance.now() - started;
    expect(answer.statusCode, answer.body).toBe(200);
    const body = answer.json<{ dryRun: boolean; lines: { opened: number }[] }>();
    expect(body.dryRun).toBe(true);
    expect(body.lines).toHaveLength(100);
    expect(body.lines.reduce((a, l) => a + l.opened, 0)).toBe(30_000);
    console.log(
      `dry run ${Math.round(took)} ms; ${waits.length} reads meanwhile, slowest ${Math.round(Math.max(...waits))} ms`,
    );
    expect(took).toBeGreaterThan(1000);
    expect(waits.length).toBeGreaterThan(3);
    expect(Math.max(...waits)).toBeLessThan(1000);
    // Nothing was applied.
    expect(
      (await server.inject({ method: 'GET', url: '/api/v1/mandates', headers: bearer })).json(),
    ).toEqual([]);
    await server.close();
  }, 120_000);

  it('a dry run past its budget is stopped and refused (422); nothing is applied and writes go on', async () => {
    const server = await buildServer(app, { dryRunBudgetMs: 300 });
    const r = await server.inject({
      method: 'POST',
      url: '/api/v1/mandates/apply',
      headers: bearer,
      payload: { yaml: HEAVY, dryRun: true },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({
      error: 'unprocessable',
      message: 'the dry run took longer than 0.3 s and was stopped; nothing was applied',
      details: [{ where: 'yaml', code: 'over_budget' }],
    });
    // The stopped transaction let go of the database: a real application goes through at once.
    const started = performance.now();
    const applied = await server.inject({
      method: 'POST',
      url: '/api/v1/mandates/apply',
      headers: bearer,
      payload: { yaml: doc(1) },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(applied.json<{ lines: { id: string; opened: number }[] }>().lines).toEqual([
      expect.objectContaining({ id: 'm1', opened: 300 }),
    ]);
    await server.close();
  }, 60_000);

  it('other requests answer while an import over the API runs in its worker; it is all there after, a refused one writes nothing', async () => {
    const server = await buildServer(app);
    const big = devicesCsv(
      Array.from({ length: 40_000 }, (_, i) =>
        buildDevice({ id: `big${i}`, owner: `p${i % 3000}`, platform: 'android' }),
      ),
    );
    const started = performance.now();
    const load = server.inject({
      method: 'POST',
      url: '/api/v1/imports/devices',
      headers: { ...bearer, 'content-type': 'text/csv' },
      payload: big,
    });
    let finished = false;
    void load.then(() => (finished = true));
    const waits: number[] = [];
    while (!finished) {
      const t = performance.now();
      const r = await server.inject({
        method: 'GET',
        url: '/api/v1/devices?limit=5',
        headers: bearer,
      });
      expect(r.statusCode).toBe(200);
      waits.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    const answer = await load;
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ kind: 'devices', created: 40_000, dryRun: false });
    console.log(
      `import ${Math.round(performance.now() - started)} ms; ${waits.length} reads meanwhile, slowest ${Math.round(Math.max(...waits))} ms`,
    );
    expect(waits.length).toBeGreaterThan(3);
    expect(Math.max(...waits)).toBeLessThan(1000);
    const count = async () =>
      (
        await server.inject({ method: 'GET', url: '/api/v1/devices?limit=1', headers: bearer })
      ).json<{ total: number }>().total;
    expect(await count()).toBe(43_000);
    // A file with a bad row is refused whole, naming the row; nothing of it is written.
    const bad = await server.inject({
      method: 'POST',
      url: '/api/v1/imports/devices',
      headers: { ...bearer, 'content-type': 'text/csv' },
      payload: devicesCsv([
        buildDevice({ id: 'ok1', owner: 'p1' }),
        buildDevice({ id: 'bad1', owner: 'p1', platform: 'blackberry-os' }),
      ]),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: { where: string }[] }>().details[0]!.where).toContain('3');
    expect(await count()).toBe(43_000);
    await server.close();
  }, 120_000);
});
