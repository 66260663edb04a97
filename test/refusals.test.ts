import { beforeAll, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

describeEachDatabase(
  'bad input is refused whole, with every reason, and writes nothing',
  (kind) => {
    let cli: ReturnType<typeof makeCli>;
    const counts = async (): Promise<string> => {
      const v = await cli.run('audit', 'verify');
      return v.out.split('\n')[0]!;
    };

    beforeAll(async () => {
      cli = makeCli(await createTestDatabase(kind), '2023-03-01T12:00:00Z');
      const ok = await cli.run(
        'import',
        'people',
        cli.file(
          peopleCsv([buildPerson({ id: 'p1', email: 'a@x.org' }), buildPerson({ id: 'p2' })]),
        ),
      );
      expect(ok.code).toBe(0);
    });

    it('a people file with several bad rows lists each with line, column, value and reason', async () => {
      const before = await counts();
      const file = peopleCsv([
        buildPerson({ id: 'p3', supervisor: 'ghost' }),
        buildPerson({ id: 'p4', supervisor: 'p4' }),
        buildPerson({ id: 'p5', email: 'A@x.org' }),
        buildPerson({ id: 'p6', unit: 'Org//Sub' }),
        buildPerson({ id: 'p7', active: 'maybe' }),
        buildPerson({ id: 'p8', supervisor: 'p9' }),
        buildPerson({ id: 'p9' }),
      ]);
      const r = await cli.run('import', 'people', cli.file(file, 'people.csv'));
      expect(r.code).toBe(2);
      expect(r.err).toContain('people.csv:2 supervisor "ghost": is not a known person id');
      expect(r.err).toContain('people.csv:3 supervisor "p4": a person cannot supervise themselves');
      expect(r.err).toContain('people.csv:4 email "A@x.org": belongs to p1 already');
      expect(r.err).toContain('people.csv:5 unit "Org//Sub"');
      expect(r.err).toContain('people.csv:6 active "maybe": must be true or false');
      expect(r.err).not.toContain('people.csv:7');
      expect(await counts()).toBe(before);
      expect(
        (
          await cli.run(
            'import',
            'devices',
            cli.file(devicesCsv([buildDevice({ id: 'd', owner: 'p9' })])),
          )
        ).code,
      ).toBe(2);
    });

    it('a devices file with an unknown owner and unknown enumeration values changes nothing', async () => {
      const before = await counts();
      const r = await cli.run(
        'import',
        'devices',
        cli.file(
          devicesCsv([
            buildDevice({ id: 'd1', owner: 'p1' }),
            buildDevice({ id: 'd2', owner: 'nobody' }),
            buildDevice({ id: 'd3', platform: 'iOS 16' }),
            buildDevice({ id: 'd4', status: 'broken', purposes: 'work' }),
            buildDevice({ id: 'd1' }),
          ]),
          'devices.csv',
        ),
      );
      expect(r.code).toBe(2);
      expect(r.err).toContain('devices.csv:3 owner "nobody": is not a known person id');
      expect(r.err).toContain('devices.csv:4 platform "iOS 16": must be one of');
      expect(r.err).toContain('devices.csv:5 status "broken"');
      expect(r.err).toContain('devices.csv:5 purposes "work"');
      expect(r.err).toContain('devices.csv:6 id "d1": appears again');
      expect(await counts()).toBe(before);
      const ok = await cli.run(
        'import',
        'devices',
        cli.file(
          devicesCsv([
            buildDevice({ id: 'd1', owner: 'p1', platform: 'IOS', class: 'SmartPhone' }),
          ]),
        ),
      );
      expect(ok.code).toBe(0);
    });

    it('unknown columns are refused unless ignored; an empty file is refused, a header-only one is fine', async () => {
      const unknown = await cli.run(
        'import',
        'people',
        cli.file('id,name,unit,shoe_size\nx,X,Org,44\n', 'p.csv'),
      );
      expect(unknown.code).toBe(2);
      expect(unknown.err).toContain('shoe_size');
      expect(
        (
          await cli.run(
            'import',
            'people',
            cli.file('id,name,unit,shoe_size\nx,X,Org,44\n'),
            '--ignore-unknown',
          )
        ).code,
      ).toBe(0);
      expect((await cli.run('import', 'people', cli.file(''))).code).toBe(2);
      const header = await cli.run('import', 'people', cli.file('id,name,unit\n'));
      expect(header.code).toBe(0);
      expect(header.out).toContain('0 created, 0 updated, 0 unchanged');
    });

    it('reads semicolon files, BOMs and windows-1251', async () => {
      const r = await cli.run(
        'import',
        'people',
        cli.file(
          iconv.encode('id;name;unit;tags\nr1;Иван Петров;Администрация/Отдел;"A;b"\n', 'win1251'),
        ),
        '--encoding',
        'windows-1251',
      );
      expect(r.code).toBe(0);
      const bom = await cli.run('import', 'people', cli.file('\ufeffid,name,unit\nr2,B,Org\n'));
      expect(bom.code).toBe(0);
    });

    it('a repeated import changes nothing but last-seen', async () => {
      const file = cli.file(
        peopleCsv([buildPerson({ id: 'p1', email: 'a@x.org' }), buildPerson({ id: 'p2' })]),
      );
      cli.at('2023-03-02T12:00:00Z');
      const r = await cli.run('import', 'people', file);
      expect(r.out).toContain('0 created, 0 updated, 2 unchanged');
    });

    it('a dry run reports and writes nothing', async () => {
      const before = await counts();
      const r = await cli.run(
        'import',
        'people',
        cli.file(peopleCsv([buildPerson({ id: 'n1' })])),
        '--dry-run',
      );
      expect(r.out).toContain('dry run: would import people: 1 created');
      expect(await counts()).toBe(before);
    });

    it('a mandate breaking rules is refused with every problem and nothing applied', async () => {
      const before = await counts();
      const bad = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: good-one, title: ok, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "android"
  action: remove
  phases: [{ id: r, requires: resolve }]
---
apiVersion: phaseout/v1
kind: Mandate
metadata: { id: Bad, title: x, issuedAt: 2023-13-01 }
spec:
  target: device.platform == "iOS"
  action: replace
  phases: [{ id: a, requires: resolve }, { id: b, requires: resolve }]
`;
      const r = await cli.run('apply', '-f', cli.file(bad, 'm.yaml'));
      expect(r.code).toBe(2);
      expect(r.err).toContain('m.yaml:11');
      expect(r.err).toContain('metadata.id');
      expect(r.err).toContain('did you mean "ios"');
      expect(await counts()).toBe(before);
      expect(await cli.json<unknown[]>('mandates', '--json')).toEqual([]);
      const syntax = await cli.run(
        'apply',
        '-f',
        cli.file(
          'apiVersion: phaseout/v1\nkind: Mandate\nmetadata: { id: x1, title: t, issuedAt: 2023-03-01 }\nspec:\n  target: device.platform ==\n  action: remove\n  phases: [{ id: r, requires: resolve }]\n',
          'n.yaml',
        ),
      );
      expect(syntax.code).toBe(2);
      expect(syntax.err).toContain('n.yaml:5');
      // A "billion laughs" document is refused with its reason, not expanded.
      const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
      for (const [i, n] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) {
        const prev = i === 0 ? 'a' : ['b', 'c', 'd', 'e', 'f'][i - 1]!;
        levels.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(', ')}]`);
      }
      const bomb = await cli.run('apply', '-f', cli.file(`${levels.join('\n')}\n`, 'bomb.yaml'));
      expect(bomb.code).toBe(2);
      expect(bomb.err).toContain('bomb.yaml:1');
      expect(bomb.err).toContain('resource exhaustion');
      // A scope of 999 units, and a file of 101 documents, are refused with their reason.
      const units = Array.from({ length: 999 }, (_, i) => `      - Org/U${i}`).join('\n');
      const wide = await cli.run(
        'apply',
        '-f',
        cli.file(
          `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: wide, title: Wide, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  scope:
    units:
${units}
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`,
          'wide.yaml',
        ),
      );
      expect(wide.code).toBe(2);
      expect(wide.err).toContain('wide.yaml:9:7 spec.scope.units: lists at most 200 units');
      const doc = (i: number) => `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: m${i}, title: M, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;
      const many = await cli.run(
        'apply',
        '-f',
        cli.file(Array.from({ length: 101 }, (_, i) => doc(i)).join('---\n'), 'many.yaml'),
      );
      expect(many.code).toBe(2);
      expect(many.err).toContain('many.yaml: holds 101 documents; a file may hold at most 100');
      const long = await cli.run(
        'apply',
        '-f',
        cli.file(`${doc(0)}# ${'x'.repeat(70_000)}\n`, 'long.yaml'),
      );
      expect(long.code).toBe(2);
      expect(long.err).toMatch(
        /long\.yaml:1:1: the document is \d+ bytes; a document may be at most 65536/,
      );
      expect(await counts()).toBe(before);
    });

    it('bad flags exit 2', async () => {
      expect((await cli.run('status', '--as-of', 'yesterday')).code).toBe(2);
      expect((await cli.run('status', '--by-unit', '--depth', '0')).code).toBe(2);
      expect((await cli.run('findings', 'x', '--format', 'xml')).code).toBe(2);
      expect((await cli.run('frobnicate')).code).toBe(2);
      expect((await cli.run('settings', 'timezone', 'Mars/Olympus')).code).toBe(2);
    });
  },
);
