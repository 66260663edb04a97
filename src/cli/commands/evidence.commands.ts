import type { Command } from 'commander';
import { ATTESTATION_COLUMNS, EXEMPTION_COLUMNS } from '../../domain/register.columns.js';
import { attestationRegisterCsv, exemptionRegisterCsv } from '../../services/register.csv.js';
import { formatTable } from '../format.js';
import type { CliContext } from '../main.js';
import { csvOut, format, reader, withApp } from './shared.js';

/** `exemptions list` and `attestations list`: the registers an oversight body asks for. */
export function registerEvidenceCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  program
    .command('exemptions')
    .description('the register of exemptions')
    .command('list')
    .description(
      'every exemption: mandate, device or person, ground, reason, who asked and decided, when, until, state',
    )
    .option('--mandate <id>', 'of one mandate')
    .option('--state <s>', 'requested, approved, rejected, revoked or lapsed')
    .option('--format <f>', 'table, csv or json', 'table')
    .action(async (flags: { mandate?: string; state?: string; format?: string }, cmd: Command) => {
      const fmt = format(flags.format);
      await withApp(cmd, ctx, async (app) => {
        if (flags.mandate !== undefined) await app.status.status(flags.mandate);
        const list = await app.exemptions.list(reader(), {
          ...(flags.mandate !== undefined ? { mandate: flags.mandate } : {}),
          ...(flags.state !== undefined ? { state: flags.state } : {}),
        });
        if (fmt === 'json') return io.out(JSON.stringify(list, null, 2) + '\n');
        if (fmt === 'csv') return csvOut(io, cmd, exemptionRegisterCsv(list));
        io.out(
          formatTable(
            [...EXEMPTION_COLUMNS],
            list.map((e) => EXEMPTION_COLUMNS.map((c) => String(e[c] ?? ''))),
          ),
        );
      });
    });
  program
    .command('attestations')
    .description('the register of attestations')
    .command('list')
    .description('every attestation: mandate, phase, unit or person, by whom, when, note')
    .option('--mandate <id>', 'of one mandate')
    .option('--phase <id>', 'of one phase')
    .option('--format <f>', 'table, csv or json', 'table')
    .action(async (flags: { mandate?: string; phase?: string; format?: string }, cmd: Command) => {
      const fmt = format(flags.format);
      await withApp(cmd, ctx, async (app) => {
        const list = await app.attestations.list(
          { all: true, units: [], personId: null },
          {
            ...(flags.mandate !== undefined ? { mandate: flags.mandate } : {}),
            ...(flags.phase !== undefined ? { phase: flags.phase } : {}),
          },
        );
        if (fmt === 'json') return io.out(JSON.stringify(list, null, 2) + '\n');
        if (fmt === 'csv') return csvOut(io, cmd, attestationRegisterCsv(list));
        io.out(
          formatTable(
            [...ATTESTATION_COLUMNS],
            list.map((a) => ATTESTATION_COLUMNS.map((c) => a[c] ?? '')),
          ),
        );
      });
    });
}
