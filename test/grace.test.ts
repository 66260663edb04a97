import { beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp } from '../src/app.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: graced, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, grace: P1DT12H, requires: resolve }]
  notify: { remind: [], escalate: [{ after: PT1H, to: supervisor }], digest: none }
`;

describeEachDatabase('grace: a phase’s grace moves the overdue moment', (kind) => {
  let url: string;
  let cli: ReturnType<typeof makeCli>;

  beforeAll(async () => {
    url = await createTestDatabase(kind);
    cli = makeCli(url, '2023-03-02T12:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(peopleCsv([buildPerson({ id: 'p1' })])),
      '--observed-at',
      '2023-03-01',
    );
    await cli.run(
      'import',
      'devices',
      cli.file(devicesCsv([buildDevice({ id: 'd1', owner: 'p1' })])),
      '--observed-at',
      '2023-03-01',
    );
    expect((await cli.run('apply', '-f', cli.file(MANDATE))).code).toBe(0);
  });

  it('is pending until the end of the due day plus the grace, overdue from that minute', async () => {
    type S = {
      devices: { pending: number; overdue: number };
      phases: { state: string; graceEnds?: string }[];
    };
    const before = await cli.json<S>(
      'status',
      'graced',
      '--as-of',
      '2023-04-03T11:59:00Z',
      '--json',
    );
    expect(before.devices).toMatchObject({ pending: 1, overdue: 0 });
    expect(before.phases[0]).toMatchObject({
      state: 'open',
      graceEnds: '2023-04-03T12:00:00.000Z',
    });
    const at = await cli.json<S>('status', 'graced', '--as-of', '2023-04-03T12:00:00Z', '--json');
    expect(at.devices).toMatchObject({ pending: 0, overdue: 1 });
    expect(at.phases[0]!.state).toBe('missed');
    const rows = await cli.json<{ state: string }[]>(
      'findings',
      'graced',
      '--as-of',
      '2023-04-03T12:00:00Z',
      '--format',
      'json',
    );
    expect(rows[0]!.state).toBe('overdue');
  });

  it('escalations count from the end of the grace', async () => {
    const app = await createApp({
      dbUrl: url,
      clock: fixedClock(Date.parse('2023-04-03T12:00:00Z')),
    });
    const preview = await app.status.notifyPreview('graced', { asOf: '2023-04-02T00:00:00Z' });
    expect(preview.upcoming).toEqual([
      { step: 'escalate-PT1H-supervisor', to: 'supervisor', day: '2023-04-03', findings: 1 },
    ]);
    await app.close();
  });

  it('refuses a grace that is not a duration, or on a phase with no due date', async () => {
    const bad = MANDATE.replace('id: graced', 'id: graced-bad').replace(
      'grace: P1DT12H',
      'grace: a week',
    );
    const r = await cli.run('apply', '-f', cli.file(bad));
    expect(r.code).toBe(2);
    expect(r.err).toContain('grace');
    const noDue = MANDATE.replace('id: graced', 'id: graced-nodue').replace(
      'due: 2023-04-01, ',
      '',
    );
    const r2 = await cli.run('apply', '-f', cli.file(noDue));
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('grace counts from the due date');
  });
});
