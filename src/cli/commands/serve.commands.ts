import type { Command } from 'commander';
import { readConfig } from '../../config.js';
import { buildServer } from '../../http/server.js';
import { invalidInput } from '../../domain/errors.js';
import type { CliContext } from '../main.js';
import { positiveInt, withApp } from './shared.js';

/** `serve`: the console and the API. */
export function registerServeCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  program
    .command('serve')
    .description('serve the console and the API')
    .option('--port <port>', 'port (or PORT)', positiveInt('--port'))
    .option('--host <host>', 'address to bind (or HOST; default 127.0.0.1)')
    .option('--demo', 'load the demo organisation first if the database is empty')
    .action(async (flags: { port?: number; host?: string; demo?: boolean }, cmd: Command) => {
      const port = flags.port ?? (process.env.PORT ? positiveInt('PORT')(process.env.PORT) : 8080);
      const host = flags.host ?? process.env.HOST ?? '127.0.0.1';
      const config = readConfig(process.env);
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
              const r = await app.demo.load();
              if (r.loaded) io.out(`demo loaded: ${r.people} people, ${r.devices} devices\n`);
            }
          }
          if ((await app.accounts.countAccounts()) === 0) {
            throw invalidInput('there is no account yet, so nobody could sign in', [
              {
                where: 'accounts',
                message:
                  'create the first admin: echo PASSWORD | phaseout users add EMAIL --role admin --password-stdin',
              },
              {
                where: '--demo',
                message:
                  'or start on an empty database with --demo (npm start does), which creates one account per role',
              },
            ]);
          }
          const server = await buildServer(app, { logger: true });
          const address = await server.listen({ port, host });
          io.out(`phaseout serving on ${address}\n`);
          const stopNotifier = app.notifier.start((e) =>
            server.log.error({ err: e }, 'notification round failed'),
          );
          await new Promise<void>((resolve) => {
            const stop = (): void => resolve();
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
            void ctx.stopSignal?.then(stop);
          });
          await stopNotifier();
          await server.close();
        },
        config,
      );
    });
}
