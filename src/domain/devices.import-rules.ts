import type { CsvTable } from '../adapters/csv.js';
import {
  DEVICE_CLASSES,
  DEVICE_STATUSES,
  OWNERSHIPS,
  PLATFORMS,
  PURPOSES,
  type Device,
} from './device.model.js';
import type { Problem } from './errors.js';
import {
  cellReader,
  checkHeader,
  readId,
  readList,
  readText,
  RowProblems,
} from './import.rules.js';

export const DEVICE_COLUMNS = [
  'id',
  'owner',
  'class',
  'platform',
  'os_version',
  'manufacturer',
  'model',
  'serial',
  'imei',
  'ownership',
  'purposes',
  'status',
  'apps',
] as const;

/** One valid row: the fields its file sets; absent columns stay undefined. */
export interface DeviceRow {
  line: number;
  id: string;
  fields: Partial<Omit<Device, 'id'>> & Pick<Device, 'class' | 'platform'>;
}

/** Reads an enumerated cell case-insensitively. */
function readEnum<T extends string>(raw: string, allowed: readonly T[]): T | undefined {
  const v = raw.trim().toLowerCase();
  return (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
}

/** Validates every row of a devices file; returns rows or every problem. */
export function readDeviceRows(
  table: CsvTable,
  fileName: string,
  personExists: (id: string) => boolean,
  ignoreUnknown: boolean,
): { rows: DeviceRow[]; problems: Problem[] } {
  const headerProblems = checkHeader(
    table.header,
    DEVICE_COLUMNS,
    ['id', 'class', 'platform'],
    ignoreUnknown,
    fileName,
  );
  if (headerProblems.length > 0) return { rows: [], problems: headerProblems };
  const cell = cellReader(table.header);
  const p = new RowProblems(fileName);
  const rows: DeviceRow[] = [];
  const seen = new Map<string, number>();
  const width = table.header.length;
  for (const { line, cells } of table.rows) {
    if (cells.length !== width) {
      p.add(line, '', cells.join(','), `has ${cells.length} cells where the header has ${width}`);
      continue;
    }
    const before = p.list.length;
    const rawId = cell(cells, 'id')!;
    const idResult = readId(rawId);
    if ('error' in idResult) p.add(line, 'id', rawId, idResult.error);
    const id = 'id' in idResult ? idResult.id : '';
    if (id && seen.has(id)) p.add(line, 'id', id, `appears again (first on line ${seen.get(id)})`);
    if (id) seen.set(id, line);
    const enumCell = <T extends string>(
      column: string,
      allowed: readonly T[],
      required: boolean,
    ): T | null | undefined => {
      const raw = cell(cells, column);
      if (raw === undefined) return undefined;
      if (raw.trim() === '') {
        if (required) p.add(line, column, raw, 'is required');
        return null;
      }
      const v = readEnum(raw, allowed);
      if (!v) p.add(line, column, raw, `must be one of ${allowed.join(', ')}`);
      return v ?? null;
    };
    const cls = enumCell('class', DEVICE_CLASSES, true);
    const platform = enumCell('platform', PLATFORMS, true);
    const fields: DeviceRow['fields'] = { class: cls ?? 'other', platform: platform ?? 'other' };
    const owner = cell(cells, 'owner');
    if (owner !== undefined) {
      const o = readText(owner);
      if (o && !personExists(o)) p.add(line, 'owner', o, 'is not a known person id');
      fields.owner = o;
    }
    const ownership = enumCell('ownership', OWNERSHIPS, false);
    if (ownership !== undefined) fields.ownership = ownership;
    const status = enumCell('status', DEVICE_STATUSES, false);
    if (status !== undefined) fields.status = status ?? 'active';
    const purposes = cell(cells, 'purposes');
    if (purposes !== undefined) {
      const list = readList(purposes, true);
      const bad = list.filter((x) => !(PURPOSES as readonly string[]).includes(x));
      if (bad.length > 0)
        p.add(line, 'purposes', purposes, `must be a ;-list of ${PURPOSES.join(', ')}`);
      fields.purposes = list as Device['purposes'];
    }
    const apps = cell(cells, 'apps');
    if (apps !== undefined) fields.apps = readList(apps, false);
    for (const [column, key] of [
      ['os_version', 'osVersion'],
      ['manufacturer', 'manufacturer'],
      ['model', 'model'],
      ['serial', 'serial'],
      ['imei', 'imei'],
    ] as const) {
      const raw = cell(cells, column);
      if (raw !== undefined) fields[key] = readText(raw);
    }
    if (p.list.length === before) rows.push({ line, id, fields });
  }
  return { rows, problems: p.list };
}
