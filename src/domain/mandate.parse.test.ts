import { describe, expect, it } from 'vitest';
import { parseMandateFile } from './mandate.parse.js';

const GOOD = `apiVersion: phaseout/v1
kind: Mandate
metadata:
  id: kremlin-iphone-2023
  title: Replace iPhones
  issuedAt: 2023-03-01
spec:
  scope: { units: ["Presidential Administration/Domestic Policy Directorate"] }
  target: device.platform == "ios"
  action: replace
  phases:
    - { id: replace, starts: 2023-03-01, due: 2023-04-01, requires: resolve }
  exemptions: { allowed: false }
---
apiVersion: phaseout/v1
kind: Mandate
metadata: { id: no-official-smartphones, title: No smartphones, issuedAt: 2023-03-20 }
spec:
  target: device.class == "smartphone" && "official" in device.purposes
  action: restrict-use
  phases: [{ id: effective, due: 2023-03-20, requires: resolve }]
`;

describe('parseMandateFile', () => {
  it('reads several documents and keeps dates as strings', () => {
    const r = parseMandateFile(GOOD, 'm.yaml');
    expect(r.problems).toEqual([]);
    expect(r.mandates.map((m) => m.doc.metadata.id)).toEqual([
      'kremlin-iphone-2023',
      'no-official-smartphones',
    ]);
    expect(r.mandates[0]!.doc.metadata.issuedAt).toBe('2023-03-01');
    expect(r.mandates[1]!.doc.spec.scope.units).toEqual([]);
  });

  it('gives the same digest whatever the formatting and comments', () => {
    const a = parseMandateFile(GOOD, 'a.yaml').mandates[0]!;
    const reformatted = GOOD.replace(
      '  title: Replace iPhones',
      '  # a comment\n  title:   "Replace iPhones"',
    );
    expect(parseMandateFile(reformatted, 'b.yaml').mandates[0]!.digest).toBe(a.digest);
  });

  it('lists every problem with file, line and path', () => {
    const bad = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: Bad_Id, title: x, issuedAt: 2023-02-30 }
spec:
  target: device.platform == "iOS"
  action: replace
  phases:
    - { id: a, due: 2023-04-01, requires: resolve }
    - { id: b, due: 2023-04-01, requires: resolve }
`;
    const r = parseMandateFile(bad, 'bad.yaml');
    expect(r.mandates).toEqual([]);
    const text = r.problems.map((p) => `${p.where} ${p.message}`).join('\n');
    expect(text).toContain('bad.yaml:3:');
    expect(text).toContain('metadata.id');
    expect(r.problems.length).toBeGreaterThanOrEqual(2);
  });

  it('reports rule breaks after the schema passes', () => {
    const bad = GOOD.replace(
      '2023-03-01, due: 2023-04-01, requires: resolve }',
      '2023-03-01, due: 2023-04-01, requires: resolve }\n    - { id: replace, due: 2023-02-30, requires: resolve }',
    ).replace('device.platform == "ios"', 'device.platform == "iOS"');
    const r = parseMandateFile(bad, 'x.yaml');
    const messages = r.problems.map((p) => p.message).join('\n');
    expect(messages).toContain('used twice');
    expect(messages).toContain('at most one phase');
    expect(messages).toContain('not a calendar date');
    expect(messages).toContain('did you mean "ios"');
    expect(r.mandates.map((m) => m.doc.metadata.id)).toEqual(['no-official-smartphones']);
  });

  it('refuses aliases that expand too far instead of expanding them', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      lines.push(
        `l${i}: &l${i} [${Array(9)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(', ')}]`,
      );
    const r = parseMandateFile(lines.join('\n'), 'bomb.yaml');
    expect(r.mandates).toEqual([]);
    expect(r.problems).toMatchObject([
      {
        where: 'bomb.yaml:1:1',
        message: expect.stringContaining('aliases may expand at most 100 times') as unknown,
      },
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const r = parseMandateFile('apiVersion: [unclosed\n', 'y.yaml');
    expect(r.problems[0]!.where).toMatch(/^y\.yaml:\d+:\d+/);
  });
});
