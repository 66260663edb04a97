import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './net.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'phaseout.js');

/** A `phaseout serve` process of its own, for what only a real process shows (memory, signals). */
export interface ServerProcess {
  base: string;
  pid: number;
  /** What it wrote to stdout and stderr so far. */
  log(): string;
  /** The process's resident and peak resident memory now, in bytes (Linux `/proc`). */
  memory(): { rss: number; peak: number };
  stop(): Promise<void>;
}

/** Starts `phaseout serve` on a free port and waits until `/healthz` answers. */
export async function startServerProcess(
  dbUrl: string,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [BIN, '--db', dbUrl, 'serve', '--port', String(port), ...args],
    { env: { ...process.env, ...env } },
  );
  let log = '';
  child.stdout.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const kib = (status: string, key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return {
    base,
    pid: child.pid!,
    log: () => log,
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return { rss: kib(status, 'VmRSS'), peak: kib(status, 'VmHWM') };
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
