import { expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp } from '../src/app.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: once, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
  notify:
    remind: []
    escalate: [{ after: P1D, to: supervisor }, { after: P1D, to: unit-head }, { after: P2D, to: unit-head }]
    digest: none
`;

describeEachDatabase('one message per person per step', (kind) => {
  it('a supervisor who also heads the unit is told once when both steps fall due, then each later step', async () => {
    const url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-03-01T08:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(
        peopleCsv([
          buildPerson({ id: 'p1', unit: 'Org/A', email: 'p1@x.org', supervisor: 'boss' }),
          buildPerson({ id: 'boss', unit: 'Org/A', email: 'boss@x.org', head_of: 'Org/A' }),
        ]),
      ),
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
    await cli.run('apply', '-f', cli.file(MANDATE));
    const clock = fixedClock(Date.parse('2023-04-03T06:00:00Z'));
    const app = await createApp({
      dbUrl: url,
      clock,
      config: { oidc: null, mail: { url: 'smtp://127.0.0.1:1', from: 'phaseout@x.org' } },
    });
    const rows = () =>
      app.store.db
        .selectFrom('notifications')
        .select(['step', 'recipient', 'state'])
        .where('recipient', '=', 'boss')
        .orderBy('id')
        .execute();
    await app.notifier.plan(clock.now());
    const first = await rows();
    expect(first.filter((r) => r.state === 'queued')).toHaveLength(1);
    expect(first.filter((r) => r.state === 'merged')).toHaveLength(1);
    // Planning again adds nothing: the merged step is planned, never sent later.
    await app.notifier.plan(clock.now());
    expect(await rows()).toHaveLength(2);
    // The next step, a day later, is its own message.
    clock.set(Date.parse('2023-04-04T06:00:00Z'));
    await app.notifier.plan(clock.now());
    const later = await rows();
    expect(later.filter((r) => r.state === 'queued')).toHaveLength(2);
    await app.close();
  });
});
