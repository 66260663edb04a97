/**
 * The engine benchmark (issue: "The engine"): import 500,000 people and 1,000,000 devices,
 * apply three mandates, ask `status`. Each step runs as its own `phaseout` process, as a user
 * would run it, and prints its wall time and peak memory beside `sqlite3 .import` of the same
 * devices file. Sizes can be scaled down with BENCH_SCALE=0.1 for a quick look.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateBenchData } from './generate.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const size = {
  people: Math.round(500_000 * scale),
  devices: Math.round(1_000_000 * scale),
  units: Math.max(100, Math.round(20_000 * scale)),
};
const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'bench', 'output');
const bin = join(root, 'bin', 'phaseout.js');
const db = join(dir, 'bench.db');

const MANDATES = {
  iphones: `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: bench-iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  scope: { units: ["Government/Ministry 3", "Government/Ministry 7"] }
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`,
  smartphones: `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: bench-smartphones, title: No official smartphones, issuedAt: 2023-03-20 }
spec:
  target: device.class == "smartphone" && "official" in device.purposes
  action: restrict-use
  phases: [{ id: effective, due: 2023-04-28, requires: resolve }]
`,
  kaspersky: `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: bench-kaspersky, title: Remove Kaspersky, issuedAt: 2023-03-01 }
spec:
  target: '"kaspersky-endpoint" in device.apps'
  action: remove
  phases:
    - { id: identify, due: 2023-03-10, requires: attest, attestBy: unit-head }
    - { id: remove, starts: 2023-03-27, requires: resolve }
`,
};

interface Step {
  step: string;
  seconds: number;
  peakMiB: number | null;
  note?: string;
}

function run(step: string, args: string[], note?: string, env?: NodeJS.ProcessEnv): Step {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ['--require', join(root, 'bench', 'report-rss.cjs'), bin, '--db', db, ...args],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      ...(env ? { env: { ...process.env, ...env } } : {}),
    },
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${step} failed (${r.status}): ${r.stderr}`);
  const rss = /@@maxrss (\d+)/.exec(r.stderr);
  const out = r.stdout.trim().split('\n')[0] ?? '';
  return {
    step,
    seconds,
    peakMiB: rss ? Number(rss[1]) / 1024 : null,
    note: note ?? out.slice(0, 90),
  };
}

const DEVICES_DDL = `create table devices (id text primary key, owner_id text, class text not null,
  platform text not null, os_version text, manufacturer text, model text, serial text, imei text,
  ownership text, purposes text not null, status text not null, apps text not null)`;

/** sqlite3's own .import: into a new bare table (the target's reference), or into our schema. */
function sqliteImport(devicesCsv: string, withSchema: boolean): Step {
  const target = join(dir, 'sqlite3-import.db');
  rmSync(target, { force: true });
  const args = withSchema
    ? [
        target,
        'pragma journal_mode=wal;',
        `${DEVICES_DDL};`,
        'create index devices_owner on devices(owner_id);',
        '.mode csv',
        `.import --skip 1 ${devicesCsv} devices`,
      ]
    : [target, '.mode csv', `.import ${devicesCsv} devices`];
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sqlite3', args, { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  rmSync(target, { force: true });
  return withSchema
    ? {
        step: 'sqlite3 .import devices, keyed + indexed (context)',
        seconds,
        peakMiB: null,
        note: 'same file, our primary key and owner index',
      }
    : {
        step: 'sqlite3 .import devices (reference)',
        seconds,
        peakMiB: null,
        note: 'same file, new bare table',
      };
}

async function main(): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(
    `phaseout engine benchmark: ${size.people} people, ${size.devices} devices, ${size.units} units`,
  );
  const t0 = Date.now();
  const files = await generateBenchData(dir, size);
  console.log(`generated the data in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  const steps: Step[] = [];
  const reference = sqliteImport(files.devices, false);
  steps.push(reference, sqliteImport(files.devices, true));
  steps.push(
    run('import people', ['import', 'people', files.people, '--observed-at', '2023-02-20']),
  );
  const devices = run('import devices', [
    'import',
    'devices',
    files.devices,
    '--observed-at',
    '2023-02-20',
  ]);
  steps.push(devices);
  for (const [name, yaml] of Object.entries(MANDATES)) {
    const f = join(dir, `${name}.yaml`);
    writeFileSync(f, yaml);
    steps.push(run(`apply ${name}`, ['apply', '-f', f]));
  }
  const status = run(
    'status --json (all mandates, process start included)',
    ['status', '--as-of', '2023-03-25', '--json'],
    'three mandates',
  );
  steps.push(status);
  steps.push(
    run(
      'status --json again (warm cache)',
      ['status', '--as-of', '2023-03-25', '--json'],
      'three mandates',
    ),
  );
  // A webhook nobody listens on: the round plans every message, then fails fast to send 200.
  const hook = {
    PHASEOUT_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
    PHASEOUT_WEBHOOK_SECRET: 'bench-secret-bench-secret',
  };
  const notify = run(
    'notify round on 25 April (reminders + escalations)',
    ['notify', '--at', '2023-04-25T06:00:00Z'],
    undefined,
    hook,
  );
  steps.push(notify);
  steps.push(
    run(
      'notify round an hour later (nothing new)',
      ['notify', '--at', '2023-04-25T07:00:00Z'],
      undefined,
      hook,
    ),
  );
  steps.push(
    run('re-import devices unchanged (last-seen only)', [
      'import',
      'devices',
      files.devices,
      '--observed-at',
      '2023-02-21',
    ]),
  );

  const w = Math.max(...steps.map((s) => s.step.length));
  console.log(`${'step'.padEnd(w)}  ${'seconds'.padStart(8)}  ${'peak MiB'.padStart(8)}  note`);
  for (const s of steps) {
    console.log(
      `${s.step.padEnd(w)}  ${s.seconds.toFixed(2).padStart(8)}  ${(s.peakMiB === null ? '-' : s.peakMiB.toFixed(0)).padStart(8)}  ${s.note ?? ''}`,
    );
  }
  const applies = steps.filter((s) => s.step.startsWith('apply'));
  console.log('\ntargets');
  console.log(
    `  device import ≤ 3× sqlite3 .import: ${(devices.seconds / reference.seconds).toFixed(2)}×  ${devices.seconds <= 3 * reference.seconds ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  apply a mandate ≤ 2 s: slowest ${Math.max(...applies.map((a) => a.seconds)).toFixed(2)} s  ${applies.every((a) => a.seconds <= 2) ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  status --json ≤ 1 s: ${status.seconds.toFixed(2)} s  ${status.seconds <= 1 ? 'met' : 'NOT met'}`,
  );
}

await main();
