import { moveCustody } from './person.write.js';
import { getSourcePriority } from './settings.service.js';
import { createHash } from 'node:crypto';
import {
  decodeCsv,
  hasControlBytes,
  parseCsv,
  parseCsvChunks,
  type CsvOptions,
} from '../adapters/csv.js';
import type { Timings } from './timings.js';
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
  deviceFingerprint,
  deviceToRow,
  getDeviceFingerprints,
  getDeviceIdsByOwners,
  getDevicesByIds,
  hasNoDevices,
  touchDevices,
  type StoredDevice,
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
import type { Db, PeopleTable } from '../store/schema.js';
import {
  detectFormat,
  LAYOUTS,
  SOURCE_FORMATS,
  type SourceFormatName,
  type SourceLayout,
} from '../domain/source.formats.js';
import {
  getActivePeopleByEmail,
  markNotReported,
  recordSourceReports,
} from '../store/device-sources.repository.js';
import {
  sameFields,
  storeDeviceChanges,
  type DeviceChange,
  type ImportConflict,
} from './device-import.write.js';
import {
  checkSourceHeader,
  importSourceChunk,
  type SourceImportState,
  type UnmatchedOwner,
} from './source-import.js';
import { deferIndexes, Rollback, writeTransaction } from '../store/transaction.js';
import { ensureUnits, getUnitsHeadedBy, setUnitHeads } from '../store/units.repository.js';
import { recordAudit } from './audit.service.js';
import { loadActiveMandates, reevaluateDevices, type EvalOutcome } from './evaluation.service.js';
import {
  advanceObservationClock,
  checkObservationTime,
  getObservationClock,
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
  /** Devices: `native` (default), a product's export, or `auto` to tell from the header. */
  format?: SourceFormatName;
  /** Devices: a layout read from a `--map` file, instead of a format. */
  map?: SourceLayout;
  /** Devices: the name of the system the file comes from. */
  source?: string;
  /** Devices: the source's devices missing from the file are not reported since its time. */
  sync?: boolean;
}

/** What an import did (or, in a dry run, would do). */
export interface ImportResult {
  kind: 'people' | 'devices';
  observedAt: string;
  /** The file's own time when it was earlier than the latest observation (applied at that). */
  statedAt: string | null;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  unitsCreated: number;
  /** Rows applied against something phaseout recorded itself, to be looked at. */
  conflicts: ImportConflict[];
  /** Devices whose owner's e-mail matched no active person: imported without an owner. */
  unmatchedOwners: UnmatchedOwner[];
  /** `--sync`: the source's devices the file no longer lists, and since when. */
  notReported: { device: string; since: string }[];
  format: string;
  source: string | null;
  findings: EvalOutcome;
}

/** The summary an import answers with (API and `--json`): counts, owners, sources, findings. */
export function importSummary(r: ImportResult) {
  return {
    kind: r.kind,
    format: r.format,
    source: r.source,
    observedAt: r.observedAt,
    statedAt: r.statedAt,
    dryRun: r.dryRun,
    rows: r.rows,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    unitsCreated: r.unitsCreated,
    unmatchedOwners: r.unmatchedOwners,
    notReported: r.notReported,
    conflicts: r.conflicts,
    problems: [] as Problem[],
    findings: { opened: r.findings.opened, closed: r.findings.closed, errors: r.findings.errors },
  };
}

/** The source layout a devices import reads with; null for phaseout's own CSV. */
function resolveLayout(o: ImportOptions, header: string[]): SourceLayout | null {
  if (o.map) return o.map;
  let format = o.format ?? 'native';
  if (format === 'auto') {
    const found = detectFormat(header);
    if (!found)
      throw invalidInput(`${o.fileName}: the format cannot be told from the header`, [
        {
          where: `${o.fileName}:1`,
          value: header.join(','),
          code: 'format_unknown',
          params: { formats: SOURCE_FORMATS.filter((f) => f !== 'auto').join(', ') },
          message: `name it with --format (${SOURCE_FORMATS.filter((f) => f !== 'auto').join(', ')}) or give a --map`,
        },
      ]);
    format = found;
  }
  if (format === 'native') return null;
  if (!(format in LAYOUTS) || !(SOURCE_FORMATS as readonly string[]).includes(format))
    throw invalidInput(`unknown format ${format}`, [
      {
        where: '--format',
        value: format,
        code: 'not_one_of',
        params: { values: SOURCE_FORMATS.join(', ') },
        message: `known formats: ${SOURCE_FORMATS.join(', ')}`,
      },
    ]);
  return LAYOUTS[format];
}

/** The options with what one fast scan of the bytes found: no control character needs looking for. */
const checked = (bytes: Buffer, o: ImportOptions): ImportOptions & CsvOptions => ({
  ...o,
  controlChecked: !hasControlBytes(bytes),
});

/** CSV imports of people and devices: all or nothing, upserts by id. */
export function makeImportService(deps: { store: Store; clock: Clock; timings?: Timings }) {
  const { store, clock } = deps;
  const timed = <T>(kind: string, fn: () => Promise<T>): Promise<T> =>
    deps.timings ? deps.timings.time('import', kind, fn) : fn();

  async function run(
    kind: 'people' | 'devices',
    bytes: Buffer,
    o: ImportOptions,
    apply: (
      tx: Parameters<Parameters<typeof writeTransaction>[1]>[0],
      at: number,
      stated: number,
    ) => Promise<
      Omit<ImportResult, 'kind' | 'observedAt' | 'statedAt' | 'dryRun' | 'findings'> & {
        affectedDevices: string[];
      }
    >,
  ): Promise<ImportResult> {
    const digest = createHash('sha256').update(bytes).digest('hex');
    return writeTransaction(store, async (tx) => {
      const zone = await getTimeZone(tx);
      const now = clock.now();
      const stated =
        o.observedAt !== undefined ? readTime(o.observedAt, zone, '--observed-at') : now;
      // A file stated earlier than what is recorded already (a morning export imported after
      // the day's check-ins) applies at the latest observation, as check-ins do: never refused.
      const latest = await getObservationClock(tx);
      const at = latest !== null && stated < latest ? latest : stated;
      await checkObservationTime(tx, at, now, '--observed-at');
      const counts = await apply(tx, at, stated);
      await advanceObservationClock(tx, at);
      const mandates = await loadActiveMandates(tx, zone);
      const findings = await reevaluateDevices(tx, counts.affectedDevices, at, mandates);
      const { affectedDevices: _a, ...rest } = counts;
      const result: ImportResult = {
        kind,
        observedAt: formatInstant(at),
        statedAt: at === stated ? null : formatInstant(stated),
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
      return timed('people', () => importPeople(bytes, o));
    },
    importDevices(bytes: Buffer, o: ImportOptions): Promise<ImportResult> {
      return timed('devices', () => importDevices(bytes, o));
    },
  };

  /** Imports a people CSV (DESIGN §6). */
  function importPeople(bytes: Buffer, o: ImportOptions): Promise<ImportResult> {
    const table = parseCsv(decodeCsv(bytes, o.encoding, o.fileName), o.fileName, checked(bytes, o));
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
      const moves: { before: Person; next: Person }[] = [];
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
            before,
          );
          changed.push(row.id);
          moves.push({ before, next: merged });
          updated++;
        }
      }
      await insertPeople(tx, inserts);
      await touchPeople(tx, touched, at);
      // Leavers' devices pass to their unit's custody (DESIGN §5a), before they are re-judged.
      await moveCustody(tx, moves, at);
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
        unmatchedOwners: [],
        notReported: [],
        format: 'native',
        source: null,
        affectedDevices,
      };
    });
  }

  /**
   * Imports a devices file, chunk by chunk inside one transaction so that memory stays
   * bounded: phaseout's own CSV (DESIGN §6) or a product's export (`format`), from a named
   * `source`; with `sync`, the source's devices missing from the file are *not reported since*.
   * The first bad row stops the writing; the rest is still checked and listed.
   */
  function importDevices(bytes: Buffer, o: ImportOptions): Promise<ImportResult> {
    const csv = parseCsvChunks(
      decodeCsv(bytes, o.encoding, o.fileName),
      o.fileName,
      checked(bytes, o),
    );
    const layout = resolveLayout(o, csv.header);
    if (o.sync && !o.source && !layout)
      throw invalidInput('--sync needs --source', [
        {
          where: '--sync',
          code: 'sync_needs_source',
          message: 'name the source whose devices the file lists (--source)',
        },
      ]);
    return run('devices', bytes, o, async (tx, at, stated) => {
      const st: SourceImportState = {
        counts: { rows: 0, created: 0, updated: 0, unchanged: 0 },
        affected: [],
        conflicts: [],
        unmatchedOwners: [],
        problems: [],
        seen: new Map(),
        emails: null,
        priority: await getSourcePriority(tx),
        zone: await getTimeZone(tx),
        reportedAt: stated,
      };
      const headerProblems = layout
        ? checkSourceHeader(layout, csv.header, o.fileName)
        : checkDeviceHeader(csv.header, o.fileName, o.ignoreUnknown === true);
      if (headerProblems.length > 0) {
        // A product's export read as another format: one line that says which, not one per column.
        const looks = detectFormat(csv.header);
        if (looks && looks !== (layout?.name ?? 'native'))
          throw invalidInput(
            `${o.fileName} looks like ${/^[aeiou]/.test(looks) ? 'an' : 'a'} ${looks} export: add --format ${looks} (or --format auto)`,
            [
              {
                where: '--format',
                value: o.format ?? 'native',
                code: 'looks_like_format',
                params: { format: looks },
                message: `the header is a ${looks} export's: import it with --format ${looks}`,
              },
            ],
          );
        throw invalidInput(
          `${o.fileName}: the header is refused; nothing was imported`,
          headerProblems,
        );
      }
      if (layout && csv.approxRows > 20_000) st.emails = await getActivePeopleByEmail(tx, 'all');
      const ownerIdx = csv.header.indexOf('owner');
      // A large file checks owners against every stored id, read once.
      const allPeople =
        !layout && ownerIdx >= 0 && csv.approxRows > 20_000
          ? await getExistingPersonIds(tx, 'all')
          : null;
      const seen = new Map<string, number>();
      // Into an empty table nothing can be stored already: no lookups (duplicates are refused).
      const wasEmpty = await hasNoDevices(tx);
      // A load into an empty table builds its indexes once at the end; a source import into a
      // stored table looks devices up by serial and IMEI, so it keeps them.
      const indexes = await deferIndexes(tx, 'devices', layout && !wasEmpty ? 0 : csv.approxRows);
      st.nothingStored = wasEmpty;
      for (const chunk of csv.chunks()) {
        o.progress?.(st.counts.rows, csv.approxRows);
        const table = { header: csv.header, rows: chunk };
        if (layout) {
          await importSourceChunk(
            tx,
            layout,
            table,
            o.source ?? layout.source ?? layout.name,
            at,
            o.fileName,
            st,
          );
          continue;
        }
        const people =
          allPeople ??
          (ownerIdx < 0
            ? new Set<string>()
            : await getExistingPersonIds(
                tx,
                chunk.map((r) => (r.cells[ownerIdx] ?? '').trim()).filter(Boolean),
              ));
        const read = readDeviceRows(
          table,
          o.fileName,
          (id) => people.has(id),
          o.ignoreUnknown === true,
          seen,
        );
        st.problems.push(...read.problems);
        st.counts.rows += read.rows.length;
        if (st.problems.length > 0) continue;
        const ids = await writeDeviceChunk(
          tx,
          read.rows,
          at,
          st,
          wasEmpty,
          st.problems,
          o.fileName,
        );
        if (o.source && st.problems.length === 0) {
          await recordSourceReports(
            tx,
            ids.map((id) => ({
              device_id: id,
              source: o.source!,
              source_id: id,
              last_seen_at: at,
              not_reported_since: null,
              last_contact_at: null,
              fields: null,
            })),
          );
        }
      }
      if (st.problems.length > 0) {
        throw invalidInput(
          `${o.fileName}: ${st.problems.length} problem(s); nothing was imported`,
          st.problems,
        );
      }
      await indexes.restore();
      const notReported = o.sync
        ? await markNotReported(tx, o.source ?? layout?.source ?? layout?.name ?? 'native', at)
        : [];
      o.progress?.(st.counts.rows, st.counts.rows);
      return {
        ...st.counts,
        unitsCreated: 0,
        conflicts: st.conflicts,
        unmatchedOwners: st.unmatchedOwners,
        notReported: notReported.map((n) => ({
          device: n.device,
          since: formatInstant(n.since),
        })),
        format: layout?.name ?? 'native',
        source: o.source ?? (layout ? (layout.source ?? layout.name) : null),
        affectedDevices: st.affected,
      };
    });
  }
}

/**
 * Merges one chunk of valid native rows with what is stored and stores it. A new device needs
 * its class and platform; an existing one keeps what the file leaves out.
 */
async function writeDeviceChunk(
  tx: Db,
  rows: DeviceRow[],
  at: number,
  out: Parameters<typeof storeDeviceChanges>[3],
  wasEmpty: boolean,
  problems: Problem[],
  fileName: string,
): Promise<string[]> {
  // A row that sets every field and matches what is stored is unchanged: told by fingerprint,
  // without reading the stored device (most rows of a daily re-import).
  const unchanged: string[] = [];
  let rest = rows;
  if (!wasEmpty) {
    const prints = await getDeviceFingerprints(
      tx,
      rows.filter((r) => setsEveryField(r)).map((r) => r.id),
    );
    rest = [];
    for (const row of rows) {
      const print = prints.get(row.id);
      if (
        print !== undefined &&
        print ===
          deviceFingerprint(deviceToRow(mergeDevice(row.id, row.fields, undefined), NO_TIMES))
      )
        unchanged.push(row.id);
      else rest.push(row);
    }
  }
  const stored = wasEmpty
    ? new Map<string, StoredDevice>()
    : await getDevicesByIds(
        tx,
        rest.map((r) => r.id),
      );
  const changes: DeviceChange[] = [];
  for (const row of rest) {
    const before = stored.get(row.id);
    const f = row.fields;
    let missing = false;
    for (const key of ['class', 'platform'] as const) {
      if (!before && f[key] === undefined) {
        problems.push({
          where: `${fileName}:${row.line} ${key}`,
          value: '',
          code: 'required_new_device',
          message: 'is required for a new device',
        });
        missing = true;
      }
    }
    if (missing) continue;
    changes.push({
      line: row.line,
      before,
      merged: mergeDevice(row.id, f, before),
      // An empty unit cell names no unit: custody ends with a new owner, or by an edit (§5a).
      namesUnit: f.unit !== undefined && f.unit !== null,
    });
  }
  if (problems.length === 0) {
    await storeDeviceChanges(tx, changes, at, out);
    await touchDevices(tx, unchanged, at);
    out.counts.unchanged += unchanged.length;
  }
  return rows.map((r) => r.id);
}

const NO_TIMES = { created: 0, changed: 0, seen: 0 };

/** Whether a row sets every field of a device (a full export), so that it is the whole device. */
function setsEveryField(row: DeviceRow): boolean {
  // The custodian unit is optional in a file: a row without it keeps the stored one (the
  // fingerprint then differs only where a unit holds the device, which is read and merged).
  for (const f of DEVICE_FIELDS) if (f !== 'unit' && row.fields[f] === undefined) return false;
  return true;
}

/** A stored device with a row's fields laid over it; fields the row lacks stay. */
export function mergeDevice(
  id: string,
  f: Partial<Omit<Device, 'id'>>,
  before: Device | undefined,
): Device {
  const pick = <K extends keyof Device>(k: K, fallback: Device[K]): Device[K] =>
    f[k as keyof typeof f] !== undefined
      ? (f[k as keyof typeof f] as Device[K])
      : before
        ? before[k]
        : fallback;
  return {
    id,
    owner: pick('owner', null),
    class: pick('class', 'other'),
    platform: pick('platform', 'other'),
    osVersion: pick('osVersion', null),
    manufacturer: pick('manufacturer', null),
    model: pick('model', null),
    serial: pick('serial', null),
    imei: pick('imei', null),
    ownership: pick('ownership', null),
    purposes: pick('purposes', []),
    status: pick('status', 'active'),
    apps: pick('apps', []),
    unit: pick('unit', null),
  };
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
