import fc from 'fast-check';
import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import { AppError } from '../../src/domain/errors.js';
import { parseMandateFile } from '../../src/domain/mandate.parse.js';
import { compileTarget, type TargetDevice } from '../../src/domain/target.compile.js';
import type { makeApi } from '../helpers/api.js';

/**
 * Fuzzing properties shared by the test suite (few runs, a fixed seed) and `npm run fuzz` (many
 * runs, any seed): whatever comes in, phaseout answers — a refusal at worst — and never crashes,
 * answers 500 or hangs.
 */
export interface FuzzRun {
  numRuns: number;
  seed: number;
}

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '"',
    '""',
    ';',
    ',',
    '\n',
    '\r\n',
    '\u0000',
    '=cmd',
    'Org/A',
    'ios',
    'smartphone',
  ),
);

/** Values a column takes, so that many files are taken and go on to be written. */
const plausible = (column: string): fc.Arbitrary<string> => {
  const values: Record<string, string[]> = {
    owner: ['p1', 'p2', ''],
    supervisor: ['p1', ''],
    email: ['a@x.org', ''],
    unit: ['Org/A', 'Org/B/C'],
    head_of: ['', 'Org/A'],
    active: ['true', 'false', ''],
    class: ['smartphone', 'tablet', 'laptop'],
    platform: ['ios', 'android', 'windows'],
    os_version: ['16.3.1', '17', ''],
    purposes: ['official', 'official;personal', ''],
    status: ['active', 'lost', 'retired'],
    apps: ['', 'telegram;whatsapp'],
    tags: ['', 'vip;field'],
  };
  return fc.constantFrom(...(values[column] ?? ['x', 'Name Surname', '']));
};

/** A CSV file: a header of known and unknown columns, rows of anything, any separator and quoting. */
const csvFile = (columns: string[]) =>
  fc
    .record({
      header: fc.oneof(
        fc.constant(columns),
        fc.shuffledSubarray([...columns, 'extra', ''], { minLength: 1 }),
      ),
      rows: fc.array(
        fc.oneof(
          { weight: 1, arbitrary: fc.array(text, { maxLength: 8 }) },
          {
            weight: 8,
            arbitrary: fc.tuple(
              fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/),
              ...columns
                .slice(1)
                .map((c) => fc.oneof({ weight: 30, arbitrary: plausible(c) }, text)),
            ),
          },
        ),
        { maxLength: 12 },
      ),
      sep: fc.constantFrom(',', ';', '\t'),
      bom: fc.boolean(),
      junk: fc.oneof(
        { weight: 7, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }) },
      ),
    })
    .map(({ header, rows, sep, bom, junk }) => {
      const quote = (c: string) => (/[",;\r\n\t]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
      const body = [header, ...rows].map((r) => r.map(quote).join(sep)).join('\n');
      const bytes = Buffer.from((bom ? '\ufeff' : '') + body);
      return junk ? Buffer.concat([bytes, Buffer.from(junk)]) : bytes;
    });

/** Imports of anything: imported (dry run) or refused with an AppError, nothing else. */
export async function fuzzCsvImports(
  app: App,
  run: FuzzRun,
): Promise<{ imported: number; refused: number }> {
  const seen = { imported: 0, refused: 0 };
  const people = [
    'id',
    'name',
    'email',
    'unit',
    'title',
    'supervisor',
    'tags',
    'active',
    'head_of',
  ];
  const devices = [
    'id',
    'owner',
    'class',
    'platform',
    'os_version',
    'model',
    'serial',
    'imei',
    'purposes',
    'status',
    'apps',
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('people' as const, 'devices' as const),
      csvFile(people),
      csvFile(devices),
      fc.constantFrom(undefined, 'auto', 'intune', 'jamf'),
      async (kind, p, d, format) => {
        const o = { fileName: 'fuzz.csv', actor: 'fuzz', dryRun: true };
        try {
          if (kind === 'people') await app.imports.importPeople(p, o);
          else await app.imports.importDevices(d, format ? { ...o, format } : o);
          seen.imported++;
        } catch (e) {
          if (!(e instanceof AppError) || e.code === 'internal') throw e;
          seen.refused++;
        }
      },
    ),
    { numRuns: run.numRuns, seed: run.seed },
  );
  return seen;
}

/** A CEL expression over the device and the person, well-formed or not. */
const celExpression = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'device.platform == "ios"',
      'device.class in ["smartphone", "tablet"]',
      '"official" in device.purposes',
      'has(device.osVersion) && version(device.osVersion) < version("17")',
      'device.model.matches("^iPhone (1[0-5]|X)")',
      'person.unit.startsWith("Org/")',
      'device.apps.exists(a, a == "telegram")',
      'size(device.apps) > 2',
      'true',
    ),
    fc
      .tuple(tie('expr'), fc.constantFrom(' && ', ' || ', ' == ', ' + ', ' ? '), tie('expr'))
      .map(([a, op, b]) => `${a}${op}${b}`),
    tie('expr').map((e) => `!(${e})`),
    fc.string({ maxLength: 12 }).map((s) => `device.model.matches(${JSON.stringify(s)})`),
    fc.string({ unit: 'binary', maxLength: 20 }),
  ),
})).expr;

const device = fc.record<TargetDevice>({
  id: fc.string({ minLength: 1, maxLength: 8 }),
  owner: fc.string({ maxLength: 8 }),
  class: fc.constantFrom('smartphone', 'tablet', 'laptop', 'other'),
  platform: fc.constantFrom('ios', 'android', 'windows', 'other'),
  osVersion: fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }), fc.constant('16.3.1')),
  manufacturer: fc.string({ maxLength: 8 }),
  model: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('a'.repeat(40))),
  serial: fc.string({ maxLength: 8 }),
  imei: fc.string({ maxLength: 8 }),
  ownership: fc.constantFrom('', 'corporate', 'personal'),
  purposes: fc.array(fc.constantFrom('official', 'personal'), { maxLength: 2 }),
  status: fc.constantFrom('active', 'lost', 'retired'),
  apps: fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
});

/** Mandate files of anything, and targets of anything judged on any device: no crash, no hang. */
export function fuzzMandates(run: FuzzRun): void {
  const doc = fc
    .record({
      id: fc.oneof(fc.constant('m1'), fc.string({ maxLength: 10 })),
      target: celExpression,
      due: fc.oneof(fc.constant('2023-04-01'), fc.string({ maxLength: 10 })),
      extra: fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 40 })),
      units: fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
    })
    .map(
      (d) => `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: ${JSON.stringify(d.id)}, title: T, issuedAt: 2023-03-01 }
spec:
  scope: { units: ${JSON.stringify(d.units)} }
  target: ${JSON.stringify(d.target)}
  action: replace
  phases: [{ id: p, due: ${JSON.stringify(d.due)}, requires: resolve }]
${d.extra}`,
    );
  const yaml = fc.oneof(
    doc,
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(doc, { maxLength: 3 }).map((ds) => ds.join('\n---\n')),
  );
  fc.assert(
    fc.property(yaml, fc.array(device, { maxLength: 5 }), (file, devices) => {
      const started = performance.now();
      const parsed = parseMandateFile(file, 'fuzz.yaml');
      for (const p of parsed.problems) expect(typeof p.message).toBe('string');
      for (const m of parsed.mandates)
        for (const d of devices) {
          try {
            m.target.matches(d, { id: 'p', unit: 'Org/A', title: '', tags: [] });
          } catch (e) {
            // A device the target cannot decide is unknown: an evaluation error, never a crash.
            expect(e).toBeInstanceOf(Error);
          }
        }
      expect(performance.now() - started).toBeLessThan(5000);
    }),
    { numRuns: run.numRuns, seed: run.seed },
  );
  fc.assert(
    fc.property(celExpression, (expr) => {
      const r = compileTarget(expr);
      if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
    }),
    { numRuns: run.numRuns, seed: run.seed },
  );
}

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  const?: unknown;
};

/** Values that follow a JSON schema roughly, and sometimes do not at all. */
function fromSchema(s: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const wild = fc.oneof(fc.jsonValue({ maxDepth: 2 }), text);
  if (!s || depth > 4) return wild;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => fromSchema(a, depth + 1)), wild);
  if (s.const !== undefined) return fc.oneof(fc.constant(s.const), wild);
  if (s.enum) return fc.oneof(fc.constantFrom(...s.enum), wild);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const props = s.properties ?? {};
      const keys = Object.keys(props);
      return fc.oneof(
        fc.record(Object.fromEntries(keys.map((k) => [k, fromSchema(props[k], depth + 1)])), {
          requiredKeys: [],
        }),
        wild,
      );
    }
    case 'array':
      return fc.oneof(fc.array(fromSchema(s.items, depth + 1), { maxLength: 4 }), wild);
    case 'string':
      return fc.oneof(
        text,
        fc.constantFrom('2023-03-20', 'P30D', 'Org/A', 'p1', 'd1', 'iphones'),
        wild,
      );
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer(), fc.double(), wild);
    case 'boolean':
      return fc.oneof(fc.boolean(), wild);
    default:
      return wild;
  }
}

/**
 * Every operation of the served OpenAPI document, with bodies generated from its schemas and
 * path parameters of anything, as an admin's token: any answer but a 5xx.
 */
export async function fuzzApi(
  api: Awaited<ReturnType<typeof makeApi>>,
  token: string,
  run: FuzzRun,
): Promise<number> {
  const doc = (await api.server.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
    paths: Record<
      string,
      Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>
    >;
  }>();
  let requests = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      if (method === 'parameters' || path === '/api/v1/auth/logout') continue;
      const schema = op.requestBody?.content?.['application/json']?.schema;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(text, fc.constantFrom('1', 'p1', 'd1', 'iphones')), {
            minLength: 4,
            maxLength: 4,
          }),
          fromSchema(schema),
          fc.string({ maxLength: 20 }),
          async (params, body, query) => {
            let i = 0;
            // Ids of records that exist are tried, never the admin's own account (1).
            const url =
              path.replace(/\{[^}]+\}/g, () =>
                encodeURIComponent(params[i++] ?? 'x').replace(/^1$/, '2'),
              ) +
              (query ? `?q=${encodeURIComponent(query)}&limit=${encodeURIComponent(query)}` : '');
            const r = await api.server.inject({
              method: method.toUpperCase() as 'GET',
              url,
              headers: { authorization: `Bearer ${token}` },
              ...(method === 'get' ? {} : { payload: body === undefined ? {} : (body as object) }),
            });
            requests++;
            expect(
              r.statusCode,
              `${method.toUpperCase()} ${url} ${JSON.stringify(body)}: ${r.body}`,
            ).toBeLessThan(500);
          },
        ),
        { numRuns: run.numRuns, seed: run.seed },
      );
    }
  }
  return requests;
}
