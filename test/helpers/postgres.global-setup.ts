import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresSkipReason: string;
  }
}

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Runs a PostgreSQL binary, as the postgres user when we are root (PostgreSQL refuses root). */
function pgRun(bin: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const [cmd, argv] = root
    ? ['runuser', ['-u', 'postgres', '--', join(BIN, bin), ...args]]
    : [join(BIN, bin), args];
  execFileSync(cmd, argv, { stdio: 'pipe' });
}

/** Starts a throwaway PostgreSQL cluster for the whole run and stops it after. */
export default async function setup(project: TestProject): Promise<() => void> {
  if (!existsSync(join(BIN, 'initdb'))) {
    const reason = `PostgreSQL server binaries not found in ${BIN}`;
    if (process.env.CI === 'true') throw new Error(`${reason}: CI requires the PostgreSQL tests`);
    console.warn(`\n*** PostgreSQL tests SKIPPED: ${reason} ***\n`);
    project.provide('postgresUrl', '');
    project.provide('postgresSkipReason', reason);
    return () => undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'phaseout-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  pgRun('initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale',
    clusterLocale(),
  ]);
  pgRun('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    'start',
  ]);
  project.provide('postgresUrl', `postgres://postgres@127.0.0.1:${port}`);
  project.provide('postgresSkipReason', '');
  return () => {
    spawnSync(
      process.getuid?.() === 0 ? 'runuser' : join(BIN, 'pg_ctl'),
      process.getuid?.() === 0
        ? ['-u', 'postgres', '--', join(BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']
        : ['-D', data, '-m', 'immediate', 'stop'],
      { stdio: 'pipe' },
    );
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * The cluster's locale: Russian, as the offices this is for run PostgreSQL (`.ci/run` generates
 * it), so that nothing depends on the "C" collation by accident. Without it here (a developer's
 * machine), "C" with a warning; CI requires it.
 */
function clusterLocale(): string {
  const have = execFileSync('locale', ['-a']).toString().split('\n');
  if (have.some((l) => /^ru_RU\.utf-?8$/i.test(l.trim()))) return 'ru_RU.UTF-8';
  if (process.env.CI)
    throw new Error('the ru_RU.UTF-8 locale is missing: run .ci/run, or locale-gen');
  console.warn('PostgreSQL tests: ru_RU.UTF-8 locale missing, the cluster uses C');
  return 'C';
}
