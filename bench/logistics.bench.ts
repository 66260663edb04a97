/**
 * The logistics benchmark (issue: "Replacement: catalogue, stock, swap, return and sanitisation"):
 * a national replacement wave. A fixed data set of 50,000 officials in 500 units, each with a
 * caught iPhone; 50,000 stock units received from one CSV; every official requests (one
 * transaction each, as from the console); the forecast; approving, issuing-with-swap and
 * sanitising them in bulk; the reports. Runs in-process on SQLite (BENCH_DB=postgres://… for
 * PostgreSQL) and prints wall time per step. BENCH_SCALE=0.1 for a quick look.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp } from '../src/app.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const officials = Math.round(50_000 * scale);
const batch = Math.round(5_000 * scale);
const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'bench', 'output');
const file = join(dir, 'logistics.db');

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: wave, title: Replace iPhones nationally, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  replacement: { catalogue: [aurora-phone] }
  phases: [{ id: replace, due: 2023-06-30, requires: resolve }]
`;

const rows: { step: string; seconds: number; note: string }[] = [];
async function timed<T>(step: string, fn: () => Promise<T>, note: (r: T) => string): Promise<T> {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rows.push({ step, seconds, note: note(r) });
  console.log(`${step.padEnd(58)} ${seconds.toFixed(2).padStart(8)} s  ${note(r)}`);
  return r;
}

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const url = process.env.BENCH_DB ?? file;
  if (!process.env.BENCH_DB)
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const clock = fixedClock(Date.parse('2023-03-01T09:00:00Z'));
  const app = await createApp({ dbUrl: url, clock });
  const ids = Array.from({ length: officials }, (_, i) => `P${String(i + 1).padStart(6, '0')}`);
  const people = [
    'id,name,unit',
    ...ids.map((id, i) => `${id},Official ${id},Gov/Ministry ${i % 20}/Dept ${i % 500}`),
  ];
  const devices = [
    'id,owner,class,platform,purposes',
    ...ids.map((id) => `I${id},${id},smartphone,ios,personal`),
  ];
  await app.imports.importPeople(Buffer.from(people.join('\n')), {
    fileName: 'people.csv',
    actor: 'bench',
  });
  await app.imports.importDevices(Buffer.from(devices.join('\n')), {
    fileName: 'devices.csv',
    actor: 'bench',
  });
  await app.mandates.apply(MANDATE, { fileName: 'wave.yaml', actor: 'bench' });
  for (const [email, roles] of [
    ['log1@bench', ['logistics']],
    ['log2@bench', ['logistics']],
    ['officer@bench', ['officer']],
  ] as const)
    await app.accounts.addUser({ email, roles: [...roles] }, 'bench');
  const log1 = await app.accounts.actorForEmail('log1@bench');
  const log2 = await app.accounts.actorForEmail('log2@bench');
  const officer = await app.accounts.actorForEmail('officer@bench');
  clock.set(Date.parse('2023-03-02T09:00:00Z'));
  await app.replacements.putItem(log1, 'aurora-phone', {
    class: 'smartphone',
    platform: 'aurora',
    manufacturer: 'F+ tech',
    model: 'R570E',
  });

  const stockCsv = [
    'id,item,location,serial',
    ...ids.map((id, i) => `S${id},aurora-phone,Depot ${i % 10},SN${id}`),
  ].join('\n');
  await timed(
    `receive ${officials.toLocaleString('en')} stock units from one CSV`,
    () => app.replacements.receive(log1, { csv: stockCsv }),
    (r) => `${r.received} units`,
  );
  await timed(
    `${officials.toLocaleString('en')} requests, one transaction each`,
    async () => {
      for (const id of ids)
        await app.replacements.request(officer, { device: `I${id}`, item: 'aurora-phone' });
      return ids.length;
    },
    (n) => `${n.toLocaleString('en')} orders`,
  );
  await timed(
    'shortage forecast',
    () => app.replacements.shortage(officer),
    (s) => `${s.mandates[0]!.awaitingApproval} awaiting approval`,
  );
  const all = ids.map((id) => `I${id}`);
  await timed(
    `bulk approve ${officials.toLocaleString('en')} (CSV of devices, one transaction)`,
    () => app.replacements.bulk(log1, 'approve', { csv: ['device', ...all].join('\n') }),
    (r) => `${r.done.length} approved`,
  );
  clock.set(Date.parse('2023-03-03T09:00:00Z'));
  await timed(
    `bulk issue and swap ${officials.toLocaleString('en')}`,
    () => app.replacements.bulk(log1, 'issue', { devices: all }, { swap: true, place: 'Desk' }),
    (r) => `${r.done.length} returned`,
  );
  await timed(
    'status after the wave',
    () => app.status.status('wave', {}),
    (s) => `resolved ${s.devices.resolved}, open ${s.devices.pending + s.devices.overdue}`,
  );
  await timed(
    'replacements by unit (depth 3), CSV',
    async () => app.replacements.byUnitCsv(await app.replacements.byUnit(officer, 3)),
    (c) => `${c.split('\r\n').length - 2} units`,
  );
  await timed(
    `orders CSV (${officials.toLocaleString('en')})`,
    async () => app.replacements.listCsv(await app.replacements.list(officer, {})),
    (c) => `${c.split('\r\n').length - 2} rows, ${(c.length / 1e6).toFixed(1)} MB`,
  );
  const first = all.slice(0, batch);
  const rec = await timed(
    `record a destruction batch of ${batch.toLocaleString('en')} devices`,
    () =>
      app.sanitisations.record(log1, {
        devices: first,
        method: 'destroy',
        tool: 'Shredder X',
        performedOn: '2023-03-03',
      }),
    (s) => s.certificate,
  );
  await timed(
    'verify it (devices destroyed, orders moved on)',
    () => app.sanitisations.verify(log2, rec.id),
    (s) => s.state,
  );
  await timed(
    `certificate PDF for ${batch.toLocaleString('en')} devices`,
    () => app.sanitisations.certificate(officer, rec.id),
    (c) => `${(c.pdf.length / 1e6).toFixed(1)} MB`,
  );
  await timed(
    'custody chain of one device',
    () => app.replacements.custody(officer, first[0]!),
    (c) => `${c.length} events`,
  );
  await app.close();
}

await main();
