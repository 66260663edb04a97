import type { Command } from 'commander';
import { createApp, databaseUrl, type App } from '../../app.js';
import type { Config } from '../../config.js';
import type { Actor } from '../../domain/access.policy.js';
import { invalidInput } from '../../domain/errors.js';
import type { CliContext } from '../main.js';

/** Opens the app for one command and always closes it. */
export async function withApp<T>(
  cmd: Command,
  ctx: CliContext,
  fn: (app: App) => Promise<T>,
  config?: Config,
): Promise<T> {
  const opts = cmd.optsWithGlobals<{ db?: string }>();
  const app = await createApp({
    dbUrl: databaseUrl(opts.db),
    ...(ctx.clock ? { clock: ctx.clock } : {}),
    ...(config ? { config } : {}),
  });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** Parses a positive integer flag or refuses it. */
export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw invalidInput(`${flag} must be a positive integer`, [
        { where: flag, value, message: 'must be a positive integer' },
      ]);
    }
    return n;
  };
}

/** The actor recorded in the audit log for CLI changes. */
export function cliActor(): string {
  return `cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`;
}

/** Whoever runs the command line reads everything, as an auditor would. */
export function reader(): Actor {
  return {
    accountId: 0,
    email: cliActor(),
    auditName: cliActor(),
    roles: new Set(['auditor']),
    personId: null,
    units: [],
    readOnly: true,
  };
}

/** Reads `--format`: table (default), csv or json. */
export function format(flag: string | undefined): 'table' | 'csv' | 'json' {
  const f = flag ?? 'table';
  if (f !== 'table' && f !== 'csv' && f !== 'json')
    throw invalidInput(`unknown format ${f}`, [
      { where: '--format', value: f, message: 'use table, csv or json' },
    ]);
  return f;
}
