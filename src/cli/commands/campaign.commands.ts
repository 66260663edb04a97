import type { Command } from 'commander';
import { invalidInput } from '../../domain/errors.js';
import { formatTable } from '../format.js';
import type { CliContext } from '../main.js';
import { account, positiveInt, reader, withApp } from './shared.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `--escalate AFTER:TO[:REPEAT]`, as in a mandate's notify section (P3D:unit-head:P7D). */
function escalation(
  value: string,
  previous: { after: string; to: string; repeat?: string }[] = [],
) {
  const [after, to, repeat, ...rest] = value.split(':');
  if (!after || !to || rest.length > 0)
    throw invalidInput('--escalate must be AFTER:TO[:REPEAT], such as P3D:unit-head:P7D', [
      {
        where: '--escalate',
        value,
        code: 'invalid_format',
        params: { format: 'AFTER:TO[:REPEAT]' },
        message: 'must be AFTER:TO[:REPEAT]',
      },
    ]);
  return [...previous, { after, to, ...(repeat ? { repeat } : {}) }];
}

/** `campaigns open|status|list`: declaration campaigns. */
export function registerCampaignCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const c = program
    .command('campaigns')
    .description('declaration campaigns: the devices no system knows');
  c.command('open <id>')
    .description(
      'open a campaign: everyone in scope declares the devices they use for work by the due date',
    )
    .requiredOption('--title <text>', 'what is asked')
    .option('--unit <path>', 'a unit and everything below (repeatable; none: everyone)', collect)
    .option('--tag <tag>', 'people with this tag (repeatable)', collect)
    .requiredOption('--due <day>', 'the due date, YYYY-MM-DD in the organisation’s time zone')
    .option(
      '--remind <durations>',
      'reminders before the due date, comma-separated (P7D,P1D); without --remind and --escalate the defaults apply',
    )
    .option(
      '--escalate <after:to[:repeat]>',
      'an escalation after the due date to supervisor, unit-head or officers (repeatable), such as P3D:unit-head:P7D',
      escalation,
    )
    .action(
      async (
        id: string,
        f: {
          title: string;
          unit?: string[];
          tag?: string[];
          due: string;
          remind?: string;
          escalate?: { after: string; to: string; repeat?: string }[];
          as: string;
        },
        cmd: Command,
      ) => {
        await withApp(cmd, ctx, async (app) => {
          const notify =
            f.remind !== undefined || f.escalate !== undefined
              ? {
                  remind: (f.remind ?? '')
                    .split(',')
                    .map((d) => d.trim())
                    .filter(Boolean),
                  escalate: f.escalate ?? [],
                }
              : undefined;
          const s = await app.campaigns.open(await account(app, cmd), {
            id,
            title: f.title,
            scope: { units: f.unit ?? [], tags: f.tag ?? [] },
            due: f.due,
            ...(notify ? { notify } : {}),
          });
          io.out(`opened ${s.id}: ${s.people} people asked to declare by ${s.due}\n`);
        });
      },
    );
  c.command('list')
    .description('every campaign with its progress')
    .action(async (_f: unknown, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const list = (await app.campaigns.list(reader(), { limit: Infinity })).items;
        io.out(
          formatTable(
            [
              'id',
              'due',
              'people',
              'confirmed',
              'inProgress',
              'notStarted',
              'devices',
              'late',
              'title',
            ],
            list.map((s) => [
              s.id,
              s.due,
              String(s.people),
              String(s.confirmed),
              String(s.inProgress),
              String(s.notStarted),
              String(s.devicesDeclared),
              String(s.late),
              s.title,
            ]),
          ),
        );
      });
    });
  c.command('status <id>')
    .description('a campaign’s progress, optionally per unit')
    .option('--by-unit', 'per unit')
    .option('--depth <n>', 'cut unit paths to n levels', positiveInt('--depth'))
    .option('--json', 'print JSON')
    .action(
      async (id: string, f: { byUnit?: boolean; depth?: number; json?: boolean }, cmd: Command) => {
        await withApp(cmd, ctx, async (app) => {
          const s = await app.campaigns.status(reader(), id, {
            byUnit: f.byUnit === true,
            ...(f.depth !== undefined ? { depth: f.depth } : {}),
          });
          if (f.json) return io.out(JSON.stringify(s, null, 2) + '\n');
          io.out(
            `${s.id} (due ${s.due}): ${s.confirmed} of ${s.people} confirmed, ${s.inProgress} in progress, ${s.notStarted} not started; ${s.devicesDeclared} devices declared, ${s.late} late\n`,
          );
          if (s.units)
            io.out(
              formatTable(
                ['unit', 'people', 'confirmed', 'inProgress', 'notStarted'],
                s.units.map((u) => [
                  u.unit,
                  String(u.people),
                  String(u.confirmed),
                  String(u.inProgress),
                  String(u.notStarted),
                ]),
              ),
            );
        });
      },
    );
}
