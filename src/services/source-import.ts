import {
  applySourceReport,
  type Reported,
  type SourcePriority,
  type SourceReport,
} from '../domain/source.merge.js';
import type { CsvTable } from '../adapters/csv.js';
import type { Device } from '../domain/device.model.js';
import type { Problem } from '../domain/errors.js';
import { readWrittenTime } from '../domain/time.read.js';
import { readImei } from '../domain/imei.js';
import { identifyingColumns, rawRowReader, type SourceLayout } from '../domain/source.formats.js';
import {
  imeiKey,
  normaliseSourceRow,
  serialKey,
  type SourceFields,
} from '../domain/source.normalise.js';
import {
  getActivePeopleByEmail,
  getSourceReports,
  getDevicesByImeiKeys,
  getDevicesBySerialKeys,
  recordSourceReports,
} from '../store/device-sources.repository.js';
import { getDevicesByIds, type StoredDevice } from '../store/devices.repository.js';
import type { Db, DeviceSourcesTable } from '../store/schema.js';
import { getPeopleByIds, type StoredPerson } from '../store/people.repository.js';
import {
  storeDeviceChanges,
  type DeviceChange,
  type ImportConflict,
} from './device-import.write.js';

/** A device whose owner's e-mail matched no active person: imported without an owner. */
export interface UnmatchedOwner {
  line: number;
  device: string;
  email: string;
}

/** What a source import collects over its chunks. */
export interface SourceImportState {
  counts: { rows: number; created: number; updated: number; unchanged: number };
  affected: string[];
  conflicts: ImportConflict[];
  unmatchedOwners: UnmatchedOwner[];
  problems: Problem[];
  /** The first line of each device already met in this file, by its matching key. */
  seen: Map<string, number>;
  /** Every active person by e-mail, read once for a large file. */
  emails: Map<string, string> | null;
  /** No device was stored before the file: nothing to look up. */
  nothingStored?: boolean;
  /** Which sources a field is taken from first (the setting `source_priority`). */
  priority?: SourcePriority;
  /** The organisation's zone: a source's zone-less times are read in it (Intune's in UTC). */
  zone: string;
  /** The file's stated time: its reports are the source's as of then (applied at `at`). */
  reportedAt?: number;
}

/**
 * A device as a source's report leaves it: the fields the report carries over what is stored.
 * Identifiers are never cleared by a report that lacks them, and kept as written when they
 * match; a device first met through a source is used for official business, a known one keeps
 * the purposes phaseout recorded (statements, replacements issued for personal use).
 */
export function mergeReport(
  id: string,
  before: Device | undefined,
  f: SourceFields,
  serial: string | null | undefined,
  imei: string | null | undefined,
): Device {
  const s = serial?.trim() || null;
  const m = imei?.trim() || null;
  return {
    id,
    owner: before?.owner ?? null,
    class: f.class ?? before?.class ?? 'other',
    platform: f.platform ?? before?.platform ?? 'other',
    osVersion: f.osVersion !== undefined ? f.osVersion : (before?.osVersion ?? null),
    manufacturer: f.manufacturer !== undefined ? f.manufacturer : (before?.manufacturer ?? null),
    model: f.model !== undefined ? f.model : (before?.model ?? null),
    serial:
      before?.serial && s && serialKey(before.serial) === serialKey(s)
        ? before.serial
        : (s ?? before?.serial ?? null),
    imei:
      before?.imei && m && imeiKey(before.imei) === imeiKey(m)
        ? before.imei
        : (m ?? before?.imei ?? null),
    ownership: f.ownership ?? before?.ownership ?? null,
    purposes: before ? before.purposes : ['official'],
    status: f.status ?? before?.status ?? 'active',
    apps: f.apps ?? before?.apps ?? [],
    unit: before?.unit ?? null,
  };
}

/** Problems with a source file's header: it must name a way to identify a device. */
export function checkSourceHeader(
  layout: SourceLayout,
  header: string[],
  fileName: string,
): Problem[] {
  if (identifyingColumns(layout, header).length > 0) return [];
  const wanted = (['serial', 'imei', 'sourceId'] as const).flatMap((k) => layout.columns[k] ?? []);
  return [
    {
      where: `${fileName}:1`,
      value: header.join(','),
      code: 'no_identifying_column',
      params: { format: layout.name, columns: wanted.join(', ') },
      message: `the ${layout.name} format needs one of the columns ${wanted.join(', ')} to identify devices`,
    },
  ];
}

/**
 * Imports one chunk of a product's export. A row finds its device by serial (trimmed, any case),
 * else IMEI, else the id this source gave it (`SOURCE:SERIAL`, or `SOURCE:ITS-ID` without a
 * serial); it changes only the fields its format carries; its owner is the active person with
 * its e-mail. A device first met through a source is used for official business.
 */
export async function importSourceChunk(
  tx: Db,
  layout: SourceLayout,
  table: CsvTable,
  source: string,
  at: number,
  fileName: string,
  st: SourceImportState,
): Promise<void> {
  const read = rawRowReader(layout, table.header);
  const contactColumn = table.header.find((h) =>
    layout.columns.lastContact?.includes(h.trim().toLowerCase().replace(/\s+/g, ' ')),
  );
  const timeZone = layout.timesInUtc ? 'UTC' : st.zone;
  const imeiColumn = table.header.find((h) =>
    layout.columns.imei?.includes(h.trim().toLowerCase().replace(/\s+/g, ' ')),
  );
  const hints = layout.hints(table.header.map((h) => h.trim().toLowerCase().replace(/\s+/g, ' ')));
  const rows = table.rows.map(({ line, cells }) => {
    const raw = read(cells);
    const serial = raw.serial?.trim() || null;
    const written = raw.imei?.trim() || null;
    // An IMEI is kept as its digits; one that cannot be read is refused below, named.
    const checked = written ? readImei(written) : null;
    const imei = checked && 'imei' in checked ? checked.imei : written;
    const imeiProblem = checked && 'code' in checked ? checked : null;
    const sourceId = raw.sourceId?.trim() || null;
    return {
      line,
      raw,
      serial,
      imei,
      imeiProblem,
      sourceId,
      sKey: serialKey(serial),
      iKey: imeiKey(imei),
    };
  });
  const none = new Map<string, StoredDevice>();
  const bySerial = st.nothingStored
    ? none
    : await getDevicesBySerialKeys(
        tx,
        rows.flatMap((r) => (r.sKey ? [r.sKey] : [])),
      );
  const byImei = st.nothingStored
    ? none
    : await getDevicesByImeiKeys(
        tx,
        rows.flatMap((r) => ((!r.sKey || !bySerial.has(r.sKey)) && r.iKey ? [r.iKey] : [])),
      );
  const idOf = (r: (typeof rows)[number]): string =>
    `${source}:${r.serial ?? r.sourceId ?? r.imei}`;
  const byId = st.nothingStored
    ? none
    : await getDevicesByIds(
        tx,
        rows.flatMap((r) =>
          (r.sKey && bySerial.has(r.sKey)) || (r.iKey && byImei.has(r.iKey)) ? [] : [idOf(r)],
        ),
      );
  const emails =
    st.emails ??
    (await getActivePeopleByEmail(
      tx,
      rows.flatMap((r) =>
        [r.raw.ownerEmail, ...(r.raw.ownerEmailAlternates ?? [])].flatMap((e) =>
          e?.trim() ? [e.trim().toLowerCase()] : [],
        ),
      ),
    ));
  const personIds = rows.flatMap((r) => (r.raw.ownerId?.trim() ? [r.raw.ownerId.trim()] : []));
  const byPersonId =
    personIds.length > 0
      ? await getPeopleByIds(tx, [...new Set(personIds)])
      : new Map<string, StoredPerson>();
  // What each source said of these devices before: fields are taken by priority from these.
  const kept = st.nothingStored
    ? new Map<string, Map<string, SourceReport>>()
    : await getSourceReports(tx, [
        ...[...bySerial.values(), ...byImei.values(), ...byId.values()].map((d) => d.id),
      ]);
  const changes: DeviceChange[] = [];
  const reports: DeviceSourcesTable[] = [];
  for (const r of rows) {
    st.counts.rows++;
    if (!r.serial && !r.imei && !r.sourceId) {
      st.problems.push({
        where: `${fileName}:${r.line}`,
        value: '',
        code: 'no_device_identity',
        message: 'has no serial number, IMEI or device id: the device cannot be identified',
      });
      continue;
    }
    const before =
      (r.sKey ? bySerial.get(r.sKey) : undefined) ??
      (r.iKey ? byImei.get(r.iKey) : undefined) ??
      byId.get(idOf(r));
    const id = before?.id ?? idOf(r);
    const keys = [
      `d:${id}`,
      ...(r.sKey ? [`s:${r.sKey}`] : []),
      ...(r.iKey ? [`i:${r.iKey}`] : []),
    ];
    const first = keys.map((k) => st.seen.get(k)).find((l) => l !== undefined);
    if (first !== undefined) {
      st.problems.push({
        where: `${fileName}:${r.line}`,
        value: r.serial ?? r.imei ?? r.sourceId ?? '',
        code: 'same_device_as',
        params: { line: first },
        message: `is the same device as line ${first}`,
      });
      continue;
    }
    for (const k of keys) st.seen.set(k, r.line);
    if (r.imeiProblem)
      st.problems.push({
        where: `${fileName}:${r.line} ${imeiColumn ?? 'imei'}`,
        value: r.imei ?? '',
        code: r.imeiProblem.code,
        message: r.imeiProblem.message,
      });
    const contact = r.raw.lastContact?.trim() || null;
    const contactAt = contact === null ? null : readWrittenTime(contact, timeZone);
    if (contact !== null && contactAt === null)
      st.problems.push({
        where: `${fileName}:${r.line} ${contactColumn ?? 'lastContact'}`,
        value: contact,
        message:
          'is not a time: write ISO 8601, dd.mm.yyyy HH:MM, M/D/YYYY h:mm AM or epoch milliseconds',
        code: 'not_a_time',
      });
    if (st.problems.length > 0) continue;
    const f: Reported = normaliseSourceRow(r.raw, hints);
    // An owner the row names and nobody has is no report of the owner: a known device keeps
    // its owner (DESIGN §5a), and the row is listed. An empty cell says nobody has it.
    // An employee number names the person by id (Snipe-IT's `Employee Number`): it comes first.
    const namedId = r.raw.ownerId?.trim();
    if (namedId) {
      const person = byPersonId.get(namedId);
      if (person?.active) f.owner = person.id;
      else st.unmatchedOwners.push({ line: r.line, device: id, email: namedId });
    } else if (r.raw.ownerEmail !== undefined) {
      // The UPN, else the e-mail beside it: the first that names an active person.
      const named = [r.raw.ownerEmail, ...(r.raw.ownerEmailAlternates ?? [])]
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean);
      const owner = named.map((e) => emails.get(e)).find((x) => x !== undefined);
      if (named.length > 0 && !owner)
        st.unmatchedOwners.push({ line: r.line, device: id, email: named[0]! });
      else f.owner = owner ?? null;
    }
    const applied = applySourceReport(
      mergeReport(id, before, {}, r.serial, r.imei),
      source,
      f,
      kept.get(id) ?? new Map<string, SourceReport>(),
      st.reportedAt ?? at,
      st.priority,
    );
    if (applied.owners.length > 0)
      st.conflicts.push({
        line: r.line,
        device: id,
        message: `sources disagree on its owner (${applied.owners.map((o) => `${o.source}: ${o.owner}`).join(', ')}): it stays with ${applied.device.owner ?? '(nobody)'}`,
      });
    changes.push({ line: r.line, before, merged: applied.device });
    reports.push({
      device_id: id,
      source,
      source_id: r.sourceId,
      last_seen_at: st.reportedAt ?? at,
      not_reported_since: null,
      last_contact_at: contactAt,
      fields: JSON.stringify(applied.report),
    });
  }
  if (st.problems.length > 0) return;
  await storeDeviceChanges(tx, changes, at, st);
  await recordSourceReports(tx, reports);
}
