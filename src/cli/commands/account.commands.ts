import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { decodeCsv, parseCsv } from '../../adapters/csv.js';
import { invalidInput } from '../../domain/errors.js';
import { formatTable } from '../format.js';
import type { CliContext } from '../main.js';
import { decider, positiveInt, withApp } from './shared.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** `users` and `tokens`: accounts and API tokens. */
export function registerAccountCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const users = program.command('users').description('accounts');
  users
    .command('add <email>')
    .description('create an account; the password is read from standard input')
    .option(
      '--role <role>',
      'admin, officer, unit-head, logistics, official or auditor (repeatable)',
      collect,
    )
    .option('--unit <path>', 'a unit the account heads (repeatable)', collect)
    .option('--person <id>', 'the person the account belongs to')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (
        email: string,
        flags: { role?: string[]; unit?: string[]; person?: string; passwordStdin?: boolean },
        cmd: Command,
      ) => {
        let password: string | null = null;
        if (flags.passwordStdin) {
          password = (await (ctx.readStdin ?? (() => readAll(process.stdin)))()).replace(
            /\r?\n$/,
            '',
          );
          if (password === '')
            throw invalidInput('no password on standard input', [
              {
                where: '--password-stdin',
                code: 'empty_input',
                message: 'standard input was empty',
              },
            ]);
        }
        await withApp(cmd, ctx, async (app) => {
          const a = await app.accounts.addUser(
            {
              email,
              roles: flags.role ?? [],
              units: flags.unit ?? [],
              personId: flags.person ?? null,
              password,
            },
            await decider(app, cmd),
          );
          io.out(
            `created ${a.email} (${a.roles.join(', ')})${password ? '' : ' without a password: single sign-on only'}\n`,
          );
        });
      },
    );
  users
    .command('list')
    .description('list accounts')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const list = await app.accounts.listUsers();
        if (flags.json) io.out(JSON.stringify(list, null, 2) + '\n');
        else
          io.out(
            formatTable(
              ['email', 'roles', 'units', 'person', 'state'],
              list.map((a) => [
                a.email,
                a.roles.join(','),
                a.units.join('; '),
                a.personId ?? '',
                a.disabled ? 'disabled' : 'active',
              ]),
            ),
          );
      });
    });
  users
    .command('disable <email>')
    .description('disable an account, ending its sessions and tokens')
    .action(async (email: string, _flags: unknown, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const a = await app.accounts.disableUser(email, await decider(app, cmd));
        io.out(`disabled ${a.email}\n`);
      });
    });

  users
    .command('import <file>')
    .description(
      'create accounts from a CSV (email,role,unit,person; ; lists), all or nothing; they sign in with single sign-on',
    )
    .action(async (file: string, _flags: unknown, cmd: Command) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw invalidInput(`cannot read ${file}`, [
          { where: file, code: 'unreadable_file', message: (err as Error).message },
        ]);
      }
      const name = basename(file);
      const table = parseCsv(decodeCsv(bytes), name);
      await withApp(cmd, ctx, async (app) => {
        const made = await app.accounts.importUsers(table, name, await decider(app, cmd));
        io.out(`created ${made.length} account(s) from ${name}\n`);
      });
    });

  const tokens = program.command('tokens').description('API tokens for integrations');
  tokens
    .command('create')
    .description('create a token; it is printed once, alone on the last line')
    .requiredOption('--user <email>', 'the account the token acts as')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--expires <duration>', 'ISO 8601 duration such as P90D (default: never)')
    .option('--read-only', 'the token may only read')
    .option('--scim', 'a directory-sync token: valid only for SCIM at /scim/v2')
    .action(
      async (
        flags: { user: string; name: string; expires?: string; readOnly?: boolean; scim?: boolean },
        cmd: Command,
      ) => {
        await withApp(cmd, ctx, async (app) => {
          const t = await app.accounts.createToken(
            {
              email: flags.user,
              name: flags.name,
              readOnly: flags.readOnly === true,
              scim: flags.scim === true,
              ...(flags.expires ? { expires: flags.expires } : {}),
            },
            await decider(app, cmd),
          );
          io.out(
            `${flags.scim ? 'SCIM ' : ''}token ${t.id} for ${flags.user}${t.expiresAt ? `, expires ${t.expiresAt}` : ''}; it is shown only now:\n${t.token}\n`,
          );
        });
      },
    );
  tokens
    .command('revoke <id>')
    .description('revoke a token')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const n = positiveInt('ID')(id);
      await withApp(cmd, ctx, async (app) => {
        await app.accounts.revokeToken(n, await decider(app, cmd));
        io.out(`revoked token ${n}\n`);
      });
    });
}
