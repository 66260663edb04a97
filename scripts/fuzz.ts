/**
 * The larger fuzzing run: `npm run fuzz` (FUZZ_RUNS, default 500 per property; FUZZ_SEED, default
 * the time). The same properties run in the test suite with a fixed seed and fewer runs. Prints
 * the seed so that a failure can be replayed: FUZZ_SEED=N npm run fuzz.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeApi } from '../test/helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from '../test/helpers/builders.js';
import { fuzzApi, fuzzCsvImports, fuzzMandates } from '../test/fuzz/properties.js';

const numRuns = Number(process.env.FUZZ_RUNS ?? 500);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
console.log(`fuzzing: ${numRuns} runs per property, seed ${seed}`);
const api = await makeApi(
  join(mkdtempSync(join(tmpdir(), 'phaseout-fuzz-')), 'fuzz.db'),
  '2023-03-20T09:00:00Z',
);
try {
  await api.app.accounts.addUser(
    { email: 'admin@x.org', password: 'admin-password-1', roles: ['admin'], units: [] },
    'fuzz',
  );
  await api.app.imports.importPeople(
    Buffer.from(peopleCsv(['p1', 'p2'].map((id) => buildPerson({ id, unit: 'Org/A' })))),
    { fileName: 'p.csv', actor: 'fuzz' },
  );
  await api.app.imports.importDevices(
    Buffer.from(devicesCsv([buildDevice({ id: 'd1', owner: 'p1', platform: 'ios' })])),
    { fileName: 'd.csv', actor: 'fuzz' },
  );
  const { token } = await api.app.accounts.createToken(
    { email: 'admin@x.org', name: 'fuzz' },
    'fuzz',
  );
  let t = performance.now();
  const csv = await fuzzCsvImports(api.app, { numRuns, seed });
  console.log(
    `CSV imports: ${numRuns} files (${csv.imported} imported as a dry run, ${csv.refused} refused), ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  t = performance.now();
  fuzzMandates({ numRuns: numRuns * 5, seed });
  console.log(
    `mandates and targets: ${numRuns * 5} files, ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  t = performance.now();
  const requests = await fuzzApi(api, token, {
    numRuns: Math.max(1, Math.round(numRuns / 20)),
    seed,
  });
  console.log(`API: ${requests} requests, ${((performance.now() - t) / 1000).toFixed(1)} s`);
  console.log('no crash, no 500, no hang');
} finally {
  await api.close();
}
