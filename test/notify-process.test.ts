import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { freePort } from './helpers/net.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'phaseout.js');
const PEOPLE = 40;
const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describeEachDatabase(
  'the scheduler in a real server process, killed in the middle of a run',
  (kind) => {
    const children: ChildProcess[] = [];
    afterAll(() => {
      for (const c of children) c.kill('SIGKILL');
    });

    it('sends every reminder exactly once across a SIGKILL and a restart (two servers on PostgreSQL)', async () => {
      const url = await createTestDatabase(kind);
      const cli = makeCli(url, new Date().toISOString());
      const ids = Array.from({ length: PEOPLE }, (_, i) => `p${String(i).padStart(3, '0')}`);
      const people = peopleCsv(
        ids.map((id) => buildPerson({ id, unit: 'Org/A', email: `${id}@x.org` })),
      );
      expect((await cli.run('import', 'people', cli.file(people))).code).toBe(0);
      const devices = devicesCsv(ids.map((id) => buildDevice({ id: `d-${id}`, owner: id })));
      expect((await cli.run('import', 'devices', cli.file(devices))).code).toBe(0);
      // Due in two days: the three-day reminder is due now, for everybody.
      const mandate = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: ${day(-10)} }
spec:
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: ${day(2)}, requires: resolve }]
  notify: { remind: [P3D], escalate: [], digest: none }
`;
      expect((await cli.run('apply', '-f', cli.file(mandate))).code).toBe(0);
      const app = await createApp({ dbUrl: url });
      await app.accounts.addUser({ email: 'admin@x.org', roles: ['admin'] }, 'test');
      await app.close();

      // The SMTP server accepts ten messages, then holds the eleventh without answering.
      const accepted: string[] = [];
      let holding!: () => void;
      const held = new Promise<void>((r) => (holding = r));
      const smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, _session, done) {
          void simpleParser(stream).then((m) => {
            const to = (Array.isArray(m.to) ? m.to[0] : m.to)?.text ?? '';
            if (accepted.length === 10 && !released) {
              holding();
              return; // never answered: the sender dies waiting
            }
            accepted.push(to);
            done();
          });
        },
      });
      let released = false;
      await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
      const smtpPort = (smtp.server.address() as AddressInfo).port;
      const start = async () => {
        const child = spawn(
          process.execPath,
          [BIN, '--db', url, 'serve', '--port', String(await freePort())],
          {
            env: {
              ...process.env,
              PHASEOUT_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
              PHASEOUT_MAIL_FROM: 'phaseout@x.org',
              PHASEOUT_NOTIFY_EVERY_MS: '200',
              PHASEOUT_NOTIFY_LEASE_MS: '1500',
            },
            stdio: 'ignore',
          },
        );
        children.push(child);
        return child;
      };
      try {
        const first = await start();
        await held;
        first.kill('SIGKILL');
        await new Promise((r) => first.once('exit', r));
        released = true;
        await start();
        const deadline = Date.now() + 30_000;
        while (accepted.length < PEOPLE && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 100));
        // A little longer: nothing more may come.
        await new Promise((r) => setTimeout(r, 1500));
        expect(accepted).toHaveLength(PEOPLE);
        expect(new Set(accepted)).toEqual(new Set(ids.map((id) => `${id}@x.org`)));
      } finally {
        for (const c of children) c.kill('SIGKILL');
        await new Promise<void>((r) => smtp.close(() => r()));
      }
    });
  },
);
