import { expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp } from '../src/app.js';
import { buildPerson, peopleCsv } from './helpers/builders.js';
import { pdfTools, readPdf } from './helpers/pdf.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

describeEachDatabase('declarations are chased like findings', (kind) => {
  it('reminds who has not confirmed before the due date, escalates after it, once each', async () => {
    const url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-03-01T08:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(
        peopleCsv([
          buildPerson({ id: 'p1', unit: 'Org/A', email: 'p1@x.org', supervisor: 's1' }),
          buildPerson({ id: 'p2', unit: 'Org/A', email: 'p2@x.org', supervisor: 's1' }),
          buildPerson({ id: 's1', unit: 'Org', email: 's1@x.org' }),
        ]),
      ),
      '--observed-at',
      '2023-03-01',
    );
    const clock = fixedClock(Date.parse('2023-03-02T08:00:00Z'));
    const app = await createApp({
      dbUrl: url,
      clock,
      config: { oidc: null, mail: { url: 'smtp://127.0.0.1:1', from: 'phaseout@x.org' } },
    });
    await app.accounts.addUser({ email: 'officer@x.org', roles: ['officer'] }, 'test');
    await app.accounts.addUser({ email: 'p2@x.org', roles: ['official'], personId: 'p2' }, 'test');
    const officer = await app.accounts.actorForEmail('officer@x.org');
    await app.campaigns.open(officer, {
      id: 'c1',
      title: 'Declare your devices',
      scope: { units: ['Org/A'] },
      due: '2023-03-10',
    });
    clock.set(Date.parse('2023-03-05T08:00:00Z'));
    await app.campaigns.declare(await app.accounts.actorForEmail('p2@x.org'), 'c1', { none: true });
    const rows = () =>
      app.store.db
        .selectFrom('notifications')
        .select(['step', 'recipient', 'subject'])
        .where('mandate_id', '=', 'campaign:c1')
        .orderBy('id')
        .execute();
    clock.set(Date.parse('2023-03-08T06:00:00Z'));
    await app.notifier.plan(clock.now());
    expect((await rows()).map((r) => [r.step, r.recipient])).toEqual([
      ['campaign:c1:p1:remind-P3D#0', 'p1'],
    ]);
    expect((await rows())[0]!.subject).toBe('Reminder: Declare your devices — due March 10, 2023');
    clock.set(Date.parse('2023-03-12T06:00:00Z'));
    await app.notifier.plan(clock.now());
    await app.notifier.plan(clock.now());
    expect((await rows()).map((r) => [r.step, r.recipient])).toEqual([
      ['campaign:c1:p1:remind-P3D#0', 'p1'],
      ['campaign:c1:p1:escalate-P1D-supervisor#0', 's1'],
    ]);
    await app.close();
  });

  it('a campaign may carry its own ladder; a bad duration is refused', async () => {
    const url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-03-01T08:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(peopleCsv([buildPerson({ id: 'p1', unit: 'Org/A', email: 'p1@x.org' })])),
      '--observed-at',
      '2023-03-01',
    );
    const clock = fixedClock(Date.parse('2023-03-02T08:00:00Z'));
    const app = await createApp({
      dbUrl: url,
      clock,
      config: { oidc: null, mail: { url: 'smtp://127.0.0.1:1', from: 'phaseout@x.org' } },
    });
    await app.accounts.addUser({ email: 'officer@x.org', roles: ['officer'] }, 'test');
    const officer = await app.accounts.actorForEmail('officer@x.org');
    await expect(
      app.campaigns.open(officer, {
        id: 'bad',
        title: 'T',
        due: '2023-03-10',
        notify: { remind: ['a week'] },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await app.campaigns.open(officer, {
      id: 'c2',
      title: 'Declare',
      scope: { units: ['Org'] },
      due: '2023-03-10',
      notify: { remind: ['P1D'], escalate: [] },
    });
    clock.set(Date.parse('2023-03-08T06:00:00Z'));
    await app.notifier.plan(clock.now());
    clock.set(Date.parse('2023-03-09T06:00:00Z'));
    await app.notifier.plan(clock.now());
    clock.set(Date.parse('2023-03-14T06:00:00Z'));
    await app.notifier.plan(clock.now());
    const steps = await app.store.db
      .selectFrom('notifications')
      .select('step')
      .where('mandate_id', '=', 'campaign:c2')
      .execute();
    expect(steps.map((s) => s.step)).toEqual(['campaign:c2:p1:remind-P1D#0']);
    await app.close();
  });

  it('a mandate’s reports carry the progress, as of their day, of the campaigns asking its people', async () => {
    const url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-03-01T08:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(
        peopleCsv([
          buildPerson({ id: 'p1', unit: 'Org/A', email: 'p1@x.org' }),
          buildPerson({ id: 'p2', unit: 'Org/A', email: 'p2@x.org' }),
          buildPerson({ id: 'p3', unit: 'Org/B', email: 'p3@x.org' }),
        ]),
      ),
      '--observed-at',
      '2023-03-01',
    );
    const mandate = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: phones, title: Phones, issuedAt: 2023-03-01 }
spec:
  scope: { units: [Org/A] }
  target: device.platform == "ios"
  action: replace
  reports: { every: P7D, from: 2023-03-06, to: [boss@x.org] }
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;
    expect((await cli.run('apply', '-f', cli.file(mandate))).code).toBe(0);
    const clock = fixedClock(Date.parse('2023-03-02T08:00:00Z'));
    const app = await createApp({
      dbUrl: url,
      clock,
      config: { oidc: null, mail: { url: 'smtp://127.0.0.1:1', from: 'phaseout@x.org' } },
    });
    await app.accounts.addUser({ email: 'officer@x.org', roles: ['officer'] }, 'test');
    const officer = await app.accounts.actorForEmail('officer@x.org');
    await app.campaigns.open(officer, {
      id: 'c1',
      title: 'Declare your devices',
      scope: { units: ['Org'] },
      due: '2023-03-10',
    });
    const paper = (person: string, body: object) =>
      app.campaigns.declare(officer, 'c1', { person, ...body });
    clock.set(Date.parse('2023-03-03T08:00:00Z'));
    await paper('p2', {
      devices: [
        { class: 'smartphone', platform: 'ios', model: 'iPhone 13', ownership: 'personal' },
      ],
      complete: true,
    });
    await paper('p3', { none: true });
    clock.set(Date.parse('2023-03-08T08:00:00Z'));
    // Opened after the first report's day: not in it.
    await app.campaigns.open(officer, {
      id: 'c2',
      title: 'Later campaign',
      scope: { units: ['Org/A'] },
      due: '2023-03-20',
    });
    await app.notifier.makeReports(clock.now());
    clock.set(Date.parse('2023-03-12T08:00:00Z'));
    await paper('p1', { none: true });
    clock.set(Date.parse('2023-03-13T09:00:00Z'));
    await app.notifier.makeReports(clock.now());
    const sent = await app.store.db
      .selectFrom('notifications')
      .select(['body', 'report_id', 'channel'])
      .where('recipient', '=', 'report:boss@x.org')
      .where('channel', '=', 'email')
      .orderBy('id')
      .execute();
    expect(sent).toHaveLength(2);
    // As of 6 March: one of the two people of the mandate's scope had confirmed (p3 is outside it).
    expect(sent[0]!.body).toContain(
      'Declaration "Declare your devices" (due March 10, 2023): 1 of 2 confirmed, 0 of them late.',
    );
    expect(sent[0]!.body).not.toContain('Later campaign');
    expect(sent[1]!.body).toContain('2 of 2 confirmed, 1 of them late.');
    expect(sent[1]!.body).toContain('Declaration "Later campaign" (due March 20, 2023): 0 of 2');
    if (pdfTools) {
      const report = await app.notifier.report(sent[1]!.report_id!);
      const text = readPdf(report!.pdf, 'report-campaigns').replace(/\s+/g, ' ');
      expect(text).toContain('Declarations');
      expect(text).toContain(
        'Declare your devices — due March 10, 2023: 2 of 2 confirmed (1 late), 0 in progress, 0 not started; 1 devices declared',
      );
    }
    await app.close();
  });
});
