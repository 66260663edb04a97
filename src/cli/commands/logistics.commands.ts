import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { invalidInput } from '../../domain/errors.js';
import { ORDER_STATES } from '../../domain/replacement.rules.js';
import type { OrderView } from '../../services/replacement.service.js';
import { formatTable } from '../format.js';
import type { CliContext } from '../main.js';
import { account, csvOut, format, positiveInt, reader, withApp } from './shared.js';

function readText(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw invalidInput(`cannot read ${file}`, [
      { where: file, code: 'unreadable_file', message: (err as Error).message },
    ]);
  }
}

const ORDER_COLUMNS = [
  'id',
  'state',
  'device',
  'person',
  'unit',
  'item',
  'newDevice',
  'requestedAt',
];
const orderRow = (o: OrderView): string[] =>
  [o.id, o.state, o.device, o.person, o.unit, o.item, o.newDevice ?? '', o.requestedAt].map(String);

/** `catalogue`, `stock`, `replacements` and `sanitisation`: replacement logistics. */
export function registerLogisticsCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const json = (v: unknown) => io.out(`${JSON.stringify(v, null, 2)}\n`);

  const cat = program.command('catalogue').description('approved replacement models');
  cat
    .command('list')
    .description('catalogue items, the mandates that offer them, their stock')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const items = await app.replacements.catalogue(reader());
        if (flags.json) return json(items);
        io.out(
          formatTable(
            ['id', 'class', 'platform', 'manufacturer', 'model', 'offeredBy', 'free', 'reserved'],
            items.map((i) => [
              i.id,
              i.class,
              i.platform,
              i.manufacturer,
              i.model,
              i.offeredBy.join(' '),
              String(i.stock.free),
              String(i.stock.reserved),
            ]),
          ),
        );
      });
    });
  cat
    .command('set <id>')
    .description('create or change a catalogue item')
    .requiredOption('--class <class>', 'device class, e.g. smartphone')
    .requiredOption('--platform <platform>', 'platform, e.g. aurora')
    .requiredOption('--manufacturer <text>', 'manufacturer')
    .requiredOption('--model <text>', 'model')
    .option('--notes <text>', 'notes')
    .option(
      '--purposes <list>',
      'what a unit is issued for: official, personal, or both comma-separated (default: as before, else official)',
    )
    .option('--withdrawn', 'no longer offered')
    .action(
      async (
        id: string,
        f: {
          class: string;
          platform: string;
          manufacturer: string;
          model: string;
          notes?: string;
          purposes?: string;
          withdrawn?: boolean;
          as: string;
        },
        cmd: Command,
      ) => {
        await withApp(cmd, ctx, async (app) => {
          const item = await app.replacements.putItem(await account(app, cmd), id, {
            class: f.class,
            platform: f.platform,
            manufacturer: f.manufacturer,
            model: f.model,
            notes: f.notes ?? null,
            active: f.withdrawn !== true,
            ...(f.purposes !== undefined
              ? {
                  purposes: f.purposes
                    .split(/[,;]/)
                    .map((x) => x.trim())
                    .filter(Boolean),
                }
              : {}),
          });
          io.out(
            `${item.id}: ${item.manufacturer} ${item.model} (${item.platform}), issued for ${item.purposes.join(' and ')} use\n`,
          );
        });
      },
    );

  const stock = program.command('stock').description('replacement stock');
  stock
    .command('list')
    .description('units per item and location: total, reserved, free')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const rows = (await app.replacements.stock(reader(), { limit: Infinity })).items;
        if (flags.json) return json(rows);
        io.out(
          formatTable(
            ['item', 'location', 'total', 'reserved', 'free'],
            rows.map((r) => [
              r.item,
              r.location,
              String(r.total),
              String(r.reserved),
              String(r.free),
            ]),
          ),
        );
      });
    });
  stock
    .command('receive <file>')
    .description('receive units from a CSV id,item,location,serial,imei (all or nothing)')
    .option('--dry-run', 'check the file and write nothing')
    .action(async (file: string, f: { as: string; dryRun?: boolean }, cmd: Command) => {
      const csv = readText(file);
      await withApp(cmd, ctx, async (app) => {
        const r = await app.replacements.receive(
          await account(app, cmd),
          { csv },
          f.dryRun === true,
        );
        io.out(
          `${r.dryRun ? 'would receive' : 'received'} ${r.received} units at ${r.locations.join(', ')}\n`,
        );
      });
    });

  const rep = program.command('replacements').description('replacement orders');
  rep
    .command('list')
    .description('orders, newest first; or counted by unit and state')
    .option('--state <states>', `states, comma-separated: ${ORDER_STATES.join(', ')}`)
    .option('--unconfirmed', 'only issued devices whose receipt is not confirmed')
    .option('--by-unit', 'count by unit and state')
    .option('--depth <n>', 'unit levels for --by-unit (default 3)', positiveInt('--depth'))
    .option('--format <f>', 'table, csv or json', 'table')
    .action(
      async (
        f: {
          state?: string;
          unconfirmed?: boolean;
          byUnit?: boolean;
          depth?: number;
          format?: string;
        },
        cmd: Command,
      ) => {
        const fmt = format(f.format);
        await withApp(cmd, ctx, async (app) => {
          if (f.byUnit) {
            const rows = await app.replacements.byUnit(reader(), f.depth ?? 3);
            if (fmt === 'json') return json(rows);
            if (fmt === 'csv') return csvOut(io, cmd, app.replacements.byUnitCsv(rows));
            return io.out(
              formatTable(
                ['unit', ...ORDER_STATES, 'total'],
                rows.map((r) => [
                  r.unit,
                  ...ORDER_STATES.map((s) => String(r.counts[s])),
                  String(r.total),
                ]),
              ),
            );
          }
          const orders = await app.replacements.list(reader(), {
            ...(f.state ? { state: f.state.split(',') } : {}),
            ...(f.unconfirmed ? { unconfirmed: true } : {}),
          });
          if (fmt === 'json') return json(orders);
          if (fmt === 'csv') return csvOut(io, cmd, app.replacements.listCsv(orders));
          io.out(formatTable(ORDER_COLUMNS, orders.map(orderRow)));
        });
      },
    );
  rep
    .command('shortage')
    .description(
      'per mandate: caught devices without an order against free stock, the pace of handovers, warnings',
    )
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const s = await app.replacements.shortage(reader());
        if (flags.json) return json(s);
        io.out(
          formatTable(
            [
              'mandate',
              'due',
              'open',
              'withoutOrder',
              'awaitingApproval',
              'available',
              'shortfall',
              'perDay',
              'done',
            ],
            s.mandates.map((m) => [
              m.mandate,
              m.due ?? '',
              String(m.open),
              String(m.withoutOrder),
              String(m.awaitingApproval),
              String(m.available),
              String(m.shortfall),
              String(m.ratePerDay),
              m.projectedCompletion?.slice(0, 10) ?? '',
            ]),
          ),
        );
        for (const m of s.mandates)
          for (const w of m.warningText) io.err(`warning: ${m.mandate}: ${w}\n`);
      });
    });
  for (const step of ['approve', 'issue', 'return'] as const) {
    const c = rep
      .command(`${step} <file>`)
      .description(
        `${step} many orders from a CSV with a column order or device (the old device), and place; all or nothing`,
      )
      .option('--place <place>', 'where the handover happens');
    if (step === 'issue') c.option('--swap', 'take the old devices back in the same step');
    if (step === 'approve') c.option('--location <location>', 'the stock location to reserve from');
    c.action(
      async (
        file: string,
        f: { as: string; place?: string; swap?: boolean; location?: string },
        cmd: Command,
      ) => {
        const csv = readText(file);
        await withApp(cmd, ctx, async (app) => {
          const r = await app.replacements.bulk(
            await account(app, cmd),
            step,
            { csv },
            {
              ...(f.place ? { place: f.place } : {}),
              ...(f.swap ? { swap: true } : {}),
              ...(f.location ? { location: f.location } : {}),
            },
          );
          for (const o of r.done) io.out(`${o.id} ${o.state} ${o.device} ${o.newDevice ?? ''}\n`);
        });
      },
    );
  }

  const san = program.command('sanitisation').description('NIST SP 800-88 sanitisation records');
  san
    .command('record <devices...>')
    .description('record a sanitisation of one device or a batch; someone else verifies it')
    .requiredOption('--method <m>', 'clear, purge or destroy')
    .requiredOption('--tool <text>', 'the product and version used')
    .requiredOption('--on <day>', 'the day it was done (YYYY-MM-DD)')
    .option('--place <text>', 'where')
    .option('--certificate <number>', 'your own certificate number (default: SAN-YEAR-ID)')
    .option('--notes <text>', 'notes')
    .option('--technique <text>', 'e.g. cryptographic erase, block erase, overwrite, shred')
    .option('--verification <v>', 'full, quick-sampling or other (default: full)')
    .option(
      '--destination <d>',
      'internal-reuse, external-reuse, recycling, manufacturer or destroyed (default by method)',
    )
    .action(
      async (
        devices: string[],
        f: {
          method: string;
          tool: string;
          on: string;
          place?: string;
          certificate?: string;
          notes?: string;
          technique?: string;
          verification?: string;
          destination?: string;
          as: string;
        },
        cmd: Command,
      ) => {
        await withApp(cmd, ctx, async (app) => {
          const s = await app.sanitisations.record(await account(app, cmd), {
            devices,
            method: f.method,
            tool: f.tool,
            performedOn: f.on,
            ...(f.place ? { place: f.place } : {}),
            ...(f.certificate ? { certificate: f.certificate } : {}),
            ...(f.notes ? { notes: f.notes } : {}),
            ...(f.technique ? { technique: f.technique } : {}),
            ...(f.verification ? { verification: f.verification } : {}),
            ...(f.destination ? { destination: f.destination } : {}),
          });
          io.out(
            `${s.id} ${s.certificate} recorded: ${s.devices.length} devices, awaiting verification\n`,
          );
        });
      },
    );
  san
    .command('verify <id>')
    .description('verify a record (not its operator): its devices become wiped or destroyed')
    .action(async (id: string, f: { as: string }, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const s = await app.sanitisations.verify(await account(app, cmd), positiveInt('<id>')(id));
        io.out(`${s.id} ${s.certificate} verified by ${s.verifier}\n`);
      });
    });
  san
    .command('list')
    .description('sanitisation records, newest first')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, ctx, async (app) => {
        const rows = (await app.sanitisations.list(reader(), { limit: Infinity })).items;
        if (flags.json) return json(rows);
        io.out(
          formatTable(
            [
              'id',
              'certificate',
              'method',
              'performedOn',
              'devices',
              'state',
              'operator',
              'verifier',
            ],
            rows.map((s) => [
              String(s.id),
              s.certificate,
              s.method,
              s.performedOn,
              String(s.devices.length),
              s.state,
              s.operator,
              s.verifier ?? '',
            ]),
          ),
        );
      });
    });
  san
    .command('certificate <id>')
    .description('write the certificate of a verified record as PDF')
    .requiredOption('-o, --output <file>', 'the PDF file to write')
    .option('--lang <lang>', 'en or ru', 'en')
    .action(async (id: string, f: { output: string; lang: string }, cmd: Command) => {
      if (f.lang !== 'en' && f.lang !== 'ru')
        throw invalidInput(`unknown language ${f.lang}`, [
          {
            where: '--lang',
            value: f.lang,
            code: 'not_one_of',
            params: { values: 'en, ru' },
            message: 'use en or ru',
          },
        ]);
      const lang = f.lang;
      await withApp(cmd, ctx, async (app) => {
        const c = await app.sanitisations.certificate(reader(), positiveInt('<id>')(id), lang);
        writeFileSync(f.output, c.pdf);
        io.out(`${c.certificate} written to ${f.output}\n`);
      });
    });
}
