import { beforeAll, expect, it } from 'vitest';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: old-ios, title: Replace iPhones older than iOS 16, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios" && version(device.osVersion) < version("16.0")
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;

interface Row {
  device: string;
  state: string;
  opened: string;
  closed: string | null;
  reason?: string;
}

describeEachDatabase(
  'unknown: targets that cannot be decided, and versions that compare as versions',
  (kind) => {
    let cli: ReturnType<typeof makeCli>;

    beforeAll(async () => {
      cli = makeCli(await createTestDatabase(kind), '2023-03-02T12:00:00Z');
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
        cli.file(
          devicesCsv([
            buildDevice({ id: 'd1', owner: 'p1', os_version: '15.7' }),
            buildDevice({ id: 'd2', owner: 'p1', os_version: '16.3.1' }),
            buildDevice({ id: 'd3', owner: 'p1', os_version: '' }),
            buildDevice({ id: 'd4', owner: 'p1', os_version: 'beta' }),
            buildDevice({ id: 'd5', owner: 'p1', os_version: '9.0' }),
            buildDevice({ id: 'd6', owner: 'p1', platform: 'android', os_version: '' }),
          ]),
        ),
        '--observed-at',
        '2023-03-01',
      );
      const r = await cli.run('apply', '-f', cli.file(MANDATE));
      expect(r.code, r.err).toBe(0);
    });

    it('an absent or unreadable version leaves the device unknown, not caught; "9.0" is older than "16.3.1"', async () => {
      const s = await cli.json<{ devices: Record<string, number> }>('status', 'old-ios', '--json');
      expect(s.devices).toMatchObject({ pending: 2, unknown: 2, resolved: 0 });
      const caught = await cli.json<Row[]>('findings', 'old-ios', '--format', 'json');
      expect(caught.map((f) => f.device)).toEqual(['d1', 'd5']);
      const unknown = await cli.json<Row[]>(
        'findings',
        'old-ios',
        '--state',
        'unknown',
        '--format',
        'json',
      );
      expect(unknown.map((f) => [f.device, f.state, f.reason])).toEqual([
        ['d3', 'unknown', 'osVersion is absent'],
        ['d4', 'unknown', '"beta" is not a version'],
      ]);
      const csv = await cli.run('findings', 'old-ios', '--state', 'unknown', '--format', 'csv');
      expect(csv.out.split('\n')[0]).toBe(
        'mandate,device,owner,unit,opened,closed,state,closeReason,reason',
      );
      // The Android phone is decided by `false && …`: neither caught nor unknown.
      expect(unknown.map((f) => f.device)).not.toContain('d6');
    });

    it('becomes a finding when its version arrives, at that moment; as of before it was unknown', async () => {
      cli.at('2023-03-10T12:00:00Z');
      const r = await cli.run(
        'import',
        'devices',
        cli.file('id,os_version\nd3,15.1\nd4,17.2\n'),
        '--observed-at',
        '2023-03-10T08:00:00Z',
      );
      expect(r.code, r.err).toBe(0);
      const before = await cli.json<{ devices: Record<string, number> }>(
        'status',
        'old-ios',
        '--as-of',
        '2023-03-09',
        '--json',
      );
      expect(before.devices).toMatchObject({ pending: 2, unknown: 2 });
      const after = await cli.json<{ devices: Record<string, number> }>(
        'status',
        'old-ios',
        '--json',
      );
      expect(after.devices).toMatchObject({ pending: 3, unknown: 0 });
      const rows = await cli.json<Row[]>('findings', 'old-ios', '--format', 'json');
      expect(rows.find((f) => f.device === 'd3')).toMatchObject({
        opened: '2023-03-10T08:00:00.000Z',
        state: 'pending',
      });
      const earlier = await cli.json<Row[]>(
        'findings',
        'old-ios',
        '--state',
        'unknown',
        '--as-of',
        '2023-03-09',
        '--format',
        'json',
      );
      expect(earlier.map((f) => f.device)).toEqual(['d3', 'd4']);
    });

    it('a caught device whose version becomes unknown is not counted resolved', async () => {
      cli.at('2023-03-11T12:00:00Z');
      await cli.run(
        'import',
        'devices',
        cli.file('id,os_version\nd1,\n'),
        '--observed-at',
        '2023-03-11T08:00:00Z',
      );
      const s = await cli.json<{ devices: Record<string, number> }>('status', 'old-ios', '--json');
      expect(s.devices).toMatchObject({ pending: 2, unknown: 1, resolved: 0 });
    });

    it('has() decides on purpose; version() is type-checked like every function', async () => {
      const guarded = MANDATE.replace('id: old-ios', 'id: guarded').replace(
        'version(device.osVersion) < version("16.0")',
        '(!has(device.osVersion) || version(device.osVersion) < version("16.0"))',
      );
      expect((await cli.run('apply', '-f', cli.file(guarded))).code).toBe(0);
      const s = await cli.json<{ devices: Record<string, number> }>('status', 'guarded', '--json');
      expect(s.devices).toMatchObject({ pending: 3, unknown: 0 });
      const bad = MANDATE.replace('id: old-ios', 'id: bad').replace('version("16.0")', '"16.0"');
      const r = await cli.run('apply', '-f', cli.file(bad));
      expect(r.code).toBe(2);
    });

    it('a first application finds the undecided devices too, also where the target is pushed into SQL', async () => {
      const byModel = MANDATE.replace('id: old-ios', 'id: by-model').replace(
        'device.platform == "ios" && version(device.osVersion) < version("16.0")',
        'device.model == "iPhone 12"',
      );
      expect((await cli.run('apply', '-f', cli.file(byModel))).code).toBe(0);
      const s = await cli.json<{ devices: Record<string, number> }>('status', 'by-model', '--json');
      // No device has a model: all six are unknown, none caught.
      expect(s.devices).toMatchObject({ pending: 0, unknown: 6 });
    });
  },
);
