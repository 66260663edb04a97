import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  readSync,
  closeSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Command } from 'commander';
import { invalidInput } from '../../domain/errors.js';
import type { CliContext } from '../main.js';
import { cliActor, withApp } from './shared.js';

/** Whether a file starts as gzip does. */
function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** `backup FILE` and `restore FILE`: the whole database as gzipped JSON lines. */
export function registerBackupCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  program
    .command('backup')
    .description(
      'write the whole database to FILE (gzipped JSON lines) from one consistent snapshot, while the server runs; restores into SQLite or PostgreSQL',
    )
    .argument('<file>', 'where to write the backup (written whole, then renamed into place)')
    .action(async (file: string, _flags: unknown, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const partial = `${file}.partial`;
        const gzip = createGzip();
        const done = pipeline(gzip, createWriteStream(partial, { mode: 0o600 }));
        try {
          const r = await app.backups.backup(async (line) => {
            if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
          });
          gzip.end();
          await done;
          renameSync(partial, file);
          io.out(
            `backup: ${r.rows} rows of ${r.tables} tables${r.audit ? `, audit log at entry ${r.audit.seq} (${r.audit.hash})` : ''} → ${file}\n`,
          );
        } catch (e) {
          gzip.destroy();
          await done.catch(() => undefined);
          rmSync(partial, { force: true });
          throw e;
        }
      });
    });
  program
    .command('restore')
    .description(
      'restore a backup into an empty database, all or nothing, then verify the audit chain',
    )
    .argument('<file>', 'a file written by `phaseout backup`')
    .action(async (file: string, _flags: unknown, cmd: Command) => {
      if (!existsSync(file))
        throw invalidInput(`no such file ${file}`, [
          { where: 'FILE', value: file, code: 'file_missing', message: 'does not exist' },
        ]);
      await withApp(cmd, ctx, async (app) => {
        const raw = createReadStream(file);
        const input = isGzip(file) ? raw.pipe(createGunzip()) : raw;
        const lines = createInterface({ input, crlfDelay: Infinity });
        // Iterated from now on: lines read while the database is checked wait for the restore.
        const iterator = lines[Symbol.asyncIterator]();
        try {
          const r = await app.backups.restore(
            { [Symbol.asyncIterator]: () => iterator },
            // Into an empty database: no account to name yet.
            cliActor(),
          );
          io.out(
            `restored: ${r.rows} rows of ${r.tables} tables; audit chain verified${r.audit ? ` to entry ${r.audit.seq}` : ''}\n`,
          );
        } finally {
          lines.close();
          raw.destroy();
        }
      });
    });
}
