import type { Command } from 'commander';
import { readConfig } from '../../config.js';
import { readTime } from '../../services/settings.service.js';
import type { CliContext } from '../main.js';
import { withApp } from './shared.js';

/** `notify`: one round of the scheduler the server runs by itself, for cron or a look. */
export function registerNotifyCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  program
    .command('notify')
    .description(
      'make the reports due, plan reminders, escalations and digests, and send them (mail and webhook from the environment)',
    )
    .option('--at <time>', 'the moment the round runs at (default: now)')
    .action(async (flags: { at?: string }, cmd: Command) => {
      const config = readConfig(process.env);
      await withApp(
        cmd,
        ctx,
        async (app) => {
          const zone = await app.settings.getTimeZone();
          const at = flags.at === undefined ? app.clock.now() : readTime(flags.at, zone, '--at');
          const r = await app.notifier.tick(at);
          io.out(
            `reports ${r.reports}, planned ${r.planned}, sent ${r.sent}, failed ${r.failed}\n`,
          );
        },
        config,
      );
    });
}
