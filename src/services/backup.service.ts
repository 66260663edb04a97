import { z } from 'zod';
import { AppError, invalidInput } from '../domain/errors.js';
import { formatInstant } from '../domain/time.js';
import type { Clock } from '../adapters/clock.js';
import type { Store } from '../store/database.js';
import { getAuditHead } from '../store/audit.repository.js';
import {
  continueSequences,
  countRows,
  inSnapshot,
  insertRows,
  phaseoutTables,
  readTable,
} from '../store/backup.repository.js';
import { writeTransaction } from '../store/transaction.js';
import { recordAudit, verifyAudit } from './audit.service.js';

/**
 * A backup is JSON lines: a header, then per table a line naming its columns followed by one
 * line per row (values in column order; bytes as `{"$bytes": base64}`), then a trailer with
 * every table's count and the audit log's head. The same file restores into SQLite or
 * PostgreSQL (so it also moves an organisation from one to the other).
 */
const FORMAT = 'phaseout-backup';

const Header = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  madeAt: z.string(),
  from: z.enum(['sqlite', 'postgres']),
});
const TableLine = z.object({ table: z.string(), columns: z.array(z.string()) });
const Trailer = z.object({
  end: z.literal(true),
  counts: z.record(z.string(), z.number()),
  audit: z.object({ seq: z.number(), hash: z.string() }).nullable(),
});

const encode = (v: unknown): unknown =>
  v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString('base64') } : v;
const decode = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && '$bytes' in v
    ? Buffer.from(String(v.$bytes), 'base64')
    : v;

export interface BackupSummary {
  tables: number;
  rows: number;
  audit: { seq: number; hash: string } | null;
}

/** Backup and restore of the whole database (`phaseout backup FILE`, `phaseout restore FILE`). */
export function makeBackupService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  return {
    /** Writes every table from one consistent snapshot, while the server goes on serving. */
    async backup(write: (line: string) => Promise<void>): Promise<BackupSummary> {
      return inSnapshot(store, async (tx) => {
        await write(
          JSON.stringify({
            format: FORMAT,
            version: 1,
            madeAt: formatInstant(clock.now()),
            from: store.dialect,
          }),
        );
        const counts: Record<string, number> = {};
        let rows = 0;
        const tables = await phaseoutTables(tx, store.dialect);
        for (const table of tables) {
          let columns: string[] | null = null;
          counts[table] = 0;
          for await (const batch of readTable(tx, store.dialect, table)) {
            if (!columns) {
              columns = Object.keys(batch[0]!);
              await write(JSON.stringify({ table, columns }));
            }
            const cols = columns;
            await write(batch.map((r) => JSON.stringify(cols.map((c) => encode(r[c])))).join('\n'));
            counts[table] += batch.length;
            rows += batch.length;
          }
        }
        const head = await getAuditHead(tx);
        const audit = head ? { seq: head.seq, hash: head.hash } : null;
        await write(JSON.stringify({ end: true, counts, audit }));
        return { tables: tables.length, rows, audit };
      });
    },

    /**
     * Restores a backup into an empty database, all or nothing: a file cut short, of another
     * kind, or a database that holds data is refused and nothing is written. The audit chain
     * is verified after, and the restore is its next entry.
     */
    async restore(lines: AsyncIterable<string>, actor: string): Promise<BackupSummary> {
      const tables = await phaseoutTables(store.db, store.dialect);
      const holding: string[] = [];
      for (const t of tables) if ((await countRows(store.db, t)) > 0) holding.push(t);
      if (holding.length > 0)
        throw invalidInput('restore needs an empty database', [
          {
            where: '--db',
            code: 'database_not_empty',
            params: { tables: holding.join(', ') },
            message: `holds data already: ${holding.join(', ')}`,
          },
        ]);
      const known = new Set(tables);
      const summary = await writeTransaction(store, async (tx) => {
        const counts: Record<string, number> = {};
        let current: { table: string; columns: string[]; rows: unknown[][] } | null = null;
        let header = false;
        let trailer: z.infer<typeof Trailer> | null = null;
        let n = 0;
        const flush = async (): Promise<void> => {
          if (!current || current.rows.length === 0) return;
          await insertRows(tx, current.table, current.columns, current.rows);
          counts[current.table] = (counts[current.table] ?? 0) + current.rows.length;
          current.rows = [];
        };
        for await (const text of lines) {
          n++;
          if (text === '') continue;
          if (trailer) throw refuse(n, 'there is more after the end of the backup');
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            throw refuse(n, 'is not JSON: the file is damaged');
          }
          if (!header) {
            if (!Header.safeParse(value).success)
              throw refuse(n, `is not the header of a ${FORMAT} file (version 1)`);
            header = true;
          } else if (Array.isArray(value)) {
            if (!current) throw refuse(n, 'a row before any table');
            if (value.length !== current.columns.length)
              throw refuse(n, `has ${value.length} values for ${current.columns.length} columns`);
            current.rows.push(value.map(decode));
            if (current.rows.length >= 5000) await flush();
          } else if (TableLine.safeParse(value).success) {
            await flush();
            const t = TableLine.parse(value);
            if (!known.has(t.table))
              throw refuse(
                n,
                `names table ${t.table}, which this version of phaseout does not have`,
              );
            current = { ...t, rows: [] };
          } else if (Trailer.safeParse(value).success) {
            await flush();
            trailer = Trailer.parse(value);
          } else throw refuse(n, 'is neither a table, a row nor the end');
        }
        if (!header) throw refuse(1, `the file is empty, not a ${FORMAT} file`);
        if (!trailer) throw refuse(n, 'the file ends before the backup does: it was cut short');
        for (const [t, c] of Object.entries(trailer.counts))
          if ((counts[t] ?? 0) !== c)
            throw refuse(n, `table ${t} has ${counts[t] ?? 0} rows where the backup had ${c}`);
        for (const t of tables) await continueSequences(tx, store.dialect, t);
        const head = await getAuditHead(tx);
        const audit = head ? { seq: head.seq, hash: head.hash } : null;
        if (JSON.stringify(audit) !== JSON.stringify(trailer.audit))
          throw refuse(n, 'the audit log restored does not end where the backup said');
        const rows = Object.values(counts).reduce((a, b) => a + b, 0);
        await recordAudit(tx, clock.now(), {
          actor,
          action: 'backup.restore',
          object: 'database',
          change: { rows, auditHead: audit },
        });
        return { tables: Object.keys(counts).length, rows, audit };
      });
      const verified = await verifyAudit(store.db);
      if (!verified.ok)
        throw new AppError(
          'internal',
          `restored, but the audit chain breaks at entry ${verified.broken!.seq}: ${verified.broken!.reason}`,
        );
      return summary;
    },
  };
}

const refuse = (line: number, message: string): AppError =>
  invalidInput(`the backup cannot be restored; nothing was written`, [
    { where: `line ${line}`, code: 'backup_unreadable', message },
  ]);
