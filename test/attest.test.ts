import { beforeAll, expect, it } from 'vitest';
import type { MandateStatus } from '../src/services/status.service.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeApi } from './helpers/api.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const BOD = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: kaspersky, title: Remove Kaspersky, issuedAt: 2017-09-13 }
spec:
  scope: { units: [Agency] }
  target: '"kaspersky-endpoint" in device.apps'
  action: remove
  phases:
    - { id: identify, due: 2017-10-13, requires: attest, attestBy: unit-head }
    - { id: remove, starts: 2017-12-12, requires: resolve }
    - { id: confirm, due: 2017-12-31, requires: attest, attestBy: person }
`;

describeEachDatabase('attest phases', (kind) => {
  let cli: ReturnType<typeof makeCli>;
  let url: string;
  const status = (asOf: string): Promise<MandateStatus> =>
    cli.json<MandateStatus>('status', 'kaspersky', '--as-of', asOf, '--json');

  beforeAll(async () => {
    url = await createTestDatabase(kind);
    cli = makeCli(url, '2017-09-01T12:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(
        peopleCsv([
          buildPerson({ id: 'h1', unit: 'Agency/A', head_of: 'Agency/A' }),
          buildPerson({ id: 'a1', unit: 'Agency/A', supervisor: 'h1' }),
          buildPerson({ id: 'b1', unit: 'Agency/B' }),
          buildPerson({ id: 'x1', unit: 'Elsewhere', head_of: 'Agency/C' }),
          buildPerson({ id: 'c1', unit: 'Agency/C' }),
        ]),
      ),
    );
    await cli.run(
      'import',
      'devices',
      cli.file(
        devicesCsv([
          buildDevice({
            id: 'l1',
            owner: 'a1',
            class: 'laptop',
            platform: 'windows',
            apps: 'kaspersky-endpoint;office',
          }),
        ]),
      ),
    );
    expect((await cli.run('apply', '-f', cli.file(BOD))).out).toBe(
      'created kaspersky v1 (+1 −0)\n',
    );
  });

  it('needs one attestation per unit in scope with a head and counts headless units', async () => {
    const s = await status('2017-09-20');
    expect(s.phases[0]).toMatchObject({
      id: 'identify',
      state: 'open',
      required: 2,
      attested: 0,
      headless: 1,
    });
    expect(s.phases[1]).toMatchObject({ id: 'remove', state: 'upcoming' });
  });

  it('refuses a wrong phase, a unit out of scope, and someone who is not the head, with exit 2', async () => {
    cli.at('2017-10-01T12:00:00Z');
    expect(
      (await cli.run('attest', 'kaspersky', 'remove', '--unit', 'Agency/A', '--by', 'h1')).code,
    ).toBe(2);
    expect(
      (await cli.run('attest', 'kaspersky', 'identify', '--unit', 'Elsewhere', '--by', 'x1')).code,
    ).toBe(2);
    const notHead = await cli.run(
      'attest',
      'kaspersky',
      'identify',
      '--unit',
      'Agency/A',
      '--by',
      'a1',
    );
    expect(notHead.code).toBe(2);
    expect(notHead.err).toContain("is not the unit's active head");
    expect(notHead.err).not.toContain('h1');
    expect(
      (await cli.run('attest', 'kaspersky', 'confirm', '--person', 'a1', '--by', 'b1')).code,
    ).toBe(2);
  });

  it('attesting twice changes nothing; a head out of scope attests for their unit', async () => {
    expect(
      (
        await cli.run(
          'attest',
          'kaspersky',
          'identify',
          '--unit',
          'Agency/A',
          '--by',
          'h1',
          '--note',
          'done',
        )
      ).code,
    ).toBe(0);
    const twice = await cli.run(
      'attest',
      'kaspersky',
      'identify',
      '--unit',
      'Agency/A',
      '--by',
      'h1',
    );
    expect(twice.out).toContain('nothing changed');
    expect((await status('2017-10-05')).phases[0]).toMatchObject({ state: 'open', attested: 1 });
  });

  it('after the due day the phase is missed; a late attestation makes it met with metAt', async () => {
    expect((await status('2017-10-14')).phases[0]!.state).toBe('missed');
    cli.at('2017-10-20T09:00:00Z');
    expect(
      (await cli.run('attest', 'kaspersky', 'identify', '--unit', 'Agency/C', '--by', 'x1')).code,
    ).toBe(0);
    expect((await status('2017-10-21')).phases[0]).toMatchObject({
      state: 'met',
      attested: 2,
      metAt: '2017-10-20T09:00:00.000Z',
    });
    expect((await status('2017-10-14')).phases[0]!.state).toBe('missed');
  });

  it('a resolve phase without due is never overdue', async () => {
    const s = await status('2018-06-01');
    expect(s.devices).toMatchObject({ pending: 1, overdue: 0 });
    expect(s.phases[1]!.state).toBe('open');
  });

  it('person attestations are counted per person in scope', async () => {
    cli.at('2017-12-01T09:00:00Z');
    for (const p of ['h1', 'a1', 'b1', 'c1'])
      expect((await cli.run('attest', 'kaspersky', 'confirm', '--person', p, '--by', p)).code).toBe(
        0,
      );
    expect((await status('2017-12-02')).phases[2]).toMatchObject({
      state: 'met',
      required: 4,
      attested: 4,
    });
  });

  it('over the API a head learns nothing about a unit beyond their own: it reads like one that is not there', async () => {
    const api = await makeApi(url, '2017-10-01T09:00:00Z');
    try {
      await api.app.accounts.addUser(
        {
          email: 'h1@x.org',
          password: 'head-password-1',
          roles: ['unit-head'],
          units: ['Agency/A'],
          personId: 'h1',
        },
        'test',
      );
      const head = await api.login('h1@x.org', 'head-password-1');
      const attest = (unit: string) =>
        api.call(head, {
          method: 'POST',
          url: '/api/v1/attestations',
          payload: { mandate: 'kaspersky', phase: 'identify', unit },
        });
      const beyond = await attest('Agency/C');
      const missing = await attest('Agency/Z');
      expect(beyond.statusCode).toBe(missing.statusCode);
      expect(beyond.body).not.toContain('x1');
      const strip = (b: string) =>
        JSON.stringify({ ...JSON.parse(b), requestId: null })
          .replaceAll('Agency/C', 'U')
          .replaceAll('Agency/Z', 'U');
      expect(strip(beyond.body)).toBe(strip(missing.body));
      // For a person, the refusal says nothing about whom was named.
      const other = await api.call(head, {
        method: 'POST',
        url: '/api/v1/attestations',
        payload: { mandate: 'kaspersky', phase: 'confirm', person: 'c1' },
      });
      const nobody = await api.call(head, {
        method: 'POST',
        url: '/api/v1/attestations',
        payload: { mandate: 'kaspersky', phase: 'confirm', person: 'zz' },
      });
      expect(other.statusCode).toBe(nobody.statusCode);
      expect(strip(other.body.replaceAll('c1', 'P'))).toBe(
        strip(nobody.body.replaceAll('zz', 'P')),
      );
    } finally {
      await api.close();
    }
  });
});
