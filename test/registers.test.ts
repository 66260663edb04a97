import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi, type Caller } from './helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';
import { pdfTools, readPdf } from './helpers/pdf.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: kas, title: Remove Kaspersky, issuedAt: 2023-03-01 }
spec:
  scope: { units: [Org] }
  target: '"kaspersky-endpoint" in device.apps'
  action: remove
  phases:
    - { id: identify, due: 2023-03-20, requires: attest, attestBy: unit-head }
    - { id: remove, due: 2023-04-01, requires: resolve }
  reports: { every: P30D, from: 2023-03-02 }
  exemptions: { allowed: true, grounds: [national-security], maxDuration: P1Y, approver: officer }
`;
const PASSWORD = 'correct horse battery';

describeEachDatabase(
  'evidence for oversight: the registers of exemptions and attestations',
  (kind) => {
    let api: Awaited<ReturnType<typeof makeApi>>;
    let cli: ReturnType<typeof makeCli>;
    const as: Record<string, Caller> = {};
    const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      api.call(as[who]!, { method, url, ...(payload ? { payload } : {}) });

    beforeAll(async () => {
      const url = await createTestDatabase(kind);
      cli = makeCli(url, '2023-03-02T09:00:00Z');
      await cli.run(
        'import',
        'people',
        cli.file(
          peopleCsv([
            buildPerson({ id: 'h1', name: 'Head of A', unit: 'Org/A', head_of: 'Org/A' }),
            buildPerson({ id: 'p1', name: 'Anna', unit: 'Org/A' }),
            buildPerson({ id: 'p2', name: 'Boris', unit: 'Org/A' }),
          ]),
        ),
        '--observed-at',
        '2023-03-01',
      );
      await cli.run(
        'import',
        'devices',
        cli.file(
          devicesCsv([
            buildDevice({
              id: 'd1',
              owner: 'p1',
              class: 'laptop',
              platform: 'windows',
              apps: 'kaspersky-endpoint',
            }),
            buildDevice({
              id: 'd2',
              owner: 'p2',
              class: 'laptop',
              platform: 'windows',
              apps: 'office',
            }),
          ]),
        ),
        '--observed-at',
        '2023-03-01',
      );
      await cli.run('apply', '-f', cli.file(MANDATE));
      await cli.run(
        'attest',
        'kas',
        'identify',
        '--unit',
        'Org/A',
        '--by',
        'h1',
        '--note',
        'all laptops checked by the IT desk',
      );
      api = await makeApi(url, '2023-03-05T09:00:00Z');
      for (const [who, roles, personId] of [
        ['officer', ['officer'], undefined],
        ['anna', ['official'], 'p1'],
        ['auditor', ['auditor'], undefined],
      ] as const) {
        await api.app.accounts.addUser(
          {
            email: `${who}@x.org`,
            password: PASSWORD,
            roles: [...roles],
            ...(personId ? { personId } : {}),
          },
          'test',
        );
        as[who] = await api.login(`${who}@x.org`, PASSWORD);
      }
    });
    afterAll(() => api.close());

    it('refuses an exemption for what the mandate does not catch (422)', async () => {
      const r = await call('officer', 'POST', '/api/v1/exemptions', {
        mandate: 'kas',
        device: 'd2',
        ground: 'national-security',
        until: '2023-06-01',
        reason: 'not caught at all',
      });
      expect(r.statusCode).toBe(422);
      expect(r.json<{ message: string }>().message).toContain('not caught');
      const person = await call('officer', 'POST', '/api/v1/exemptions', {
        mandate: 'kas',
        person: 'p2',
        ground: 'national-security',
        until: '2023-06-01',
        reason: 'nothing of theirs is caught',
      });
      expect(person.statusCode).toBe(422);
    });

    it('lists the register of exemptions with its columns, as JSON, CSV and on the command line', async () => {
      const req = await call('anna', 'POST', '/api/v1/exemptions', {
        mandate: 'kas',
        device: 'd1',
        ground: 'national-security',
        until: '2023-06-01',
        reason: 'air-gapped lab machine',
      });
      expect(req.statusCode, req.body).toBe(201);
      const id = req.json<{ id: number }>().id;
      expect((await call('officer', 'POST', `/api/v1/exemptions/${id}/approve`)).statusCode).toBe(
        200,
      );
      const csv = await call('auditor', 'GET', '/api/v1/exemptions?format=csv');
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = csv.body.trim().split('\n');
      expect(lines[0]).toBe(
        'id,mandate,device,person,ground,reason,requestedBy,requestedAt,decidedBy,decidedAt,until,state',
      );
      expect(lines[1]).toMatch(
        /^\d+,kas,d1,,national-security,air-gapped lab machine,Anna \(anna@x\.org\),2023-03-05T09:00:00.000Z,officer@x\.org,2023-03-05T09:00:00.000Z,2023-06-01,approved$/,
      );
      cli.at('2023-03-05T10:00:00Z');
      const out = await cli.run('exemptions', 'list', '--mandate', 'kas', '--format', 'csv');
      expect(out.code, out.err).toBe(0);
      expect(out.out.trim().split('\n')).toEqual(lines);
      const none = await cli.run('exemptions', 'list', '--mandate', 'nope');
      expect(none.code).toBe(2);
    });

    it('lists the register of attestations: unit, phase, by whom, when, note; scoped like everything', async () => {
      const list = (
        await call('auditor', 'GET', '/api/v1/attestations?mandate=kas')
      ).json<unknown>();
      expect(list).toEqual([
        {
          mandate: 'kas',
          phase: 'identify',
          unit: 'Org/A',
          person: null,
          by: 'h1',
          byName: 'Head of A',
          at: '2023-03-02T09:00:00.000Z',
          note: 'all laptops checked by the IT desk',
        },
      ]);
      // An official sees attestations of their own person only.
      expect((await call('anna', 'GET', '/api/v1/attestations?mandate=kas')).json()).toEqual([]);
      const csv = await cli.run('attestations', 'list', '--format', 'csv');
      expect(csv.out.split('\n')[0]).toBe('mandate,phase,unit,person,by,byName,at,note');
      expect(csv.out).toContain('all laptops checked by the IT desk');
    });

    it('the recurring report has a page of exemptions in force and attestations, and the register beside it', async () => {
      api.at('2023-04-02T06:00:00Z');
      await api.app.notifier.makeReports(Date.parse('2023-04-02T06:00:00Z'));
      const [report] = await api.app.notifier.reports('kas');
      expect(report).toBeDefined();
      const officer = await api.login('officer@x.org', PASSWORD);
      const reg = await api.call(officer, {
        method: 'GET',
        url: `/api/v1/reports/${report!.id}/register`,
      });
      expect(reg.statusCode).toBe(200);
      expect(reg.body).toContain('air-gapped lab machine');
      if (pdfTools) {
        const pdf = (await api.app.notifier.report(Number(report!.id)))!.pdf;
        const text = readPdf(pdf, `report-evidence-${kind}`);
        expect(text).toContain('Exemptions in force');
        expect(text).toContain('national-security');
        expect(text).toMatch(/all laptops checked/);
      }
    });
  },
);
