import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../src/adapters/clock.js';
import { runCli } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** A CLI bound to one database and a fixed clock, run in-process with captured output. */
export function makeCli(dbUrl: string, now = '2023-02-20T12:00:00Z') {
  const clock = fixedClock(Date.parse(now));
  const dir = mkdtempSync(join(tmpdir(), 'phaseout-files-'));
  let n = 0;
  return {
    clock,
    /** Sets "now". */
    at(time: string): void {
      clock.set(Date.parse(time));
    },
    /** Writes a file for a command to read and returns its path. */
    file(content: string | Buffer, name?: string): string {
      const path = join(dir, name ?? `f${++n}`);
      writeFileSync(path, content);
      return path;
    },
    async run(...args: string[]): Promise<CliResult> {
      let out = '';
      let err = '';
      const code = await runCli(['--db', dbUrl, ...args], {
        io: { out: (t) => (out += t), err: (t) => (err += t), isTty: false },
        clock,
      });
      return { code, out, err };
    },
    async json<T>(...args: string[]): Promise<T> {
      const r = await this.run(...args);
      if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}`);
      return JSON.parse(r.out) as T;
    },
  };
}
