/**
 * The sources benchmark (issue: "Where the data comes from"): a fixed Intune export of 1,000,000
 * devices owned by 500,000 people (by UPN), imported as a new source, re-imported with --sync,
 * and device check-ins in batches of 1,000 through the check-in service on SQLite. Sizes scale
 * with BENCH_SCALE (0.1 for a quick look). Run: `node --import tsx bench/sources.bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp } from '../src/app.js';
import { seededRandom } from '../src/domain/demo.generate.js';
import { luhnDigit } from '../src/domain/imei.js';
import { generateBenchData, writeLines } from './generate.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const size = {
  people: Math.round(500_000 * scale),
  devices: Math.round(1_000_000 * scale),
  units: Math.max(100, Math.round(20_000 * scale)),
};
const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'bench', 'output');
const bin = join(root, 'bin', 'phaseout.js');
const db = join(dir, 'sources.db');

/** Intune's export layout, rows for the generated people: a third iPhones, some iPads, Windows. */
async function writeIntune(path: string, devices: number, people: number): Promise<void> {
  const rnd = seededRandom(7);
  await writeLines(
    path,
    (function* () {
      yield 'Device ID,Device name,Managed by,Ownership,Compliance,OS,OS version,Last check-in,Primary user UPN,Manufacturer,Model,Serial number,IMEI';
      for (let i = 0; i < devices; i++) {
        const r = rnd();
        const [os, version, maker, model] =
          r < 0.35
            ? ['iOS', '16.3.1', 'Apple', 'iPhone 14']
            : r < 0.45
              ? ['iPadOS', '16.2', 'Apple', 'iPad Air (5th generation)']
              : r < 0.7
                ? ['Android', '13', 'samsung', 'SM-S901B']
                : ['Windows', '10.0.19045', 'Dell Inc.', 'Latitude 5430'];
        const owner =
          rnd() < 0.97 ? `p${Math.floor(rnd() * people)}@gov.example` : `x${i}@elsewhere.example`;
        const imei =
          os === 'iOS' || os === 'Android'
            ? `35${String(i).padStart(12, '0')}${luhnDigit(`35${String(i).padStart(12, '0')}`)}`
            : '';
        yield `id-${i},Device ${i},Intune,${rnd() < 0.9 ? 'Corporate' : 'Personal'},Compliant,${os},${version},2023-03-05 09:00:00,${owner},${maker},${model},SN${String(i).padStart(9, '0')},${imei}`;
      }
    })(),
  );
}

function run(
  step: string,
  args: string[],
): { step: string; seconds: number; peakMiB: number | null; note: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ['--require', join(root, 'bench', 'report-rss.cjs'), bin, '--db', db, ...args],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${step} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  const rss = /@@maxrss (\d+)/.exec(r.stderr);
  return {
    step,
    seconds,
    peakMiB: rss ? Number(rss[1]) / 1024 : null,
    note: r.stdout.trim().split('\n')[0]?.slice(0, 110) ?? '',
  };
}

async function checkinRate(): Promise<{
  batches: number;
  items: number;
  seconds: number;
  perSecond: number;
}> {
  const clock = fixedClock(Date.parse('2023-03-09T00:00:00Z'));
  const app = await createApp({ dbUrl: db, clock });
  await app.accounts.addUser({ email: 'agent@bench.example', roles: ['officer'] }, 'bench');
  const actor = await app.accounts.actorForEmail('agent@bench.example');
  const rnd = seededRandom(11);
  const batches = Math.max(5, Math.round(100 * Math.min(scale, 1)));
  let items = 0;
  const t0 = process.hrtime.bigint();
  for (let b = 0; b < batches; b++) {
    const at = Date.parse('2023-03-08T00:00:00Z') + b * 60_000;
    const body = Array.from({ length: 1000 }, (_, i) => {
      const n = Math.floor(rnd() * size.devices);
      // One report in ten brings a new OS version; the rest only say the device is still there.
      return {
        serial: `SN${String(n).padStart(9, '0')}`,
        observedAt: new Date(at + i).toISOString(),
        ...(rnd() < 0.1 ? { osVersion: `17.${b % 10}` } : {}),
      };
    });
    items += body.length;
    await app.checkins.checkin(actor, body, { source: 'agent' });
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await app.close();
  return { batches, items, seconds, perSecond: Math.round(items / seconds) };
}

mkdirSync(dir, { recursive: true });
rmSync(db, { force: true });
rmSync(`${db}-wal`, { force: true });
const { people } = await generateBenchData(dir, { ...size, devices: 1 });
const intune = join(dir, 'intune.csv');
await writeIntune(intune, size.devices, size.people);
const steps = [
  run(`import people (${size.people.toLocaleString('en')})`, [
    'import',
    'people',
    people,
    '--observed-at',
    '2023-03-01',
  ]),
  run(`import Intune export, first time (${size.devices.toLocaleString('en')} rows)`, [
    'import',
    'devices',
    intune,
    '--format',
    'intune',
    '--observed-at',
    '2023-03-05',
  ]),
  run('re-import the same export with --sync (last-seen only)', [
    'import',
    'devices',
    intune,
    '--format',
    'intune',
    '--sync',
    '--observed-at',
    '2023-03-06',
  ]),
];
for (const s of steps)
  console.log(
    `${s.step.padEnd(60)} ${s.seconds.toFixed(2).padStart(8)} s ${String(Math.round(s.peakMiB ?? 0)).padStart(6)} MiB  ${s.note}`,
  );
const c = await checkinRate();
console.log(
  `check-ins: ${c.batches} batches of 1,000 (${c.items.toLocaleString('en')}) in ${c.seconds.toFixed(2)} s = ${c.perSecond.toLocaleString('en')} a second`,
);
