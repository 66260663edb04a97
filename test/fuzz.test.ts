import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApi } from './helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { createTestDatabase } from './helpers/databases.js';
import { fuzzApi, fuzzCsvImports, fuzzMandates } from './fuzz/properties.js';

/** A fixed seed: the same inputs every run. `npm run fuzz` runs many more, from any seed. */
const RUN = { numRuns: 40, seed: 20261202 };

describe('fuzzing with a fixed seed: no crash, no 500, no hang', () => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let token: string;

  beforeAll(async () => {
    api = await makeApi(await createTestDatabase('sqlite'), '2023-03-20T09:00:00Z');
    await api.app.accounts.addUser(
      { email: 'admin@x.org', password: 'admin-password-1', roles: ['admin'], units: [] },
      'test',
    );
    const people = ['p1', 'p2'].map((id) => buildPerson({ id, unit: 'Org/A' }));
    await api.app.imports.importPeople(Buffer.from(peopleCsv(people)), {
      fileName: 'p.csv',
      actor: 't',
    });
    await api.app.imports.importDevices(
      Buffer.from(devicesCsv([buildDevice({ id: 'd1', owner: 'p1', platform: 'ios' })])),
      { fileName: 'd.csv', actor: 't' },
    );
    const t = await api.app.accounts.createToken({ email: 'admin@x.org', name: 'fuzz' }, 'test');
    token = t.token;
  });
  afterAll(() => api.close());

  it('CSV imports of anything are imported or refused', async () => {
    const seen = await fuzzCsvImports(api.app, RUN);
    // Both ways are walked: some files are taken, some refused.
    expect(seen.imported).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('mandate YAML and CEL targets of anything are parsed, refused or judged', () => {
    fuzzMandates({ ...RUN, numRuns: 200 });
  });

  it('every operation of the OpenAPI document, with bodies from its schemas, answers below 500', async () => {
    const requests = await fuzzApi(api, token, { ...RUN, numRuns: 4 });
    expect(requests).toBeGreaterThan(200);
  });
});
