import type { Language } from '../src/domain/texts/languages.js';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSmtp } from './helpers/smtp.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp, type App } from '../src/app.js';
import { buildServer } from '../src/http/server.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { pdfTools, readPdf } from './helpers/pdf.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;

/** A database with three people (p3 heads Org/A, p2 supervises p1), two iPhones, the mandate and an officer. */
async function seed(kind: 'sqlite' | 'postgres'): Promise<string> {
  const url = await createTestDatabase(kind);
  const cli = makeCli(url, '2023-03-01T08:00:00Z');
  const people = peopleCsv([
    buildPerson({ id: 'p1', unit: 'Org/A', email: 'p1@x.org', supervisor: 'p2' }),
    buildPerson({ id: 'p2', unit: 'Org/A', email: 'p2@x.org' }),
    buildPerson({ id: 'p3', unit: 'Org/A', email: 'p3@x.org', head_of: 'Org/A' }),
  ]);
  expect((await cli.run('import', 'people', cli.file(people))).code).toBe(0);
  const devices = devicesCsv([
    buildDevice({ id: 'd1', owner: 'p1', model: 'iPhone 13' }),
    buildDevice({ id: 'd2', owner: 'p2' }),
  ]);
  expect((await cli.run('import', 'devices', cli.file(devices))).code).toBe(0);
  expect((await cli.run('apply', '-f', cli.file(MANDATE))).code).toBe(0);
  const app = await createApp({ dbUrl: url });
  await app.accounts.addUser({ email: 'officer@x.org', roles: ['officer'] }, 'test');
  await app.close();
  return url;
}

describeEachDatabase('reminders and escalations by e-mail', (kind) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const clock = fixedClock(0);
  const apps: App[] = [];
  const open = async (url: string, language: Language = 'en') => {
    const app = await createApp({
      dbUrl: url,
      clock,
      config: {
        oidc: null,
        mail: { url: `smtp://127.0.0.1:${smtp.port}`, from: 'phaseout@x.org' },
        publicUrl: 'https://phaseout.example.org',
        language,
      },
    });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => undefined);
    await smtp.close();
  });

  it('drives a fixed clock through the timeline: the expected messages, once each, with a restart (and two schedulers on PostgreSQL)', async () => {
    const url = await seed(kind);
    smtp.inbox.length = 0;
    let a = await open(url);
    // Several schedulers share a PostgreSQL database; SQLite serves one server process, and two
    // connections in one process would block each other's event loop.
    const b = kind === 'postgres' ? await open(url) : null;
    const cli = makeCli(url);
    for (
      let t = Date.parse('2023-03-15T06:00:00Z');
      t <= Date.parse('2023-04-20T06:00:00Z');
      t += 12 * 3600_000
    ) {
      clock.set(t);
      if (t === Date.parse('2023-03-30T06:00:00Z')) {
        // p2 hands in their iPhone: no more messages about d2.
        cli.at('2023-03-30T06:00:00Z');
        const retired = devicesCsv([buildDevice({ id: 'd2', owner: 'p2', status: 'retired' })]);
        expect((await cli.run('import', 'devices', cli.file(retired))).code).toBe(0);
      }
      if (t === Date.parse('2023-04-04T06:00:00Z')) {
        // A restart: the first scheduler goes away, a new one takes over.
        await a.close();
        a = await open(url);
      }
      await Promise.all([a.notifier.tick(), b?.notifier.tick()]);
    }
    const got = smtp.inbox
      .filter((m) => !m.subject.startsWith('Digest'))
      .map((m) => `${m.to} ${m.subject}`)
      .sort();
    // p3 heads Org/A: a weekly digest, weeks 11 to 16, of what is open there.
    expect(
      smtp.inbox.filter((m) => m.subject.startsWith('Digest')).map((m) => `${m.to} ${m.subject}`),
    ).toEqual([
      ...Array<string>(3).fill('p3@x.org Digest: Replace iPhones — 2 open (A)'),
      ...Array<string>(3).fill('p3@x.org Digest: Replace iPhones — 1 open (A)'),
    ]);
    expect(smtp.inbox.find((m) => m.subject.startsWith('Digest'))!.text).toContain(
      '- Person p1 (p1) · d1 · pending',
    );
    expect(got).toEqual(
      [
        'p1@x.org Reminder: Replace iPhones — due April 1, 2023',
        'p1@x.org Reminder: Replace iPhones — due April 1, 2023',
        'p1@x.org Reminder: Replace iPhones — due April 1, 2023',
        'p2@x.org Reminder: Replace iPhones — due April 1, 2023',
        'p2@x.org Reminder: Replace iPhones — due April 1, 2023',
        'p2@x.org Overdue: Person p1 — Replace iPhones',
        'p3@x.org Overdue: Person p1 — Replace iPhones',
        'officer@x.org Overdue: Person p1 — Replace iPhones',
        'officer@x.org Overdue: Person p1 — Replace iPhones',
      ].sort(),
    );
    expect(new Set(smtp.inbox.map((m) => m.messageId)).size).toBe(smtp.inbox.length);
    const first = smtp.inbox.find((m) => m.to === 'p1@x.org')!;
    expect(first.text).toContain('device d1 (iPhone 13)');
    expect(first.text).toContain('https://phaseout.example.org/console/#/mine');
    expect(first.language).toBe('en');
    const log = await a.notifier.log({ owner: 'p1' });
    expect(log.map((l) => l.step).sort()).toEqual(
      [
        'escalate-P1D-supervisor#0',
        'escalate-P3D-unit-head#0',
        'escalate-P7D-officers#0',
        'escalate-P7D-officers#1',
        'remind-P14D#0',
        'remind-P1D#0',
        'remind-P3D#0',
      ].sort(),
    );
    expect(log.every((l) => l.state === 'sent')).toBe(true);

    // The log through the API: an official sees the messages about their own devices only.
    for (const id of ['p1', 'p2'])
      await a.accounts.addUser(
        { email: `${id}@x.org`, roles: ['official'], personId: id, password: 'long enough pw' },
        'test',
      );
    const server = await buildServer(a);
    const seen = async (email: string) => {
      const login = await server.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'long enough pw' },
      });
      const cookie = login.cookies.find((c) => c.name === 'phaseout_session')!;
      const r = await server.inject({
        method: 'GET',
        url: '/api/v1/notifications',
        headers: { cookie: `phaseout_session=${cookie.value}` },
      });
      return r.json<{ items: { owner: string; state: string; sentAt: string }[] }>().items;
    };
    const mine = await seen('p1@x.org');
    expect(mine).toHaveLength(7);
    expect(mine.every((n) => n.owner === 'p1' && n.state === 'sent' && n.sentAt)).toBe(true);
    expect((await seen('p2@x.org')).map((n) => n.owner)).toEqual(['p2', 'p2']);
    await server.close();
  });

  it('after downtime catches up with one message per due step, each in its recipient’s language', async () => {
    const url = await seed(kind);
    smtp.inbox.length = 0;
    const a = await open(url, 'ru');
    clock.set(Date.parse('2023-05-20T06:00:00Z'));
    // p3 reads the console in English: their messages come in English, everyone else's in Russian.
    await a.accounts.addUser(
      { email: 'p3@x.org', roles: ['unit-head'], personId: 'p3', password: 'long enough pw' },
      'test',
    );
    const server = await buildServer(a);
    const login = await server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'p3@x.org', password: 'long enough pw' },
    });
    const set = await server.inject({
      method: 'PUT',
      url: '/api/v1/auth/me/language',
      payload: { language: 'en' },
      headers: {
        cookie: `phaseout_session=${login.cookies.find((c) => c.name === 'phaseout_session')!.value}`,
        'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken,
      },
    });
    expect(set.statusCode, set.body).toBe(200);
    await server.close();
    await a.notifier.tick();
    await a.notifier.tick();
    const got = smtp.inbox.map((m) => `${m.to} ${m.subject}`).sort();
    // Reminders are past their window; each escalation once; officers only the latest repetition.
    expect(got).toEqual(
      [
        'p2@x.org Просрочено: Person p1 — Replace iPhones',
        'p3@x.org Overdue: Person p1 — Replace iPhones',
        'officer@x.org Просрочено: Person p1 — Replace iPhones',
        // p2's own iPhone: their supervisor is nobody, so the unit head and officers hear.
        'p3@x.org Overdue: Person p2 — Replace iPhones',
        'officer@x.org Просрочено: Person p2 — Replace iPhones',
        'p3@x.org Digest: Replace iPhones — 2 open (A)',
      ].sort(),
    );
    expect(smtp.inbox.find((m) => m.to === 'p2@x.org')!.text).toContain('срок истёк 1 апреля 2023');
    expect(smtp.inbox.find((m) => m.to === 'p2@x.org')!.language).toBe('ru');
    expect(smtp.inbox.find((m) => m.to === 'p3@x.org')!.language).toBe('en');
    const steps = (await a.notifier.log({ owner: 'p1' })).map((l) => l.step).sort();
    expect(steps).toEqual([
      'escalate-P1D-supervisor#0',
      'escalate-P3D-unit-head#0',
      'escalate-P7D-officers#5',
    ]);
  });

  it('posts each notification to a webhook, signed; retries with backoff and lists what it gave up on', async () => {
    const url = await seed(kind);
    const secret = 'a-webhook-secret-for-tests';
    const received: { body: string; ts: string; sig: string; delivery: string }[] = [];
    let failFor = new Set<string>();
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const delivery = String(req.headers['x-phaseout-delivery']);
        const owner = (JSON.parse(body) as { owner: string }).owner;
        if (failFor.has(owner)) {
          res.statusCode = 503;
          res.end();
          return;
        }
        received.push({
          body,
          ts: String(req.headers['x-phaseout-timestamp']),
          sig: String(req.headers['x-phaseout-signature']),
          delivery,
        });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    const app = await createApp({
      dbUrl: url,
      clock,
      config: { oidc: null, webhook: { url: `http://127.0.0.1:${port}/hook`, secret } },
    });
    apps.push(app);
    try {
      failFor = new Set(['p2']);
      clock.set(Date.parse('2023-03-18T06:00:00Z'));
      // Two reminders and p3's weekly digest.
      expect(await app.notifier.tick()).toMatchObject({ planned: 3, sent: 2, failed: 1 });
      expect(received).toHaveLength(2);
      const hook = received.find((r) => r.body.includes('"reminder"'))!;
      expect(hook.sig).toBe(
        `sha256=${createHmac('sha256', secret).update(`${hook.ts}.${hook.body}`).digest('hex')}`,
      );
      expect(Math.abs(Number(hook.ts) - Date.now() / 1000)).toBeLessThan(60);
      expect(JSON.parse(hook.body)).toMatchObject({
        event: 'reminder',
        mandate: 'iphones',
        device: 'd1',
        owner: 'p1',
        step: 'remind-P14D#0',
        to: 'official',
        recipients: [{ id: 'p1', email: 'p1@x.org' }],
        due: '2023-04-01',
      });
      // p2's receiver keeps failing: 1, 2, 4, 8, 16 minutes apart, then it is given up.
      let t = Date.parse('2023-03-18T06:00:00Z');
      for (const wait of [1, 2, 4, 8, 16]) {
        clock.set((t += wait * 60_000 - 1));
        expect((await app.notifier.deliver()).failed).toBe(0);
        clock.set((t += 1));
        expect((await app.notifier.deliver()).failed).toBe(1);
      }
      const dead = await app.notifier.log({ state: 'dead' });
      expect(dead.map((d) => [d.owner_id, d.channel, d.attempts])).toEqual([['p2', 'webhook', 6]]);
      expect(dead[0]!.error).toBe('webhook answered 503');
      // Once the receiver is back, a new step is delivered; the dead one stays dead.
      failFor = new Set();
      clock.set(Date.parse('2023-03-29T06:00:00Z'));
      expect(await app.notifier.tick()).toMatchObject({ planned: 3, sent: 3, failed: 0 });
      expect(new Set(received.map((r) => r.delivery)).size).toBe(received.length);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('makes the 30-day report once, keeps it, and mails it as PDF and CSV with the numbers of status', async () => {
    const url = await seed(kind);
    const cli = makeCli(url, '2023-03-02T08:00:00Z');
    const reported = MANDATE.replace('id: iphones', 'id: iphones-reported').replace(
      '  phases:',
      '  reports: { every: P30D, from: 2023-03-03, to: [boss@x.org] }\n  phases:',
    );
    expect((await cli.run('apply', '-f', cli.file(reported), '--as', 'officer@x.org')).code).toBe(
      0,
    );
    smtp.inbox.length = 0;
    const a = await open(url);
    clock.set(Date.parse('2023-04-05T06:00:00Z'));
    expect((await a.notifier.tick()).reports).toBe(1);
    expect((await a.notifier.tick()).reports).toBe(0);
    const mail = smtp.inbox.filter((m) => m.to === 'boss@x.org');
    expect(mail.map((m) => m.subject)).toEqual(['Status report: Replace iPhones — April 2, 2023']);
    const files = Object.fromEntries(mail[0]!.attachments.map((x) => [x.filename, x.content]));
    expect(Object.keys(files).sort()).toEqual([
      'iphones-reported-2023-04-02-exemptions.csv',
      'iphones-reported-2023-04-02.csv',
      'iphones-reported-2023-04-02.pdf',
    ]);
    // The third attachment is the register of exemptions, with its columns.
    expect(
      files['iphones-reported-2023-04-02-exemptions.csv']!.toString('utf8').split('\n')[0],
    ).toBe(
      'id,mandate,device,person,ground,reason,requestedBy,requestedAt,decidedBy,decidedAt,until,state',
    );
    const status = await a.status.status('iphones-reported', { asOf: '2023-04-02' });
    expect(status.devices.overdue).toBe(2);
    const csv = files['iphones-reported-2023-04-02.csv']!.toString('utf8').split('\r\n');
    expect(csv[0]).toBe(
      'mandate,asOf,unit,pending,overdue,exempt,resolved,departed,unassigned,peopleInScope,peopleNonCompliant,unknown',
    );
    const d = status.devices;
    expect(csv[1]).toBe(
      `iphones-reported,${status.asOf},,${d.pending},${d.overdue},${d.exempt},${d.resolved},${d.departed},${d.unassigned},${status.people.inScope},${status.people.nonCompliant},${d.unknown}`,
    );
    const pdf = files['iphones-reported-2023-04-02.pdf']!;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The report is kept: the same PDF through the API.
    const kept = await a.notifier.reports('iphones-reported');
    expect(kept.map((r) => r.day)).toEqual(['2023-04-02']);
    expect(Buffer.from((await a.notifier.report(Number(kept[0]!.id)))!.pdf).equals(pdf)).toBe(true);
    if (pdfTools) {
      const text = readPdf(pdf, `report-${kind}`);
      expect(text).toContain('Status report: Replace iPhones');
      expect(text).toContain('As of April 2, 2023');
      // Four counts a row: departed and held by nobody beside resolved (DESIGN §5a).
      expect(text).toMatch(new RegExp(`Pending\\s+Overdue\\s+Exempt\\s+Resolved`));
      expect(text).toMatch(
        new RegExp(`${d.pending}\\s+${d.overdue}\\s+${d.exempt}\\s+${d.resolved}`),
      );
      expect(text).toMatch(
        new RegExp(`Departed\\s+Held by nobody\\s+Unknown\\s+People not compliant`),
      );
      expect(text).toMatch(
        new RegExp(
          `${d.departed}\\s+${d.unassigned}\\s+${d.unknown}\\s+${status.people.nonCompliant}`,
        ),
      );
    }
  });

  it('runs one round from the command line, channels from the environment', async () => {
    const url = await seed(kind);
    smtp.inbox.length = 0;
    const saved = { ...process.env };
    process.env.PHASEOUT_SMTP_URL = `smtp://127.0.0.1:${smtp.port}`;
    process.env.PHASEOUT_MAIL_FROM = 'phaseout@x.org';
    try {
      const cli = makeCli(url);
      const r = await cli.run('notify', '--at', '2023-03-18T06:00:00Z');
      expect(r.err).toBe('');
      expect(r.out).toBe('reports 0, planned 3, sent 3, failed 0\n');
      expect((await cli.run('notify', '--at', '2023-03-18T07:00:00Z')).out).toBe(
        'reports 0, planned 0, sent 0, failed 0\n',
      );
      expect(smtp.inbox).toHaveLength(3);
      expect((await cli.run('notify', '--at', 'tomorrow')).code).toBe(2);
    } finally {
      process.env = saved;
    }
  });

  it('retries a failed send with backoff, and drops a retry whose finding closed meanwhile', async () => {
    const url = await seed(kind);
    const app = await createApp({
      dbUrl: url,
      clock,
      config: { oidc: null, mail: { url: 'smtp://127.0.0.1:1', from: 'phaseout@x.org' } },
    });
    apps.push(app);
    clock.set(Date.parse('2023-03-18T06:00:00Z'));
    const r = await app.notifier.tick();
    expect(r).toMatchObject({ planned: 3, sent: 0, failed: 3 });
    const log = await app.notifier.log();
    expect(log.map((l) => [l.state, l.attempts])).toEqual([
      ['queued', 1],
      ['queued', 1],
      ['queued', 1],
    ]);
    expect(log[0]!.error).toMatch(/ECONNREFUSED|connect/i);
    // Within the backoff nothing is tried again.
    expect((await app.notifier.tick()).failed).toBe(0);
    // p2 hands in their iPhone; the mail server is back: p1's reminder goes, p2's is dropped.
    const cli = makeCli(url, '2023-03-18T06:30:00Z');
    const retired = devicesCsv([buildDevice({ id: 'd2', owner: 'p2', status: 'retired' })]);
    expect((await cli.run('import', 'devices', cli.file(retired))).code).toBe(0);
    smtp.inbox.length = 0;
    const back = await open(url);
    clock.set(Date.parse('2023-03-18T06:40:00Z'));
    await back.notifier.deliver();
    expect(smtp.inbox.map((m) => m.to).sort()).toEqual(['p1@x.org', 'p3@x.org']);
    const dropped = (await back.notifier.log({ owner: 'p2' }))[0]!;
    expect([dropped.state, dropped.error]).toEqual([
      'dead',
      'the finding closed before it was sent',
    ]);
  });
});
