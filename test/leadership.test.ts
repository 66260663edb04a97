import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../src/app.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { freePort } from './helpers/net.js';
import { createTestDatabase } from './helpers/databases.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'phaseout.js');
const PEOPLE = 30;
const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a server process leads the scheduler, from its metrics; null while it does not answer. */
async function leads(port: number): Promise<boolean | null> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = /^phaseout_scheduler_leader (\d)$/m.exec(text);
    return m ? m[1] === '1' : null;
  } catch {
    return null;
  }
}

const skip = inject('postgresSkipReason');
(skip ? describe.skip : describe)(
  `three server processes on one PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const children: ChildProcess[] = [];
    afterAll(() => {
      for (const c of children) c.kill('SIGKILL');
    });

    it('one leads the scheduler; when it is killed another takes over, and every message is sent once', async () => {
      const url = await createTestDatabase('postgres');
      const cli = makeCli(url, new Date().toISOString());
      const ids = Array.from({ length: PEOPLE }, (_, i) => `p${String(i).padStart(3, '0')}`);
      const people = peopleCsv(
        ids.map((id) => buildPerson({ id, unit: 'Org/A', email: `${id}@x.org` })),
      );
      expect((await cli.run('import', 'people', cli.file(people))).code).toBe(0);
      const devices = devicesCsv(ids.map((id) => buildDevice({ id: `d-${id}`, owner: id })));
      expect((await cli.run('import', 'devices', cli.file(devices))).code).toBe(0);
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

      // The SMTP server accepts eight messages, then holds the ninth without answering.
      const accepted: string[] = [];
      let released = false;
      let holding!: () => void;
      const held = new Promise<void>((r) => (holding = r));
      const smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, _session, done) {
          void simpleParser(stream).then((m) => {
            const to = (Array.isArray(m.to) ? m.to[0] : m.to)?.text ?? '';
            if (accepted.length === 8 && !released) {
              holding();
              return; // never answered: the sender dies waiting
            }
            accepted.push(to);
            done();
          });
        },
      });
      await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
      const smtpPort = (smtp.server.address() as AddressInfo).port;
      const servers: { port: number; child: ChildProcess }[] = [];
      for (let i = 0; i < 3; i++) {
        const port = await freePort();
        const child = spawn(process.execPath, [BIN, '--db', url, 'serve', '--port', String(port)], {
          env: {
            ...process.env,
            PHASEOUT_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
            PHASEOUT_MAIL_FROM: 'phaseout@x.org',
            PHASEOUT_NOTIFY_EVERY_MS: '300',
            PHASEOUT_NOTIFY_LEASE_MS: '1500',
          },
          stdio: 'ignore',
        });
        children.push(child);
        servers.push({ port, child });
      }
      const leaders = async (of = servers) =>
        (await Promise.all(of.map(async (s) => ((await leads(s.port)) ? s : null)))).filter(
          (s) => s !== null,
        );
      try {
        await held;
        // While the leader is stuck sending, exactly one process leads.
        let first = await leaders();
        const deadline = Date.now() + 10_000;
        while (first.length !== 1 && Date.now() < deadline) {
          await sleep(100);
          first = await leaders();
        }
        expect(first).toHaveLength(1);
        const leader = first[0]!;
        leader.child.kill('SIGKILL');
        await new Promise((r) => leader.child.once('exit', r));
        released = true;
        const rest = servers.filter((s) => s !== leader);
        const killedAt = Date.now();
        let next = await leaders(rest);
        while (next.length === 0 && Date.now() - killedAt < 60_000) {
          await sleep(100);
          next = await leaders(rest);
        }
        expect(next).toHaveLength(1);
        expect(Date.now() - killedAt).toBeLessThan(60_000);
        const until = Date.now() + 30_000;
        while (accepted.length < PEOPLE && Date.now() < until) await sleep(100);
        await sleep(1500);
        expect(accepted).toHaveLength(PEOPLE);
        expect(new Set(accepted)).toEqual(new Set(ids.map((id) => `${id}@x.org`)));
        // Still one leader of the two left.
        expect(await leaders(rest)).toHaveLength(1);
      } finally {
        for (const c of children) c.kill('SIGKILL');
        await new Promise<void>((r) => smtp.close(() => r()));
      }
    }, 90_000);
  },
);
