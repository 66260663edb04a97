/**
 * The API under load (issue #16, item 3): an organisation of BENCH_SCALE × (500,000 people,
 * 1,000,000 devices) with the broad "official smartphones" mandate applied, served by a real
 * `phaseout serve` process; autocannon's 50 concurrent clients ask `GET /api/v1/status` and a
 * page of 100 findings for 10 s each. On SQLite, and on PostgreSQL when its server binaries are
 * there (a throwaway cluster). Prints p50, p90 and p97.5 (autocannon has no p95: it lies between them) and p99 beside the
 * targets (status p95 ≤ 50 ms, findings page p95 ≤ 100 ms).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { createApp } from '../src/app.js';
import { generateBenchData } from './generate.js';
import { freePort, startPostgres } from './postgres.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const size = {
  people: Math.round(500_000 * scale),
  devices: Math.round(1_000_000 * scale),
  units: Math.max(100, Math.round(20_000 * scale)),
};
// BENCH_PROF=DIR: the server writes a V8 CPU profile there when it stops.
const profile = process.env.BENCH_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`]
  : [];
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'phaseout.js');
const SMARTPHONES = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: bench-smartphones, title: No official smartphones, issuedAt: 2023-03-20 }
spec:
  target: device.class == "smartphone" && "official" in device.purposes
  action: restrict-use
  phases: [{ id: effective, due: 2023-04-28, requires: resolve }]
`;

function cli(db: string, ...args: string[]): void {
  const r = spawnSync(process.execPath, [bin, '--db', db, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
}

async function load(
  url: string,
  token: string,
): Promise<{ p50: number; p90: number; p97_5: number; p99: number; rps: number; errors: number }> {
  const r = await autocannon({
    url,
    connections: 50,
    duration: 10,
    headers: { authorization: `Bearer ${token}` },
  });
  // autocannon's histogram has no p95: p97.5 is reported in its place (stricter).
  return {
    p50: r.latency.p50,
    p90: r.latency.p90,
    p97_5: r.latency.p97_5,
    p99: r.latency.p99,
    rps: r.requests.average,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

async function bench(
  kind: 'sqlite' | 'postgres',
  db: string,
  files: { people: string; devices: string },
): Promise<void> {
  const t0 = Date.now();
  cli(db, 'import', 'people', files.people, '--observed-at', '2023-02-20');
  cli(db, 'import', 'devices', files.devices, '--observed-at', '2023-02-20');
  const mandate = join(tmpdir(), `bench-smartphones-${process.pid}.yaml`);
  writeFileSync(mandate, SMARTPHONES);
  cli(db, 'apply', '-f', mandate);
  const app = await createApp({ dbUrl: db });
  await app.accounts.addUser({ email: 'bench@x.org', roles: ['admin'] }, 'bench');
  const { token } = await app.accounts.createToken(
    { email: 'bench@x.org', name: 'bench' },
    'bench',
  );
  await app.close();
  console.log(`${kind}: loaded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const port = await freePort();
  const server: ChildProcess = spawn(
    process.execPath,
    [...profile, bin, '--db', db, 'serve', '--port', String(port)],
    {
      stdio: 'ignore',
      env: { ...process.env, PHASEOUT_LOG_LEVEL: 'warn' },
    },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (
        await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 600) throw new Error('the server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const [name, path, target] of [
      ['GET /api/v1/status', '/api/v1/status', 50],
      [
        'GET /api/v1/findings (page of 100)',
        '/api/v1/findings?mandate=bench-smartphones&limit=100',
        100,
      ],
    ] as const) {
      const r = await load(`${base}${path}`, token);
      console.log(
        `${kind} | ${name} | p50 ${r.p50} ms | p90 ${r.p90} ms | p97.5 ${r.p97_5} ms (target p95 ≤ ${target}) | p99 ${r.p99} ms | ${Math.round(r.rps)} req/s | errors ${r.errors}`,
      );
    }
  } finally {
    server.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const dir = join(root, 'bench', 'output', 'api');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`phaseout API benchmark: ${size.people} people, ${size.devices} devices, 50 clients`);
  const files = await generateBenchData(dir, size);
  // BENCH_DB=sqlite or postgres runs one database.
  if (process.env.BENCH_DB !== 'postgres') await bench('sqlite', join(dir, 'bench.db'), files);
  if (process.env.BENCH_DB === 'sqlite') return;
  const pg = await startPostgres();
  if (!pg) console.log('postgres: skipped (no server binaries in /usr/lib/postgresql/15/bin)');
  else {
    try {
      await bench('postgres', pg.url, files);
    } finally {
      pg.stop();
    }
  }
}

await main();
