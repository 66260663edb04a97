import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import {
  checkpointPath,
  readAuditKey,
  readCheckpoint,
  writeCheckpoint,
  writeNewAuditKey,
} from '../../adapters/audit-key.js';
import { AppError, invalidInput } from '../../domain/errors.js';
import { LANGUAGES, type Language } from '../../domain/texts/languages.js';
import { importSummary, type ImportResult } from '../../services/import.service.js';
import {
  parseSourceMap,
  SOURCE_FORMATS,
  type SourceFormatName,
} from '../../domain/source.formats.js';
import { progressReporter } from '../io.js';
import type { CliContext } from '../main.js';
import { decider, loader, withApp } from './shared.js';

function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw invalidInput(`cannot read ${file}`, [
      { where: file, code: 'unreadable_file', message: (err as Error).message },
    ]);
  }
}

function importLine(r: ImportResult): string {
  const extra =
    (r.source ? ` from ${r.source} (${r.format})` : '') +
    (r.unmatchedOwners.length ? `; ${r.unmatchedOwners.length} without a matching owner` : '') +
    (r.notReported.length ? `; ${r.notReported.length} not reported` : '');
  const f = r.findings;
  return (
    `${r.dryRun ? 'dry run: would import' : 'imported'} ${r.kind}: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged` +
    (r.unitsCreated ? `, ${r.unitsCreated} units created` : '') +
    ` as of ${r.observedAt}` +
    (r.statedAt
      ? ` (the file says ${r.statedAt}: later observations were recorded already, so it applies at the latest)`
      : '') +
    `${extra}; findings +${f.opened} −${f.closed}\n`
  );
}

interface ImportFlags {
  json?: boolean;
  source?: string;
  sync?: boolean;
  map?: string;
  observedAt?: string;
  dryRun?: boolean;
  delimiter?: string;
  encoding?: string;
  ignoreUnknown?: boolean;
  format?: string;
}

/** Commands that change data: import, apply, withdraw, attest, settings, audit, demo. */
export function registerDataCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const imp = program
    .command('import')
    .description('import people or devices from CSV (all or nothing)');
  for (const kind of ['people', 'devices'] as const) {
    const c = imp
      .command(`${kind} <file>`)
      .description(`import ${kind}.csv`)
      .option('--observed-at <time>', 'when the data was observed (default: now)')
      .option('--dry-run', 'show what would change and write nothing')
      .option('--delimiter <c>', 'field separator (default: detected from the header)')
      .option('--encoding <e>', 'utf-8 (default) or windows-1251')
      .option('--ignore-unknown', 'skip unknown columns instead of refusing the file')
      .option('--json', 'print the summary as JSON');
    if (kind === 'devices')
      c.option('--format <f>', `source format: ${SOURCE_FORMATS.join(', ')}`, 'native')
        .option('--source <name>', 'the system the file comes from (default: the format)')
        .option('--sync', "the source's devices missing from the file are not reported since")
        .option('--map <file>', 'a YAML map of columns and values, for any other register');
    c.action(async (file: string, flags: ImportFlags, cmd: Command) => {
      if (flags.format && !(SOURCE_FORMATS as readonly string[]).includes(flags.format)) {
        throw invalidInput(`unknown format ${flags.format}`, [
          {
            where: '--format',
            value: flags.format,
            code: 'not_one_of',
            params: { values: SOURCE_FORMATS.join(', ') },
            message: `known formats: ${SOURCE_FORMATS.join(', ')}`,
          },
        ]);
      }
      const map = flags.map
        ? parseSourceMap(readInput(flags.map).toString('utf8'), basename(flags.map))
        : undefined;
      const bytes = readInput(file);
      await withApp(cmd, ctx, async (app) => {
        const o = {
          fileName: basename(file),
          actor: await loader(app, cmd),
          ...(flags.observedAt !== undefined ? { observedAt: flags.observedAt } : {}),
          dryRun: flags.dryRun === true,
          ...(flags.delimiter !== undefined ? { delimiter: flags.delimiter } : {}),
          ...(flags.encoding !== undefined ? { encoding: flags.encoding } : {}),
          ignoreUnknown: flags.ignoreUnknown === true,
          format: (flags.format ?? 'native') as SourceFormatName,
          ...(map ? { map } : {}),
          ...(flags.source !== undefined ? { source: flags.source } : {}),
          sync: flags.sync === true,
          progress: progressReporter(io, `importing ${kind}`),
        };
        const r =
          kind === 'people'
            ? await app.imports.importPeople(bytes, o)
            : await app.imports.importDevices(bytes, o);
        if (flags.json) {
          io.out(JSON.stringify(importSummary(r), null, 2) + '\n');
          return;
        }
        io.out(importLine(r));
        for (const u of r.unmatchedOwners)
          io.err(
            `no owner: ${o.fileName}:${u.line} device ${u.device}: no active person has the e-mail ${u.email}\n`,
          );
        for (const n of r.notReported)
          io.err(`not reported since ${n.since}: device ${n.device} (still counted)\n`);
        for (const c of r.conflicts)
          io.err(`conflict: ${o.fileName}:${c.line} device ${c.device}: ${c.message}\n`);
        for (const e of r.findings.errors) {
          io.err(`warning: ${e.mandate}: target failed for device ${e.device}: ${e.error}\n`);
        }
      });
    });
  }

  program
    .command('apply')
    .description('apply mandate documents from a YAML file (all or nothing)')
    .requiredOption('-f, --file <file>', 'the YAML file')
    .option('--dry-run', 'show what would open and close, and write nothing')
    .option('--effective-at <time>', 'when a later version takes effect (default: now)')
    .option('--reinstate', 'apply a withdrawn mandate again')
    .action(
      async (
        flags: { file: string; dryRun?: boolean; effectiveAt?: string; reinstate?: boolean },
        cmd: Command,
      ) => {
        const text = readInput(flags.file).toString('utf8');
        await withApp(cmd, ctx, async (app) => {
          const r = await app.mandates.apply(text, {
            fileName: basename(flags.file),
            // A dry run decides nothing: whoever runs it may try a file.
            actor: flags.dryRun ? await loader(app, cmd) : await decider(app, cmd),
            dryRun: flags.dryRun === true,
            reinstate: flags.reinstate === true,
            ...(flags.effectiveAt !== undefined ? { effectiveAt: flags.effectiveAt } : {}),
          });
          for (const l of r.lines) {
            io.out(
              `${r.dryRun ? '(dry run) ' : ''}${l.outcome} ${l.id} v${l.version} (+${l.opened} −${l.closed})\n`,
            );
            if (l.unownedMatches > 0)
              io.err(
                `warning: ${l.id}: ${l.unownedMatches} active device(s) with no owner match the target, and no unit holds them: unassigned, never caught (give them an owner or a unit)\n`,
              );
          }
          for (const w of r.warnings) io.err(`warning: ${w}\n`);
          for (const e of r.errors)
            io.err(`warning: ${e.mandate}: target failed for device ${e.device}: ${e.error}\n`);
        });
      },
    );

  program
    .command('withdraw <mandate>')
    .description('withdraw a mandate: its open findings close')
    .option('--effective-at <time>', 'when the withdrawal takes effect (default: now)')
    .action(async (id: string, flags: { effectiveAt?: string }, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const r = await app.mandates.withdraw(id, {
          actor: await decider(app, cmd),
          ...(flags.effectiveAt !== undefined ? { effectiveAt: flags.effectiveAt } : {}),
        });
        io.out(`withdrawn ${r.id} at ${r.withdrawnAt} (−${r.closed})\n`);
      });
    });

  program
    .command('attest <mandate> <phase>')
    .description(
      'attest that a phase is done, for a unit (by its head) or a person (by themselves)',
    )
    .option('--unit <path>', 'the unit attested for')
    .option('--person <id>', 'the person attested for')
    .requiredOption('--by <id>', 'who attests (a person id)')
    .option('--note <text>', 'a note kept with the attestation')
    .action(
      async (
        mandate: string,
        phase: string,
        flags: { unit?: string; person?: string; by: string; note?: string },
        cmd: Command,
      ) => {
        if ((flags.unit === undefined) === (flags.person === undefined)) {
          throw invalidInput('give exactly one of --unit and --person', [
            { where: '--unit/--person', code: 'exactly_one', message: 'exactly one is required' },
          ]);
        }
        await withApp(cmd, ctx, async (app) => {
          const r = await app.attestations.attest({
            mandate,
            phase,
            by: flags.by,
            actor: await decider(app, cmd),
            ...(flags.unit ? { unit: flags.unit } : {}),
            ...(flags.person ? { person: flags.person } : {}),
            ...(flags.note ? { note: flags.note } : {}),
          });
          io.out(
            r.created
              ? `attested ${mandate}/${phase} at ${r.attestedAt}\n`
              : `already attested at ${r.attestedAt}: nothing changed\n`,
          );
        });
      },
    );

  const settings = program.command('settings').description('organisation settings');
  settings
    .command('timezone [zone]')
    .description('show or set the organisation time zone (IANA name)')
    .action(async (zone: string | undefined, _flags: unknown, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        if (zone === undefined) io.out(`${await app.settings.getTimeZone()}\n`);
        else {
          const r = await app.settings.setTimeZone(zone, await decider(app, cmd));
          io.out(
            r.from === r.to
              ? `time zone is ${r.to}: nothing changed\n`
              : `time zone ${r.from} → ${r.to}\n`,
          );
        }
      });
    });

  settings
    .command('source-priority [field] [sources]')
    .description(
      'show, or set, which sources a device field is taken from first (comma-separated, e.g. intune,jamf; empty: the source that changed it last)',
    )
    .action(
      async (field: string | undefined, sources: string | undefined, _f: unknown, cmd: Command) => {
        await withApp(cmd, ctx, async (app) => {
          const all =
            field === undefined
              ? await app.settings.getSourcePriority()
              : await app.settings.setSourcePriority(
                  field,
                  (sources ?? '').split(','),
                  await decider(app, cmd),
                );
          const lines = Object.entries(all).map(([f, s]) => `${f}: ${s.join(', ')}\n`);
          io.out(
            lines.length > 0 ? lines.join('') : 'every field: the source that changed it last\n',
          );
        });
      },
    );

  const audit = program.command('audit').description('the audit chain and its signed checkpoints');
  const keyOption = (what: string) =>
    new Option('--key <file>', `the audit key, a PEM file (${what})`).env(
      'PHASEOUT_AUDIT_KEY_FILE',
    );
  audit
    .command('verify')
    .description(
      'recompute the chain, name the first broken entry and print the head; with --checkpoint, also show the log neither shorter nor rewritten since each checkpoint',
    )
    .option(
      '--checkpoint <file...>',
      'checkpoints made by `audit checkpoint` to check the log against',
    )
    .addOption(keyOption('its public or private key, to check the checkpoints’ signatures'))
    .action(async (flags: { checkpoint?: string[]; key?: string }, cmd: Command) => {
      const checkpoints = (flags.checkpoint ?? []).map((file) => ({
        file,
        c: readCheckpoint(file),
      }));
      if (checkpoints.length > 0 && !flags.key)
        throw invalidInput('checking a checkpoint needs the audit key', [
          {
            where: '--key',
            code: 'required',
            message: 'give the key (public or private) or set PHASEOUT_AUDIT_KEY_FILE',
          },
        ]);
      const key = flags.key ? readAuditKey(flags.key, '--key', 'any') : null;
      await withApp(cmd, ctx, async (app) => {
        const r = await app.audit.verify();
        if (r.ok) {
          io.out(`ok: ${r.entries} entries\n`);
          if (r.head) io.out(`head: seq ${r.head.seq} hash ${r.head.hash}\n`);
        } else {
          io.out(`broken at entry ${r.broken!.seq}: ${r.broken!.reason}\n`);
          if (r.head) io.out(`last good: seq ${r.head.seq} hash ${r.head.hash}\n`);
        }
        const breaches: string[] = [];
        for (const { file, c } of checkpoints) {
          const breach = await app.audit.checkAgainst(c, key!);
          if (breach) breaches.push(`checkpoint ${file}: ${breach}`);
          io.out(
            breach
              ? `checkpoint ${file}: FAILED: ${breach}\n`
              : `checkpoint ${file}: ok (entry ${c.seq} of ${c.madeAt} is still there, unchanged)\n`,
          );
        }
        if (!r.ok) throw new AppError('internal', `audit chain broken at entry ${r.broken!.seq}`);
        if (breaches.length > 0)
          throw new AppError(
            'internal',
            `the audit log disagrees with ${breaches.length} checkpoint(s)`,
          );
      });
    });
  audit
    .command('checkpoint')
    .description(
      'sign the log’s length and head with the audit key and write it to FILE (default: PHASEOUT_AUDIT_CHECKPOINT_DIR or ./data/checkpoints); keep it away from the database',
    )
    .argument('[file]', 'where to write the checkpoint')
    .addOption(keyOption('the private key, never stored in the database'))
    .action(async (file: string | undefined, flags: { key?: string }, cmd: Command) => {
      if (!flags.key)
        throw invalidInput('signing a checkpoint needs the audit key', [
          {
            where: '--key',
            code: 'required',
            message:
              'set PHASEOUT_AUDIT_KEY_FILE or give --key (make one: phaseout audit keygen FILE)',
          },
        ]);
      const key = readAuditKey(flags.key, '--key', 'private');
      await withApp(cmd, ctx, async (app) => {
        const c = await app.audit.checkpoint(key);
        const target = file ?? checkpointPath(process.env.PHASEOUT_AUDIT_CHECKPOINT_DIR, c);
        writeCheckpoint(target, c);
        io.out(
          `checkpoint: ${c.seq} entries, head ${c.hash}, signed by key ${c.keyId.slice(0, 16)} → ${target}\n`,
        );
      });
    });
  audit
    .command('keygen')
    .description(
      'make a new Ed25519 audit key (private PEM, readable by you only) and print its public key',
    )
    .argument('<file>', 'where to write the private key; it must not exist')
    .action((file: string) => {
      let pub: string;
      try {
        pub = writeNewAuditKey(file);
      } catch (e) {
        throw invalidInput(`cannot write ${file}`, [
          {
            where: 'FILE',
            value: file,
            code: 'unwritable_file',
            message: (e as NodeJS.ErrnoException).code ?? 'unwritable',
          },
        ]);
      }
      io.out(`private key written to ${file}; give verifiers the public key:\n${pub}`);
    });

  program
    .command('demo')
    .description('load the demo organisation into an empty database (or reload its own)')
    .option(
      '--language <language>',
      `the demo's language: ${LANGUAGES.join(' or ')} (or PHASEOUT_LANGUAGE; default en)`,
    )
    .action(async (flags: { language?: string }, cmd: Command) => {
      const language = flags.language ?? process.env.PHASEOUT_LANGUAGE ?? 'en';
      if (!(LANGUAGES as readonly string[]).includes(language))
        throw invalidInput(`unknown language ${language}`, [
          {
            where: '--language',
            value: language,
            code: 'not_one_of',
            params: { values: LANGUAGES.join(', ') },
            message: `use ${LANGUAGES.join(' or ')}`,
          },
        ]);
      await withApp(cmd, ctx, async (app) => {
        const r = await app.demo.load(language as Language);
        io.out(
          r.loaded
            ? `demo loaded: ${r.people} people, ${r.devices} devices\n`
            : `the demo is already loaded: nothing changed\n`,
        );
      });
    });
}
