import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp, type App } from '../src/app.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';
import { startSmtp } from './helpers/smtp.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
  notify:
    remind: []
    escalate:
      - { after: P1D, to: supervisor }
      - { after: P2D, to: unit-head }
`;

const people = (hbEmail: string) =>
  peopleCsv([
    buildPerson({
      id: 'h1',
      name: 'Ольга Главная',
      unit: 'Org',
      email: 'h1@x.org',
      head_of: 'Org',
    }),
    buildPerson({
      id: 'hb',
      name: 'Борис Отделов',
      unit: 'Org/Б',
      email: hbEmail,
      head_of: 'Org/Б',
    }),
    buildPerson({ id: 'p1', name: 'Пётр Иванов', unit: 'Org/Б', email: 'p1@x.org' }),
  ]);

describeEachDatabase('a message reaches someone or says so (DESIGN §5a)', (kind) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let app: App;
  let cli: ReturnType<typeof makeCli>;
  const clock = fixedClock(Date.parse('2023-03-01T08:00:00Z'));

  beforeAll(async () => {
    smtp = await startSmtp();
    const url = await createTestDatabase(kind);
    cli = makeCli(url, '2023-03-01T08:00:00Z');
    expect((await cli.run('import', 'people', cli.file(people('')))).code).toBe(0);
    // The reception's shared iPhone: no owner; the reception holds it and has no head of its own.
    const devices = devicesCsv([
      buildDevice({ id: 'shared', owner: '', unit: 'Org/Reception', model: 'iPhone 12' }),
      buildDevice({ id: 'd1', owner: 'p1', model: 'iPhone 13' }),
    ]);
    expect((await cli.run('import', 'devices', cli.file(devices))).code).toBe(0);
    expect((await cli.run('apply', '-f', cli.file(MANDATE))).code).toBe(0);
    app = await createApp({
      dbUrl: url,
      clock,
      config: {
        oidc: null,
        mail: { url: `smtp://127.0.0.1:${smtp.port}`, from: 'phaseout@x.org' },
        publicUrl: null,
        language: 'en',
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  const tickAt = async (t: string) => {
    clock.set(Date.parse(t));
    await app.notifier.tick();
  };
  const inbox = () => smtp.inbox.map((m) => `${m.to} ${m.subject}`).sort();

  it('a device a unit holds is caught and escalated to the head above it; a missing rung is re-routed, listed, never "sent" to nobody', async () => {
    const shared = await app.status.findings('iphones', { device: 'shared' });
    expect(shared).toMatchObject([{ owner: null, unit: 'Org/Reception', state: 'pending' }]);
    await tickAt('2023-04-03T08:00:00Z');
    await tickAt('2023-04-04T08:00:00Z');
    // p1 has no supervisor and hb no address: both steps go up to h1. The shared iPhone's
    // steps go to the head above the reception (it has none of its own): h1 too.
    expect(inbox()).toEqual(
      [
        'h1@x.org Overdue: Org/Reception — Replace iPhones',
        'h1@x.org Overdue: Org/Reception — Replace iPhones',
        'h1@x.org Overdue: Пётр Иванов — Replace iPhones',
        'h1@x.org Overdue: Пётр Иванов — Replace iPhones',
      ].sort(),
    );
    const log = await app.notifier.log({});
    const emailed = log.filter((l) => l.channel === 'email');
    // Nothing is recorded as sent to a recipient that does not exist or cannot be written to.
    expect(emailed.every((l) => l.recipient === 'h1' && l.state === 'sent')).toBe(true);
    expect(
      emailed
        .map(
          (l) =>
            `${l.device_id} ${l.step} ${(JSON.parse(l.rerouted ?? '{}') as { why?: string }).why ?? ''}`,
        )
        .sort(),
    ).toEqual(
      [
        'd1 escalate-P1D-supervisor#0 no supervisor',
        'd1 escalate-P2D-unit-head#0 hb has no e-mail address',
        'shared escalate-P1D-supervisor#0 a unit holds the device: no person',
        'shared escalate-P2D-unit-head#0 no unit head',
      ].sort(),
    );
  });

  it('sends a re-routed step to the rung it asked for once someone is there, once', async () => {
    smtp.inbox.length = 0;
    cli.at('2023-04-05T08:00:00Z');
    expect((await cli.run('import', 'people', cli.file(people('hb@x.org')))).code).toBe(0);
    await tickAt('2023-04-05T09:00:00Z');
    await tickAt('2023-04-06T09:00:00Z');
    expect(inbox()).toEqual(['hb@x.org Overdue: Пётр Иванов — Replace iPhones']);
  });

  it('with nobody to tell at all, the step waits, saying so, and is sent once an officer appears', async () => {
    smtp.inbox.length = 0;
    // h1 leaves: nobody heads Org or the reception, and there are no officers yet.
    cli.at('2023-04-07T08:00:00Z');
    const gone = peopleCsv([
      buildPerson({
        id: 'h1',
        name: 'Ольга Главная',
        unit: 'Org',
        email: 'h1@x.org',
        active: 'false',
      }),
    ]);
    expect((await cli.run('import', 'people', cli.file(gone))).code).toBe(0);
    const v2 = MANDATE.replace('after: P2D, to: unit-head', 'after: P8D, to: unit-head');
    expect((await cli.run('apply', '-f', cli.file(v2))).code).toBe(0);
    await tickAt('2023-04-10T08:00:00Z');
    // p1's unit has its head again (hb): the new step reaches them directly.
    expect(inbox()).toEqual(['hb@x.org Overdue: Пётр Иванов — Replace iPhones']);
    const waiting = (await app.notifier.log({})).filter((l) => l.state === 'waiting');
    expect(waiting.map((l) => `${l.device_id} ${l.error}`)).toEqual([
      'shared nobody to tell: no unit head',
    ]);
    smtp.inbox.length = 0;
    await app.accounts.addUser({ email: 'officer@x.org', roles: ['officer'] }, 'test');
    await tickAt('2023-04-10T09:00:00Z');
    await tickAt('2023-04-11T09:00:00Z');
    expect(inbox()).toEqual(['officer@x.org Overdue: Org/Reception — Replace iPhones']);
    expect((await app.notifier.log({})).filter((l) => l.state === 'waiting')).toEqual([]);
  });
});
