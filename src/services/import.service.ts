import { createHash } from 'node:crypto';
import { decodeCsv, parseCsv, parseCsvChunks, type CsvOptions } from '../adapters/csv.js';
import type { Clock } from '../adapters/clock.js';
import { DEVICE_FIELDS, type Device } from '../domain/device.model.js';
import {
  checkDeviceHeader,
  readDeviceRows,
  type DeviceRow,
} from '../domain/devices.import-rules.js';
import { invalidInput, type Problem } from '../domain/errors.js';
import { PERSON_FIELDS, type Person } from '../domain/person.model.js';
import { readPeopleRows } from '../domain/people.import-rules.js';
import { formatInstant } from '../domain/time.js';
import type { Store } from '../store/database.js';
import {
  deviceToRow,
  getDeviceIdsByOwners,
  getDevicesByIds,
  hasNoDevices,
  type StoredDevice,
  insertDevices,
  touchDevices,
  updateDevice,
} from '../store/devices.repository.js';
import {
  getExistingPersonIds,
  getPeopleByIds,
  getPersonIdsByEmail,
  insertPeople,
  personToRow,
  touchPeople,
  updatePerson,
} from '../store/people.repository.js';
import type { Db, DevicesTable, PeopleTable } from '../store/schema.js';
import { workflowDevices } from '../store/replacement.repository.js';
import { getStatedDevices } from '../store/statements.repository.js';
import { deferIndexes, Rollback, writeTransaction } from '../store/transaction.js';
import { NO_OFFICIAL_USE } from './record.service.js';
import { ensureUnits, getUnitsHeadedBy, setUnitHeads } from '../store/units.repository.js';
import { recordAudit } from './audit.service.js';
import { loadActiveMandates, reevaluateDevices, type EvalOutcome } from './evaluation.service.js';
import {
  advanceObservationClock,
  checkObservationTime,
  getTimeZone,
  readTime,
} from './settings.service.js';

export interface ImportOptions extends CsvOptions {
  fileName: string;
  observedAt?: string;
  dryRun?: boolean;
  ignoreUnknown?: boolean;
  actor: string;
  progress?: (done: number, total: number) => void;
}

/** What an import did (or, in a dry run, would do). */
export interface ImportResult {
  kind: 'people' | 'devices';
  observedAt: string;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  unitsCreated: number;
  /** Rows applied against something phaseout recorded itself, to be looked at. */
  conflicts: { line: number; device: string; message: string }[];
  findings: EvalOutcome;
}

/** Field values are scalars or lists of strings: lists compare item by item, in order. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

function sameFields<T>(a: T, b: T, fields: readonly (keyof T)[]): boolean {
  for (const f of fields) if (!sameValue(a[f], b[f])) return false;
  return true;
}

/** CSV imports of people and devices: all or nothing, upserts by id. */
export function makeImportService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  async function run(
    kind: 'people' | 'devices',
    bytes: Buffer,
    o: ImportOptions,
    apply: (
      tx: Parameters<Parameters<typeof writeTransaction>[1]>[0],
      at: number,
    ) => Promise<
      Omit<ImportResult, 'kind' | 'observedAt' | 'dryRun' | 'findings'> & {
        affectedDevices: string[];
      }
    >,
  ): Promise<ImportResult> {
    const digest = createHash('sha256').update(bytes).digest('hex');
    return writeTransaction(store, async (tx) => {
      const zone = await getTimeZone(tx);
      const now = clock.now();
      const at = o.observedAt !== undefined ? readTime(o.observedAt, zone, '--observed-at') : now;
      await checkObservationTime(tx, at, now, '--observed-at');
      const counts = await apply(tx, at);
      await advanceObservationClock(tx, at);
      const mandates = await loadActiveMandates(tx, zone);
      const findings = await reevaluateDevices(tx, counts.affectedDevices, at, mandates);
      const { affectedDevices: _a, ...rest } = counts;
      const result: ImportResult = {
        kind,
        observedAt: formatInstant(at),
        dryRun: o.dryRun === true,
        ...rest,
        findings,
      };
      await recordAudit(tx, now, {
        actor: o.actor,
        action: `import.${kind}`,
        object: o.fileName,
        change: {
          fileDigest: digest,
          observedAt: at,
          created: rest.created,
          updated: rest.updated,
          unchanged: rest.unchanged,
        },
      });
      if (o.dryRun) throw new Rollback(result);
      return result;
    });
  }

  return {
    /** Imports a people CSV (DESIGN §6). */
    importPeople(bytes: Buffer, o: ImportOptions): Promise<ImportResult> {
      const table = parseCsv(decodeCsv(bytes, o.encoding), o.fileName, o);
      return run('people', bytes, o, async (tx, at) => {
        const ids = table.rows.map((r) => (r.cells[table.header.indexOf('id')] ?? '').trim());
        const supIdx = table.header.indexOf('supervisor');
        const supervisors =
          supIdx < 0 ? [] : table.rows.map((r) => (r.cells[supIdx] ?? '').trim()).filter(Boolean);
        const emailIdx = table.header.indexOf('email');
        const emails =
          emailIdx < 0
            ? []
            : table.rows.map((r) => (r.cells[emailIdx] ?? '').trim().toLowerCase()).filter(Boolean);
        const stored = await getPeopleByIds(tx, [...ids, ...supervisors]);
        const emailOwners = await getPersonIdsByEmail(tx, emails);
        const { rows, problems } = readPeopleRows(
          table,
          o.fileName,
          { exists: (id) => stored.has(id), emailOwner: (e) => emailOwners.get(e) },
          o.ignoreUnknown === true,
        );
        if (problems.length > 0)
          throw invalidInput(
            `${o.fileName}: ${problems.length} problem(s); nothing was imported`,
            problems,
          );
        const unitsCreated = await ensureUnits(
          tx,
          rows.map((r) => r.fields.unit).concat(rows.flatMap((r) => (r.headOf ? [r.headOf] : []))),
          at,
        );
        const inserts: PeopleTable[] = [];
        const touched: string[] = [];
        const changed: string[] = [];
        let updated = 0;
        for (const [i, row] of rows.entries()) {
          if (i % 10_000 === 0) o.progress?.(i, rows.length);
          const before = stored.get(row.id);
          const email = row.fields.email?.toLowerCase() ?? row.fields.email;
          const merged: Person = {
            id: row.id,
            name: row.fields.name,
            email: email !== undefined ? email : (before?.email ?? null),
            unit: row.fields.unit,
            title: row.fields.title !== undefined ? row.fields.title : (before?.title ?? null),
            supervisor:
              row.fields.supervisor !== undefined
                ? row.fields.supervisor
                : (before?.supervisor ?? null),
            tags: row.fields.tags ?? before?.tags ?? [],
            active: row.fields.active ?? before?.active ?? true,
          };
          if (!before) inserts.push(personToRow(merged, { created: at, changed: at, seen: at }));
          else if (sameFields(before, merged, PERSON_FIELDS)) touched.push(row.id);
          else {
            await updatePerson(
              tx,
              personToRow(merged, { created: before.createdAt, changed: at, seen: at }),
            );
            changed.push(row.id);
            updated++;
          }
        }
        await insertPeople(tx, inserts);
        await touchPeople(tx, touched, at);
        await applyHeads(tx, rows);
        o.progress?.(rows.length, rows.length);
        const affectedDevices = await getDeviceIdsByOwners(tx, changed);
        return {
          rows: rows.length,
          created: inserts.length,
          updated,
          unchanged: touched.length,
          unitsCreated,
          conflicts: [],
          affectedDevices,
        };
      });
    },

    /**
     * Imports a devices CSV (DESIGN §6), chunk by chunk inside one transaction so that memory
     * stays bounded; the first bad row stops the writing, the rest is still checked and listed.
     */
    importDevices(bytes: Buffer, o: ImportOptions): Promise<ImportResult> {
      const csv = parseCsvChunks(decodeCsv(bytes, o.encoding), o.fileName, o);
      return run('devices', bytes, o, async (tx, at) => {
        const headerProblems = checkDeviceHeader(csv.header, o.fileName, o.ignoreUnknown === true);
        if (headerProblems.length > 0) {
          throw invalidInput(
            `${o.fileName}: the header is refused; nothing was imported`,
            headerProblems,
          );
        }
        const ownerIdx = csv.header.indexOf('owner');
        // A large file checks owners against every stored id, read once.
        const allPeople =
          ownerIdx >= 0 && csv.approxRows > 20_000 ? await getExistingPersonIds(tx, 'all') : null;
        const seen = new Map<string, number>();
        const problems: Problem[] = [];
        const conflicts: ImportResult['conflicts'] = [];
        const counts = { rows: 0, created: 0, updated: 0, unchanged: 0 };
        const affected: string[] = [];
        // Into an empty table nothing can be stored already: no lookups (duplicates are refused).
        const wasEmpty = await hasNoDevices(tx);
        const indexes = deferIndexes(tx, 'devices', csv.approxRows);
        for (const chunk of csv.chunks()) {
          o.progress?.(counts.rows, csv.approxRows);
          const people =
            allPeople ??
            (ownerIdx < 0
              ? new Set<string>()
              : await getExistingPersonIds(
                  tx,
                  chunk.map((r) => (r.cells[ownerIdx] ?? '').trim()).filter(Boolean),
                ));
          const read = readDeviceRows(
            { header: csv.header, rows: chunk },
            o.fileName,
            (id) => people.has(id),
            o.ignoreUnknown === true,
            seen,
          );
          problems.push(...read.problems);
          counts.rows += read.rows.length;
          if (problems.length > 0) continue;
          await writeDeviceChunk(tx, read.rows, at, counts, affected, wasEmpty, conflicts);
        }
        if (problems.length > 0) {
          throw invalidInput(
            `${o.fileName}: ${problems.length} problem(s); nothing was imported`,
            problems,
          );
        }
        await indexes.restore();
        o.progress?.(counts.rows, counts.rows);
        return { ...counts, unitsCreated: 0, conflicts, affectedDevices: affected };
      });
    },
  };
}

const WORKFLOW_STATUSES: readonly string[] = ['in_stock', 'retired', 'wiped', 'destroyed'];

/** Upserts one chunk of valid device rows: inserts, changes, and last-seen for the unchanged. */
async function writeDeviceChunk(
  tx: Db,
  rows: DeviceRow[],
  at: number,
  counts: { created: number; updated: number; unchanged: number },
  affected: string[],
  wasEmpty: boolean,
  conflicts: ImportResult['conflicts'],
): Promise<void> {
  const stored = wasEmpty
    ? new Map<string, StoredDevice>()
    : await getDevicesByIds(
        tx,
        rows.map((r) => r.id),
      );
  const inserts: DevicesTable[] = [];
  const touched: string[] = [];
  // Devices whose official use this file restores although their owner stated it had ended.
  const restoring = rows
    .filter(
      (r) =>
        r.fields.purposes?.includes('official') &&
        stored.get(r.id)?.purposes.includes('official') === false,
    )
    .map((r) => r.id);
  const stated =
    restoring.length > 0
      ? await getStatedDevices(tx, NO_OFFICIAL_USE, restoring)
      : new Map<string, number>();
  // DESIGN §11: devices the replacement workflow holds keep their status and owner.
  const held = await workflowDevices(
    tx,
    rows.flatMap((r) => {
      const b = stored.get(r.id);
      return b && WORKFLOW_STATUSES.includes(b.status) ? [r.id] : [];
    }),
  );
  for (const row of rows) {
    const before = stored.get(row.id);
    const statedAt = stated.get(row.id);
    if (statedAt !== undefined && row.fields.purposes?.includes('official')) {
      conflicts.push({
        line: row.line,
        device: row.id,
        message: `restores official use, which its owner stated had ended on ${formatInstant(statedAt)}: a new finding opens`,
      });
    }
    const f = row.fields;
    const merged: Device = {
      id: row.id,
      owner: f.owner !== undefined ? f.owner : (before?.owner ?? null),
      class: f.class,
      platform: f.platform,
      osVersion: f.osVersion !== undefined ? f.osVersion : (before?.osVersion ?? null),
      manufacturer: f.manufacturer !== undefined ? f.manufacturer : (before?.manufacturer ?? null),
      model: f.model !== undefined ? f.model : (before?.model ?? null),
      serial: f.serial !== undefined ? f.serial : (before?.serial ?? null),
      imei: f.imei !== undefined ? f.imei : (before?.imei ?? null),
      ownership: f.ownership !== undefined ? f.ownership : (before?.ownership ?? null),
      purposes: f.purposes ?? before?.purposes ?? [],
      status: f.status ?? before?.status ?? 'active',
      apps: f.apps ?? before?.apps ?? [],
    };
    if (
      before &&
      held.has(row.id) &&
      (merged.status !== before.status || merged.owner !== before.owner)
    ) {
      conflicts.push({
        line: row.line,
        device: row.id,
        message: `is ${before.status} through phaseout's replacement workflow: the file's ${merged.status !== before.status ? `status ${merged.status}` : `owner ${merged.owner ?? '(none)'}`} is not taken`,
      });
      merged.status = before.status;
      merged.owner = before.owner;
    }
    if (!before) {
      inserts.push(deviceToRow(merged, { created: at, changed: at, seen: at }));
      affected.push(row.id);
    } else if (sameFields(before, merged, DEVICE_FIELDS)) touched.push(row.id);
    else {
      await updateDevice(
        tx,
        deviceToRow(merged, { created: before.createdAt, changed: at, seen: at }),
      );
      affected.push(row.id);
      counts.updated++;
    }
  }
  await insertDevices(tx, inserts);
  await touchDevices(tx, touched, at);
  counts.created += inserts.length;
  counts.unchanged += touched.length;
}

/** Applies head_of: each named unit gets its head; people of the file who head nothing now stop heading. */
async function applyHeads(
  tx: Parameters<typeof setUnitHeads>[0],
  rows: { id: string; headOf?: string | null }[],
): Promise<void> {
  const withColumn = rows.filter((r) => r.headOf !== undefined);
  if (withColumn.length === 0) return;
  const heads = new Map<string, string | null>();
  const current = await getUnitsHeadedBy(
    tx,
    withColumn.map((r) => r.id),
  );
  for (const c of current) heads.set(c.path, null);
  for (const r of withColumn) if (r.headOf) heads.set(r.headOf, r.id);
  await setUnitHeads(tx, heads);
}
