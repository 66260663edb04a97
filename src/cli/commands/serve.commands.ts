import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { readConfig, type Config } from '../../config.js';
import {
  checkpointPath,
  hasCheckpointOn,
  readAuditKey,
  writeCheckpoint,
} from '../../adapters/audit-key.js';
import { buildServer, type ServerOptions } from '../../http/server.js';
import { invalidInput } from '../../domain/errors.js';
import type { CliContext } from '../main.js';
import { positiveInt, withApp } from './shared.js';

interface ServeFlags {
  port?: number;
  host?: string;
  demo?: boolean;
  trustProxy?: boolean | string;
  tlsCert?: string;
  tlsKey?: string;
}

/** The server's options from flags over the environment; a TLS file that cannot be read is refused. */
function serverOptions(flags: ServeFlags, config: Config): ServerOptions {
  const env = config.server;
  const cert = flags.tlsCert ?? env?.tls?.cert;
  const key = flags.tlsKey ?? env?.tls?.key;
  if ((cert === undefined) !== (key === undefined))
    throw invalidInput('HTTPS needs both a certificate and its key', [
      {
        where: cert === undefined ? '--tls-cert' : '--tls-key',
        code: 'required_together',
        message: 'is required with the other',
      },
    ]);
  const read = (file: string, where: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw invalidInput(`cannot read ${file}`, [
        {
          where,
          value: file,
          code: 'unreadable_file',
          message: (e as NodeJS.ErrnoException).code ?? 'unreadable',
        },
      ]);
    }
  };
  return {
    logLevel: env?.logLevel ?? 'info',
    trustProxy: flags.trustProxy ?? env?.trustProxy ?? false,
    https:
      cert !== undefined && key !== undefined
        ? { cert: read(cert, '--tls-cert'), key: read(key, '--tls-key') }
        : null,
    metricsToken: env?.metricsToken ?? null,
    dryRunBudgetMs: env?.dryRunBudgetMs ?? 120_000,
  };
}

/** `serve`: the console and the API. */
export function registerServeCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  program
    .command('serve')
    .description('serve the console and the API')
    .option('--port <port>', 'port (or PORT)', positiveInt('--port'))
    .option('--host <host>', 'address to bind (or HOST; default 127.0.0.1)')
    .option('--demo', 'load the demo organisation first if the database is empty')
    .option(
      '--trust-proxy [addresses]',
      'behind a TLS proxy: honour its X-Forwarded-Proto/-For (or PHASEOUT_TRUST_PROXY): alone, the nearest proxy only (one hop); a number, that many hops; else only from these addresses',
    )
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (or PHASEOUT_TLS_CERT)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert (or PHASEOUT_TLS_KEY)')
    .action(async (flags: ServeFlags, cmd: Command) => {
      const port = flags.port ?? (process.env.PORT ? positiveInt('PORT')(process.env.PORT) : 8080);
      const host = flags.host ?? process.env.HOST ?? '127.0.0.1';
      const config = readConfig(process.env);
      const options = serverOptions(flags, config);
      const auditKey = config.server?.audit
        ? readAuditKey(config.server.audit.keyFile, 'PHASEOUT_AUDIT_KEY_FILE', 'private')
        : null;
      await withApp(
        cmd,
        ctx,
        async (app) => {
          if (flags.demo) {
            const state = await app.demo.holdsOnlyDemo();
            if (state === 'other')
              io.err('the database holds other data: the demo is not loaded\n');
            else {
              if (state === 'empty') io.out('loading the demo organisation…\n');
              // PHASEOUT_LANGUAGE=ru tells the story in Russian, as its messages and reports are.
              const r = await app.demo.load(config.language);
              if (r.loaded) io.out(`demo loaded: ${r.people} people, ${r.devices} devices\n`);
            }
          }
          if ((await app.accounts.countAccounts()) === 0) {
            throw invalidInput('there is no account yet, so nobody could sign in', [
              {
                where: 'accounts',
                code: 'no_account',
                message:
                  'create the first admin: echo PASSWORD | phaseout users add EMAIL --role admin --password-stdin',
              },
              {
                where: '--demo',
                code: 'no_account',
                message:
                  'or start on an empty database with --demo (npm start does), which creates one account per role',
              },
            ]);
          }
          const server = await buildServer(app, options);
          const address = await server.listen({ port, host });
          io.out(`phaseout serving on ${address}\n`);
          const stopNotifier = app.notifier.start((e) =>
            server.log.error({ err: e }, 'notification round failed'),
          );
          // A signed checkpoint of the audit log once a day, when the key is configured.
          const dir = config.server?.audit?.dir;
          const checkpoint = async (): Promise<void> => {
            if (!auditKey) return;
            const today = new Date(app.clock.now()).toISOString().slice(0, 10);
            if (hasCheckpointOn(dir, today)) return;
            const c = await app.audit.checkpoint(auditKey);
            const file = checkpointPath(dir, c);
            writeCheckpoint(file, c);
            server.log.info({ seq: c.seq, file }, 'audit checkpoint written');
          };
          const runCheckpoint = (): void => {
            checkpoint().catch((e: unknown) =>
              server.log.error({ err: e }, 'audit checkpoint failed'),
            );
          };
          runCheckpoint();
          const checkpointTimer = setInterval(runCheckpoint, 3_600_000);
          await new Promise<void>((resolve) => {
            const stop = (): void => resolve();
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
            void ctx.stopSignal?.then(stop);
          });
          clearInterval(checkpointTimer);
          await stopNotifier();
          await server.close();
        },
        config,
      );
    });
}
