import { Command, CommanderError, Option } from 'commander';
import type { Clock } from '../adapters/clock.js';
import { processIo, reportError, type Io } from './io.js';
import { registerAccountCommands } from './commands/account.commands.js';
import { registerDataCommands } from './commands/data.commands.js';
import { registerBackupCommands } from './commands/backup.commands.js';
import { registerReadCommands } from './commands/read.commands.js';
import { registerNotifyCommands } from './commands/notify.commands.js';
import { registerLogisticsCommands } from './commands/logistics.commands.js';
import { registerEvidenceCommands } from './commands/evidence.commands.js';
import { registerCampaignCommands } from './commands/campaign.commands.js';
import { registerServeCommands } from './commands/serve.commands.js';

/** What commands share: where to write, which clock (tests fix it). */
export interface CliContext {
  io: Io;
  clock?: Clock;
  /** Resolved when a long-running command (serve) should stop; tests use it. */
  stopSignal?: Promise<void>;
  /** Reads standard input (passwords); tests pass their own. */
  readStdin?: () => Promise<string>;
}

/** Builds the program; every command is registered by its module. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('phaseout')
    .description(
      'Carries an organisation through a device phase-out order, from the order to the proof.',
    )
    .addOption(
      new Option('--db <url>', 'database: a file path, sqlite:PATH or a postgres:// URL').env(
        'PHASEOUT_DB',
      ),
    )
    .addOption(
      new Option(
        '--as <email>',
        'the account making the change (required for decisions once accounts exist)',
      ).env('PHASEOUT_ACTOR'),
    )
    .addOption(
      new Option(
        '--dialect <dialect>',
        'CSV output: csv (comma, UTF-8) or excel-ru (;, UTF-8 with BOM, as Russian Excel opens it)',
      ).env('PHASEOUT_CSV_DIALECT'),
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) })
    .showHelpAfterError(false);
  registerDataCommands(program, ctx);
  registerReadCommands(program, ctx);
  registerServeCommands(program, ctx);
  registerAccountCommands(program, ctx);
  registerNotifyCommands(program, ctx);
  registerLogisticsCommands(program, ctx);
  registerEvidenceCommands(program, ctx);
  registerCampaignCommands(program, ctx);
  registerBackupCommands(program, ctx);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI and returns its exit status: 0 done, 2 refused input, 1 anything else. */
export async function runCli(argv: string[], ctx: CliContext = { io: processIo }): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.exitCode === 0
      )
        return 0;
      return 2;
    }
    return reportError(ctx.io, err);
  }
}
