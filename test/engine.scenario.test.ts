import { beforeAll, describe, expect, it } from 'vitest';
import type { MandateStatus } from '../src/services/status.service.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const DPD = 'Org/DPD';
const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  scope: { units: ["${DPD}"], exclude: { tags: [cleared] } }
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, starts: 2023-03-01, due: 2023-04-01, requires: resolve }]
`;

const people = (over: Record<string, Record<string, string>> = {}): string =>
  peopleCsv(
    [
      buildPerson({ id: 'p1', unit: `${DPD}/Elections`, head_of: `${DPD}/Elections` }),
      buildPerson({ id: 'p2', unit: `${DPD}/Elections`, supervisor: 'p1' }),
      buildPerson({ id: 'p3', unit: `${DPD}/Regional` }),
      buildPerson({ id: 'p4', unit: 'Org/Other' }),
      buildPerson({ id: 'p5', unit: `${DPD}/Regional`, tags: 'Cleared' }),
    ].map((p) => ({ ...p, ...(over[p.id ?? ''] ?? {}) })),
  );

const devices = (rows: Record<string, string>[]): string =>
  devicesCsv(rows.map((r) => buildDevice(r as { id: string })));
const BASE: Record<string, string>[] = [
  { id: 'd1', owner: 'p1' },
  { id: 'd2', owner: 'p2' },
  { id: 'd3', owner: 'p3' },
  // p3's own iPhone, used for work: when p3 leaves it departs with them (DESIGN §5a).
  { id: 'd9', owner: 'p3', ownership: 'personal' },
  { id: 'd4', owner: 'p4' },
  { id: 'd5', owner: 'p1', platform: 'android' },
  { id: 'd6', owner: '' },
  { id: 'd7', owner: 'p5' },
];

describeEachDatabase('the DESIGN §4–§5 scenario through the CLI', (kind) => {
  let cli: ReturnType<typeof makeCli>;
  const status = (asOf: string): Promise<MandateStatus> =>
    cli.json<MandateStatus>('status', 'iphones', '--as-of', asOf, '--json');

  beforeAll(async () => {
    cli = makeCli(await createTestDatabase(kind), '2023-02-20T12:00:00Z');
    expect(
      (await cli.run('import', 'people', cli.file(people()), '--observed-at', '2023-02-20')).code,
    ).toBe(0);
    expect(
      (await cli.run('import', 'devices', cli.file(devices(BASE)), '--observed-at', '2023-02-20'))
        .code,
    ).toBe(0);
  });

  it('a first application opens findings from issuedAt and reports unowned matches and empty scope entries', async () => {
    cli.at('2023-02-25T09:00:00Z');
    const r = await cli.run('apply', '-f', cli.file(MANDATE));
    expect(r.code).toBe(0);
    expect(r.out).toBe('created iphones v1 (+4 −0)\n');
    expect(r.err).toContain('1 active device(s) with no owner match the target');
    const again = await cli.run(
      'apply',
      '-f',
      cli.file(
        `# reformatted, same document\n${MANDATE.replace('action: replace', 'action:   "replace"  # quoted')}`,
      ),
    );
    expect(again.out).toBe('unchanged iphones v1 (+0 −0)\n');
  });

  it('counts three pending devices before anyone acts, and shows upcoming before issuedAt', async () => {
    const before = await status('2023-02-28');
    expect(before.phases[0]!.state).toBe('upcoming');
    expect(before.devices).toMatchObject({ pending: 0, overdue: 0, resolved: 0 });
    const s = await status('2023-03-05');
    expect(s.devices).toEqual({
      pending: 4,
      overdue: 0,
      exempt: 0,
      resolved: 0,
      lost: 0,
      unknown: 0,
      departed: 0,
      // d6 has no owner and no unit: never caught, never silent.
      unassigned: 1,
    });
    expect(s.people).toEqual({ inScope: 3, affected: 3, nonCompliant: 3, overdue: 0 });
    expect(s.phases[0]).toMatchObject({ id: 'replace', state: 'open', due: '2023-04-01' });
    expect(s.due).toBe('2023-04-01');
  });

  it('a retirement resolves; a handover between caught owners is a transfer, not progress', async () => {
    cli.at('2023-03-10T18:00:00Z');
    const r = await cli.run(
      'import',
      'devices',
      cli.file(
        devices([
          { id: 'd1', owner: 'p1', status: 'retired' },
          { id: 'd2', owner: 'p1' },
        ]),
      ),
      '--observed-at',
      '2023-03-10',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 created, 2 updated, 0 unchanged');
    const s = await status('2023-03-15');
    expect(s.devices).toMatchObject({ pending: 3, resolved: 1 });
    expect(s.people).toMatchObject({ affected: 3, nonCompliant: 2 });
    const f = await cli.json<
      { device: string; owner: string; state: string; closeReason: string | null }[]
    >('findings', 'iphones', '--as-of', '2023-03-15', '--format', 'json');
    expect(f.map((x) => `${x.device}:${x.owner}:${x.state}:${x.closeReason ?? ''}`)).toEqual([
      'd1:p1:resolved:device_inactive',
      'd2:p2:transferred:transferred',
      'd3:p3:pending:',
      'd9:p3:pending:',
      'd2:p1:pending:',
    ]);
  });

  it('a leaver’s corporate iPhone stays open under their unit, their personal one departs; a new iPhone opens one', async () => {
    cli.at('2023-03-20T18:00:00Z');
    expect(
      (
        await cli.run(
          'import',
          'people',
          cli.file(people({ p3: { active: 'false' } })),
          '--observed-at',
          '2023-03-20',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli.run(
          'import',
          'devices',
          cli.file(devices([{ id: 'd8', owner: 'p2' }])),
          '--observed-at',
          '2023-03-20',
        )
      ).code,
    ).toBe(0);
    const s = await status('2023-03-25');
    // d3 is no progress: its unit holds it now. d9 left with p3: departed, not resolved.
    expect(s.devices).toMatchObject({ pending: 3, overdue: 0, resolved: 1, departed: 1 });
    expect(s.people).toEqual({ inScope: 2, affected: 3, nonCompliant: 2, overdue: 0 });
    // Nothing resolved in the 14 days up to 25 March (a departure is no resolution): no forecast.
    expect(s.forecast).toEqual({ ratePerDay: 0, projectedCompletion: null, onTrack: false });
    const f = await cli.json<
      {
        device: string;
        owner: string | null;
        unit: string;
        state: string;
        closeReason: string | null;
      }[]
    >('findings', 'iphones', '--as-of', '2023-03-25', '--format', 'json');
    expect(
      f
        .filter((x) => x.device === 'd3' || x.device === 'd9')
        .map(
          (x) => `${x.device}:${x.owner ?? '(unit)'}:${x.unit}:${x.state}:${x.closeReason ?? ''}`,
        ),
    ).toEqual([
      'd3:p3:Org/DPD/Regional:transferred:transferred',
      'd9:p3:Org/DPD/Regional:departed:owner_left',
      'd3:(unit):Org/DPD/Regional:pending:',
    ]);
  });

  it('the due day is included whole; the day after, open devices are overdue and the phase is missed', async () => {
    const onDue = await status('2023-04-01T23:59:59');
    expect(onDue.devices).toMatchObject({ pending: 3, overdue: 0 });
    expect(onDue.phases[0]!.state).toBe('open');
    const after = await status('2023-04-02');
    expect(after.devices).toMatchObject({ pending: 0, overdue: 3, resolved: 1 });
    expect(after.people).toMatchObject({ nonCompliant: 2, overdue: 2 });
    expect(after.phases[0]!.state).toBe('missed');
  });

  it('a late file applies at the latest observation (history before it stays); none comes from the future', async () => {
    cli.at('2023-04-05T18:00:00Z');
    const back = await cli.run(
      'import',
      'devices',
      cli.file(devices([{ id: 'd2', owner: 'p1', status: 'retired' }])),
      '--observed-at',
      '2023-03-19',
      '--dry-run',
      '--json',
    );
    expect(back.code, back.err).toBe(0);
    const summary = JSON.parse(back.out) as { observedAt: string; statedAt: string | null };
    expect(summary.statedAt).toBe('2023-03-19T00:00:00.000Z');
    expect(Date.parse(summary.observedAt)).toBeGreaterThan(Date.parse('2023-03-19'));
    const future = await cli.run(
      'import',
      'devices',
      cli.file(devices([{ id: 'd2', owner: 'p1', status: 'retired' }])),
      '--observed-at',
      '2023-04-06',
    );
    expect(future.code).toBe(2);
    expect(future.err).toContain('in the future');
  });

  it('the last devices resolved make the phase met', async () => {
    cli.at('2023-04-05T18:00:00Z');
    const r = await cli.run(
      'import',
      'devices',
      cli.file(
        devices([
          { id: 'd2', owner: 'p1', status: 'retired' },
          { id: 'd8', owner: 'p2', platform: 'android' },
          // The unit hands in the leaver's iPhone.
          { id: 'd3', owner: '', status: 'retired', unit: 'Org/DPD/Regional' },
        ]),
      ),
      '--observed-at',
      '2023-04-05',
    );
    expect(r.code).toBe(0);
    const s = await status('2023-04-06');
    expect(s.devices).toEqual({
      pending: 0,
      overdue: 0,
      exempt: 0,
      resolved: 4,
      lost: 0,
      unknown: 0,
      departed: 1,
      unassigned: 1,
    });
    expect(s.phases[0]!.state).toBe('met');
    expect(s.forecast.onTrack).toBe(true);
    const f = await cli.json<{ device: string; closeReason: string }[]>(
      'findings',
      'iphones',
      '--as-of',
      '2023-04-06',
      '--format',
      'json',
    );
    expect(f.find((x) => x.device === 'd8')!.closeReason).toBe('device_changed');
  });

  it('a later version takes effect at --effective-at; a device caught after the due date is overdue at once', async () => {
    cli.at('2023-04-07T12:00:00Z');
    const v2 = MANDATE.replace(`units: ["${DPD}"]`, `units: ["${DPD}", "Org/Other"]`);
    const dry = await cli.run(
      'apply',
      '-f',
      cli.file(v2),
      '--dry-run',
      '--effective-at',
      '2023-04-07',
    );
    expect(dry.out).toBe('(dry run) updated iphones v2 (+1 −0)\n');
    expect((await cli.json<{ version: number }[]>('mandates', '--json'))[0]!.version).toBe(1);
    const r = await cli.run('apply', '-f', cli.file(v2), '--effective-at', '2023-04-07');
    expect(r.out).toBe('updated iphones v2 (+1 −0)\n');
    const s = await status('2023-04-08');
    expect(s.version).toBe(2);
    expect(s.devices).toMatchObject({ overdue: 1, resolved: 4 });
    expect(s.phases[0]!.state).toBe('missed');
  });

  it('answers about the past stay the same after later writes', async () => {
    const s = await status('2023-03-25');
    expect(s.version).toBe(1);
    expect(s.devices).toMatchObject({ pending: 3, overdue: 0, resolved: 1, departed: 1 });
    expect(s.people.affected).toBe(3);
  });

  it('by unit groups by the unit recorded on each finding, cut to a depth', async () => {
    const s = await cli.json<MandateStatus>(
      'status',
      'iphones',
      '--as-of',
      '2023-03-25',
      '--by-unit',
      '--depth',
      '3',
      '--json',
    );
    expect(
      s.units!.map((u) => [u.unit, u.devices.pending, u.devices.resolved, u.devices.departed]),
    ).toEqual([
      ['Org/DPD/Elections', 2, 1, 0],
      ['Org/DPD/Regional', 1, 0, 1],
    ]);
  });

  it('withdrawal closes what is open, hides the mandate from the summary, and re-applying needs --reinstate', async () => {
    cli.at('2023-04-09T12:00:00Z');
    const w = await cli.run('withdraw', 'iphones');
    expect(w.out).toBe('withdrawn iphones at 2023-04-09T12:00:00.000Z (−1)\n');
    expect(await cli.json<unknown[]>('status', '--json')).toEqual([]);
    const s = await status('2023-04-10');
    expect(s.withdrawnAt).toBe('2023-04-09T12:00:00.000Z');
    expect(s.devices).toMatchObject({ overdue: 0, resolved: 5, departed: 1 });
    const v2 = MANDATE.replace(`units: ["${DPD}"]`, `units: ["${DPD}", "Org/Other"]`);
    const refused = await cli.run('apply', '-f', cli.file(v2));
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--reinstate');
    cli.at('2023-04-10T12:00:00Z');
    const back = await cli.run('apply', '-f', cli.file(v2), '--reinstate');
    expect(back.out).toBe('reinstated iphones v2 (+1 −0)\n');
    expect((await status('2023-04-11')).devices.overdue).toBe(1);
  });

  it('findings export as CSV with the contract columns', async () => {
    const r = await cli.run(
      'findings',
      'iphones',
      '--as-of',
      '2023-03-15',
      '--format',
      'csv',
      '--state',
      'pending',
    );
    expect(r.out.split('\n')[0]).toBe('mandate,device,owner,unit,opened,closed,state,closeReason');
    expect(r.out.split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('unknown mandates are refused with exit 2', async () => {
    expect((await cli.run('status', 'nope')).code).toBe(2);
    expect((await cli.run('findings', 'nope')).code).toBe(2);
    expect((await cli.run('attest', 'nope', 'x', '--unit', 'Org', '--by', 'p1')).code).toBe(2);
  });

  it('the audit chain verifies', async () => {
    const r = await cli.run('audit', 'verify');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok: \d+ entries\nhead: seq \d+ hash [0-9a-f]{64}\n$/);
  });
});

describe('scenario helpers', () => {
  it('build the CSVs the scenario reads', () => {
    expect(people().split('\n')[0]).toBe('id,name,email,unit,title,supervisor,tags,head_of,active');
  });
});
