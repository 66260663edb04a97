import type { Command } from 'commander';
import { invalidInput } from '../../domain/errors.js';
import type { MandateStatus } from '../../services/status.service.js';
import { FINDING_STATES, findingColumns } from '../../domain/finding.columns.js';
import { formatCsv, formatTable } from '../format.js';
import type { CliContext } from '../main.js';
import { csvOut, positiveInt, withApp } from './shared.js';

function statusText(s: MandateStatus): string {
  const d = s.devices;
  const p = s.people;
  const lines = [
    `${s.mandate} v${s.version} — ${s.title}${s.withdrawnAt ? ` (withdrawn ${s.withdrawnAt})` : ''}`,
    `  as of ${s.asOf}${s.due ? `, due ${s.due}` : ''}`,
    `  devices: ${d.pending} pending, ${d.overdue} overdue, ${d.exempt} exempt, ${d.resolved} resolved${d.lost ? ` (${d.lost} lost)` : ''}, ${d.departed} departed, ${d.unassigned} unassigned`,
    `  people: ${p.inScope} in scope, ${p.affected} affected, ${p.nonCompliant} not compliant, ${p.overdue} overdue`,
    ...s.phases.map((ph) => {
      const extra =
        ph.requires === 'attest'
          ? ` (${ph.attested}/${ph.required} attested${ph.headless ? `, ${ph.headless} units without a head` : ''}${ph.metAt ? `, met ${ph.metAt}` : ''})`
          : '';
      // A phase that never caught anything is "met" in the data, never in words (DESIGN §5a).
      const state = ph.nothingCaught ? 'nothing caught yet' : ph.state;
      return `  phase ${ph.id} [${ph.requires}${ph.due ? `, due ${ph.due}` : ''}]: ${state}${extra}`;
    }),
    s.forecast.nothingCaught
      ? '  forecast: nothing caught yet'
      : `  forecast: ${s.forecast.ratePerDay.toFixed(2)}/day, ${s.forecast.projectedCompletion ? `done by ${s.forecast.projectedCompletion}` : 'no projection'}, ${s.forecast.onTrack ? 'on track' : 'not on track'}`,
  ];
  if (s.units) {
    lines.push(
      formatTable(
        ['unit', 'pending', 'overdue', 'exempt', 'resolved', 'departed', 'inScope', 'nonCompliant'],
        s.units.map((u) => [
          u.unit,
          ...[
            u.devices.pending,
            u.devices.overdue,
            u.devices.exempt,
            u.devices.resolved,
            u.devices.departed,
            u.people.inScope,
            u.people.nonCompliant,
          ].map(String),
        ]),
      )
        .trimEnd()
        .replace(/^/gm, '  '),
    );
  }
  return lines.join('\n') + '\n';
}

/** Commands that read: mandates, status, findings. */
export function registerReadCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  program
    .command('mandates')
    .description('list mandates')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const list = await app.mandates.list();
        if (flags.json) io.out(JSON.stringify(list, null, 2) + '\n');
        else
          io.out(
            formatTable(
              ['id', 'version', 'due', 'state', 'title'],
              list.map((m) => [
                m.id,
                `v${m.version}`,
                m.due ?? '',
                m.withdrawnAt ? `withdrawn ${m.withdrawnAt}` : 'in force',
                m.title,
              ]),
            ),
          );
      });
    });

  program
    .command('status [mandate]')
    .description('counts, phases and forecast as of a moment')
    .option('--as-of <time>', 'the moment asked about (default: now)')
    .option('--by-unit', 'group by unit')
    .option('--depth <n>', 'cut unit paths to N levels (root is 1)', positiveInt('--depth'))
    .option('--json', 'print JSON')
    .action(
      async (
        mandate: string | undefined,
        flags: { asOf?: string; byUnit?: boolean; depth?: number; json?: boolean },
        cmd: Command,
      ) => {
        if (flags.depth !== undefined && !flags.byUnit) {
          throw invalidInput('--depth needs --by-unit', [
            { where: '--depth', code: 'only_with_by_unit', message: 'only applies with --by-unit' },
          ]);
        }
        await withApp(cmd, ctx, async (app) => {
          const o = {
            ...(flags.asOf !== undefined ? { asOf: flags.asOf } : {}),
            byUnit: flags.byUnit === true,
            ...(flags.depth ? { depth: flags.depth } : {}),
          };
          const result = mandate
            ? await app.status.status(mandate, o)
            : await app.status.statusAll(o);
          if (flags.json) io.out(JSON.stringify(result, null, 2) + '\n');
          else for (const s of Array.isArray(result) ? result : [result]) io.out(statusText(s));
        });
      },
    );

  program
    .command('findings <mandate>')
    .description('every finding opened by a moment, with its state then')
    .option('--state <states>', `only these states (${FINDING_STATES.join(',')})`)
    .option('--as-of <time>', 'the moment asked about (default: now)')
    .option('--format <f>', 'table, csv or json', 'table')
    .action(
      async (
        mandate: string,
        flags: { state?: string; asOf?: string; format: string },
        cmd: Command,
      ) => {
        if (!['table', 'csv', 'json'].includes(flags.format)) {
          throw invalidInput(`unknown format ${flags.format}`, [
            {
              where: '--format',
              value: flags.format,
              code: 'not_one_of',
              params: { values: 'table, csv, json' },
              message: 'use table, csv or json',
            },
          ]);
        }
        const states = flags.state
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = (states ?? []).filter(
          (s) => !(FINDING_STATES as readonly string[]).includes(s),
        );
        if (bad.length > 0) {
          throw invalidInput(`unknown state ${bad.join(', ')}`, [
            {
              where: '--state',
              value: bad.join(','),
              code: 'not_one_of',
              params: { values: FINDING_STATES.join(', ') },
              message: `states: ${FINDING_STATES.join(', ')}`,
            },
          ]);
        }
        await withApp(cmd, ctx, async (app) => {
          const rows = await app.status.findings(mandate, {
            ...(flags.asOf !== undefined ? { asOf: flags.asOf } : {}),
            ...(states ? { states } : {}),
          });
          if (flags.format === 'json') {
            io.out(JSON.stringify(rows, null, 2) + '\n');
            return;
          }
          const columns = findingColumns(states);
          const cells = rows.map((r) => columns.map((c) => r[c] ?? ''));
          if (flags.format === 'csv') return csvOut(io, cmd, formatCsv([...columns], cells));
          io.out(formatTable([...columns], cells));
        });
      },
    );
}
