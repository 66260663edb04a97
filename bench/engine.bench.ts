/**
 * The engine benchmark (issues: "The engine", national scale): import 500,000 people and
 * 1,000,000 devices, apply three mandates, ask `status`, plan notifications, re-import. Each
 * step runs as its own `phaseout` process, as a user would run it, and prints its wall time and
 * peak memory beside the database's own bulk load of the same devices file into a bare table
 * (`sqlite3 .import`, `psql \copy`). On SQLite, then on PostgreSQL when its server binaries are
 * there (a throwaway cluster). BENCH_SCALE=0.1 for a quick look; BENCH_NOTIFY=0 leaves out the
 * notification rounds; BENCH_DB=sqlite or postgres runs one database.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateBenchData } from './generate.js';
import { startPostgres, type BenchPostgres } from './postgres.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const size = {
  people: Math.round(500_000 * scale),
  devices: Math.round(1_000_000 * scale),
  units: Math.max(100, Math.round(20_000 * scale)),
};
const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'bench', 'output');
const bin = join(root, 'bin', 'phaseout.js');

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

function run(
  db: string,
  step: string,
  args: string[],
  note?: string,
  env?: NodeJS.ProcessEnv,
): Step {
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

/** psql's own \\copy of the same file into a new bare table: PostgreSQL's reference. */
function psqlCopy(pg: BenchPostgres, devicesCsv: string): Step {
  const psql = (sql: string) =>
    execFileSync('psql', [...pg.psql, '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: 'pipe' });
  psql(
    `drop table if exists bare_devices; ${DEVICES_DDL.replace('devices (', 'bare_devices (').replace(' primary key', '')}`,
  );
  const t0 = process.hrtime.bigint();
  psql(`\\copy bare_devices from '${devicesCsv}' with (format csv, header true)`);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  psql('drop table bare_devices');
  return {
    step: 'psql \\copy devices (reference)',
    seconds,
    peakMiB: null,
    note: 'same file, new bare table',
  };
}

const BUDGET_STEP = 're-import unchanged, V8 heap held to 400 MiB';

const CHANGED_STEP = 're-import every device changed, re-judged';

const START_STEP = 'process start (phaseout --help)';

interface Files {
  people: string;
  devices: string;
  /** The devices file with every OS version raised. */
  changed: string;
}

/** The devices file with every device's OS version raised (the generated file has no quotes). */
function writeChanged(devices: string, changed: string): void {
  const lines = readFileSync(devices, 'utf8').split('\n');
  const column = lines[0]!.split(',').indexOf('os_version');
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const cells = lines[i]!.split(',');
    cells[column] = `${cells[column] || '1'}.1`;
    lines[i] = cells.join(',');
  }
  writeFileSync(changed, lines.join('\n'));
}

/** Every step on one database, the reference first. */
function steps(kind: 'sqlite' | 'postgres', db: string, files: Files, reference: Step[]): Step[] {
  const out: Step[] = [...reference];
  // Every step below is a process of its own and includes this (context for the apply target).
  out.push(run(db, START_STEP, ['--help'], 'loading the program; no command is run'));
  out.push(
    run(db, 'import people', ['import', 'people', files.people, '--observed-at', '2023-02-20']),
  );
  out.push(
    run(db, 'import devices', ['import', 'devices', files.devices, '--observed-at', '2023-02-20']),
  );
  for (const [name, yaml] of Object.entries(MANDATES)) {
    const f = join(dir, `${name}.yaml`);
    writeFileSync(f, yaml);
    out.push(run(db, `apply ${name}`, ['apply', '-f', f]));
  }
  out.push(
    run(
      db,
      'status --json (all mandates, process start included)',
      ['status', '--as-of', '2023-03-25', '--json'],
      'three mandates',
    ),
  );
  if (process.env.BENCH_NOTIFY !== '0') {
    // A webhook nobody listens on: the round plans every message, then fails fast to send 200.
    const hook = {
      PHASEOUT_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      PHASEOUT_WEBHOOK_SECRET: 'bench-secret-bench-secret',
    };
    out.push(
      run(
        db,
        'notify round on 25 April (reminders + escalations)',
        ['notify', '--at', '2023-04-25T06:00:00Z'],
        undefined,
        hook,
      ),
      run(
        db,
        'notify round an hour later (nothing new)',
        ['notify', '--at', '2023-04-25T07:00:00Z'],
        undefined,
        hook,
      ),
    );
  }
  out.push(
    run(db, 're-import devices unchanged (last-seen only)', [
      'import',
      'devices',
      files.devices,
      '--observed-at',
      '2023-02-21',
    ]),
  );
  // The same in a 1 GB budget: V8's heap held to 400 MiB (README: a host or container of about
  // 1 GB). By default V8 lets garbage pile up towards the machine's size before collecting.
  out.push(
    run(
      db,
      BUDGET_STEP,
      ['import', 'devices', files.devices, '--observed-at', '2023-02-22'],
      undefined,
      { NODE_OPTIONS: '--max-old-space-size=400' },
    ),
  );
  // A day when every device changed (a new OS version everywhere): each row written, every
  // device judged again against the three mandates.
  out.push(
    run(db, CHANGED_STEP, ['import', 'devices', files.changed, '--observed-at', '2023-03-25']),
  );
  console.log(`${kind}: done`);
  return out;
}

function print(kind: string, all: Step[]): void {
  const w = Math.max(...all.map((s) => s.step.length));
  const reference = all[0]!;
  console.log(`\n${kind}`);
  console.log(
    `${'step'.padEnd(w)}  ${'seconds'.padStart(8)}  ${'× ref'.padStart(6)}  ${'peak MiB'.padStart(8)}  note`,
  );
  for (const s of all) {
    console.log(
      `${s.step.padEnd(w)}  ${s.seconds.toFixed(2).padStart(8)}  ${(s.seconds / reference.seconds).toFixed(2).padStart(6)}  ${(s.peakMiB === null ? '-' : s.peakMiB.toFixed(0)).padStart(8)}  ${s.note ?? ''}`,
    );
  }
  const find = (name: string) => all.find((s) => s.step === name)!;
  const devices = find('import devices');
  const again = find('re-import devices unchanged (last-seen only)');
  const applies = all.filter((s) => s.step.startsWith('apply'));
  const status = all.find((s) => s.step.startsWith('status'))!;
  const imports = all.filter(
    (s) =>
      (s.step.startsWith('import') || s.step.startsWith('re-import')) &&
      s.step !== BUDGET_STEP &&
      s.step !== CHANGED_STEP,
  );
  const budget = find(BUDGET_STEP);
  const limit = kind === 'sqlite' ? 3 : 2;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log('targets');
  console.log(
    `  device import ≤ ${limit}× the reference: ${(devices.seconds / reference.seconds).toFixed(2)}×  ${verdict(devices.seconds <= limit * reference.seconds)}`,
  );
  console.log(
    `  re-import unchanged ≤ 1× the first: ${(again.seconds / devices.seconds).toFixed(2)}×  ${verdict(again.seconds <= devices.seconds)}`,
  );
  const rss = Math.max(...imports.map((s) => s.peakMiB ?? 0));
  console.log(`  import peak RSS ≤ 1 GB: ${rss.toFixed(0)} MiB  ${verdict(rss <= 1024)}`);
  console.log(
    `  … with V8's heap held to 400 MiB: ${(budget.peakMiB ?? 0).toFixed(0)} MiB in ${budget.seconds.toFixed(2)} s  ${verdict((budget.peakMiB ?? 0) <= 1024)}`,
  );
  const slowest = Math.max(...applies.map((a) => a.seconds));
  const start = find(START_STEP).seconds;
  console.log(
    `  apply a mandate ≤ 1 s: slowest ${slowest.toFixed(2)} s (${(slowest - start).toFixed(2)} s after process start)  ${verdict(slowest <= 1)}`,
  );
  console.log(
    `  status --json ≤ 1 s: ${status.seconds.toFixed(2)} s  ${verdict(status.seconds <= 1)}`,
  );
}

async function main(): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(
    `phaseout engine benchmark: ${size.people} people, ${size.devices} devices, ${size.units} units`,
  );
  const t0 = Date.now();
  const generated = await generateBenchData(dir, size);
  const files: Files = { ...generated, changed: join(dir, 'devices-changed.csv') };
  writeChanged(files.devices, files.changed);
  console.log(`generated the data in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  const only = process.env.BENCH_DB;
  if (only !== 'postgres') {
    const db = join(dir, 'bench.db');
    const all = steps('sqlite', db, files, [
      sqliteImport(files.devices, false),
      sqliteImport(files.devices, true),
    ]);
    print('sqlite', all);
  }
  if (only !== 'sqlite') {
    const pg = await startPostgres();
    if (!pg) {
      console.log('\npostgres: skipped (no server binaries in /usr/lib/postgresql/15/bin)');
      return;
    }
    try {
      const all = steps('postgres', pg.url, files, [psqlCopy(pg, files.devices)]);
      print('postgres', all);
    } finally {
      pg.stop();
    }
  }
}

await main();
