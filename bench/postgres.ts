/**
 * A throwaway PostgreSQL 15 cluster for the benchmarks (as the tests start theirs): run as the
 * `postgres` user when we are root, on a free port, removed when stopped.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface BenchPostgres {
  url: string;
  /** `psql` arguments that reach the bench database. */
  psql: string[];
  stop: () => void;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export /** A throwaway PostgreSQL cluster, or null when its binaries are not here. */
async function startPostgres(): Promise<BenchPostgres | null> {
  if (!existsSync(join(PG_BIN, 'initdb'))) return null;
  const dir = mkdtempSync(join(tmpdir(), 'phaseout-bench-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const id = (f: string) => Number(execFileSync('id', [f, 'postgres']).toString().trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const pg = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, cmd), ...args], {
          stdio: 'pipe',
        })
      : execFileSync(join(PG_BIN, cmd), args, { stdio: 'pipe' });
  const port = await freePort();
  pg('initdb', [
    '-D',
    join(dir, 'data'),
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale',
    'C',
  ]);
  pg('pg_ctl', [
    '-D',
    join(dir, 'data'),
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c shared_buffers=1GB`,
    'start',
  ]);
  execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', 'create database bench'],
    { stdio: 'pipe' },
  );
  return {
    url: `postgres://postgres@127.0.0.1:${port}/bench`,
    psql: ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'bench'],
    stop: () => {
      pg('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
