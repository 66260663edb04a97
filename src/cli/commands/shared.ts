import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { createApp, databaseUrl, type App } from '../../app.js';
import type { Config } from '../../config.js';
import type { Actor } from '../../domain/access.policy.js';
import { invalidInput } from '../../domain/errors.js';
import { CSV_DIALECTS, type CsvDialect } from '../../domain/csv.dialects.js';
import { inDialect } from '../../adapters/csv-write.js';
import type { Io } from '../io.js';
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
        { where: flag, value, code: 'not_positive_integer', message: 'must be a positive integer' },
      ]);
    }
    return n;
  };
}

/**
 * Who runs the command line when no account is named: the operating-system user on its host
 * (`cli:svc-mdm@host`), never "unknown".
 */
export function cliActor(): string {
  let user = process.env.USER ?? process.env.USERNAME;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for this uid (a container): the environment's name, else the uid.
  }
  return `cli:${user ?? `uid${process.getuid?.() ?? ''}`}@${hostname()}`;
}

/** The account a command names with `--as EMAIL` or `PHASEOUT_ACTOR`, if any. */
function named(cmd: Command): string | undefined {
  const as = cmd.optsWithGlobals<{ as?: string }>().as?.trim();
  return as ? as : undefined;
}

/**
 * Who makes a decision from the command line (apply, withdraw, attest, settings, accounts,
 * tokens): the enabled account named by `--as` (or `PHASEOUT_ACTOR`). Before any account exists
 * (a fresh installation) the operating-system user; after, naming nobody is refused.
 */
export async function decider(app: App, cmd: Command): Promise<string> {
  const email = named(cmd);
  if (email) return (await app.accounts.actorForEmail(email)).email;
  if ((await app.accounts.countAccounts()) === 0) return cliActor();
  throw invalidInput('who decides this? Give --as EMAIL (or PHASEOUT_ACTOR) of your account', [
    {
      where: '--as',
      code: 'required',
      message: 'is required once accounts exist: a decision names who made it',
    },
  ]);
}

/**
 * The account a step is taken as (`--as EMAIL` or `PHASEOUT_ACTOR`), so that its roles and the
 * role rules apply: required.
 */
export async function account(app: App, cmd: Command): Promise<Actor> {
  const email = named(cmd);
  if (!email)
    throw invalidInput('give --as EMAIL (or PHASEOUT_ACTOR): the account taking this step', [
      { where: '--as', code: 'required', message: 'is required: the account taking this step' },
    ]);
  return app.accounts.actorForEmail(email);
}

/**
 * Who loads data from the command line (imports, sync): the account named, if any, else the
 * operating-system user on its host.
 */
export async function loader(app: App, cmd: Command): Promise<string> {
  const email = named(cmd);
  return email ? (await app.accounts.actorForEmail(email)).email : cliActor();
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
      {
        where: '--format',
        value: f,
        code: 'not_one_of',
        params: { values: 'table, csv, json' },
        message: 'use table, csv or json',
      },
    ]);
  return f;
}

/**
 * Writes a CSV document in the dialect of the global `--dialect` (or `PHASEOUT_CSV_DIALECT`):
 * `csv` (default) or `excel-ru`, what Russian Excel opens by a double click.
 */
export function csvOut(io: Io, cmd: Command, csv: string): void {
  const d = cmd.optsWithGlobals<{ dialect?: string }>().dialect ?? 'csv';
  if (!(CSV_DIALECTS as readonly string[]).includes(d))
    throw invalidInput(`unknown CSV dialect ${d}`, [
      {
        where: '--dialect',
        value: d,
        code: 'not_one_of',
        params: { values: CSV_DIALECTS.join(', ') },
        message: `use ${CSV_DIALECTS.join(' or ')}`,
      },
    ]);
  io.out(inDialect(csv, d as CsvDialect));
}
