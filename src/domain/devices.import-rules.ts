import { normaliseUnitPath } from './unit-path.js';
import {
  DEVICE_CLASSES,
  DEVICE_COLUMNS,
  DEVICE_SCHEMA,
  DEVICE_STATUSES,
  DEVICE_TEXT_FIELDS,
  OWNERSHIPS,
  PLATFORMS,
  PURPOSES,
  type Device,
} from './device.model.js';
import type { Problem } from './errors.js';
import {
  checkHeader,
  readId,
  readList,
  readText,
  RowProblems,
  type CsvTable,
} from './import.rules.js';
import { readImei } from './imei.js';

export { DEVICE_COLUMNS };

/** One valid row: the fields its file sets; absent columns stay undefined. */
export interface DeviceRow {
  line: number;
  id: string;
  fields: Partial<Omit<Device, 'id'>>;
}

const SETS = {
  class: new Set<string>(DEVICE_CLASSES),
  platform: new Set<string>(PLATFORMS),
  ownership: new Set<string>(OWNERSHIPS),
  status: new Set<string>(DEVICE_STATUSES),
  purposes: new Set<string>(PURPOSES),
};
const LISTS: Record<keyof typeof SETS, readonly string[]> = {
  class: DEVICE_CLASSES,
  platform: PLATFORMS,
  ownership: OWNERSHIPS,
  status: DEVICE_STATUSES,
  purposes: PURPOSES,
};
/** Free-text fields and their columns (the id, the owner and the unit are read on their own). */
const TEXT_COLUMNS = DEVICE_TEXT_FIELDS.filter((key) => key !== 'unit').map(
  (key) => [DEVICE_SCHEMA[key].column, key] as const,
);

/** Problems with a devices file's header: required columns, unknown ones. */
export function checkDeviceHeader(
  header: string[],
  fileName: string,
  ignoreUnknown: boolean,
): Problem[] {
  return checkHeader(header, DEVICE_COLUMNS, ['id'], ignoreUnknown, fileName);
}

/**
 * Validates every row of a devices file; returns rows or every problem.
 * Written for millions of rows: column positions are found once, no closure per row.
 */
export function readDeviceRows(
  table: CsvTable,
  fileName: string,
  personExists: (id: string) => boolean,
  ignoreUnknown: boolean,
  /** Ids seen in earlier chunks of the same file, with their lines; the header is then checked already. */
  seenBefore?: Map<string, number>,
): { rows: DeviceRow[]; problems: Problem[] } {
  if (!seenBefore) {
    const headerProblems = checkDeviceHeader(table.header, fileName, ignoreUnknown);
    if (headerProblems.length > 0) return { rows: [], problems: headerProblems };
  }
  const at = (c: string): number => table.header.indexOf(c);
  const ix = {
    id: at('id'),
    owner: at('owner'),
    class: at('class'),
    platform: at('platform'),
    ownership: at('ownership'),
    status: at('status'),
    purposes: at('purposes'),
    apps: at('apps'),
    unit: at('unit'),
  };
  const text = TEXT_COLUMNS.map(([column, key]) => [at(column), key] as const).filter(
    ([i]) => i >= 0,
  );
  const p = new RowProblems(fileName);
  const rows: DeviceRow[] = [];
  const seen = seenBefore ?? new Map<string, number>();
  const width = table.header.length;
  // Reads an enumerated cell: undefined when the column is absent, null when empty.
  const readEnum = (
    line: number,
    cells: string[],
    i: number,
    column: keyof typeof SETS,
    required: boolean,
  ): string | null | undefined => {
    if (i < 0) return undefined;
    const raw = cells[i]!;
    const v = raw.trim().toLowerCase();
    if (v === '') {
      if (required) p.add(line, column, raw, 'is required', 'required');
      return null;
    }
    if (!SETS[column].has(v)) {
      p.add(line, column, raw, `must be one of ${LISTS[column].join(', ')}`, 'not_one_of', {
        values: LISTS[column].join(', '),
      });
      return null;
    }
    return v;
  };
  for (const { line, cells } of table.rows) {
    if (cells.length !== width) {
      p.add(
        line,
        '',
        cells.join(','),
        `has ${cells.length} cells where the header has ${width}`,
        'cell_count',
        { cells: cells.length, width },
      );
      continue;
    }
    const before = p.list.length;
    const rawId = cells[ix.id]!;
    const idResult = readId(rawId);
    let id = '';
    if ('error' in idResult) p.add(line, 'id', rawId, idResult.error, idResult.code);
    else {
      id = idResult.id;
      const first = seen.get(id);
      if (first !== undefined)
        p.add(line, 'id', id, `appears again (first on line ${first})`, 'appears_again', {
          line: first,
        });
      else seen.set(id, line);
    }
    // Class and platform may stay out of a row about a stored device; a new one needs them.
    const cls = readEnum(line, cells, ix.class, 'class', false);
    const platform = readEnum(line, cells, ix.platform, 'platform', false);
    const fields: DeviceRow['fields'] = {};
    if (cls) fields.class = cls as Device['class'];
    if (platform) fields.platform = platform as Device['platform'];
    if (ix.owner >= 0) {
      const o = readText(cells[ix.owner]!);
      if (o && !personExists(o))
        p.add(line, 'owner', o, 'is not a known person id', 'unknown_person');
      fields.owner = o;
    }
    const ownership = readEnum(line, cells, ix.ownership, 'ownership', false);
    if (ownership !== undefined) fields.ownership = ownership as Device['ownership'];
    const status = readEnum(line, cells, ix.status, 'status', false);
    if (status !== undefined) fields.status = (status ?? 'active') as Device['status'];
    if (ix.purposes >= 0) {
      const raw = cells[ix.purposes]!;
      const list = readList(raw, true);
      if (list.some((x) => !SETS.purposes.has(x))) {
        p.add(line, 'purposes', raw, `must be a ;-list of ${PURPOSES.join(', ')}`, 'not_one_of', {
          values: PURPOSES.join(', '),
        });
      }
      fields.purposes = list as Device['purposes'];
    }
    if (ix.apps >= 0) fields.apps = readList(cells[ix.apps]!, false);
    // The custodian unit (DESIGN §5a): a unit path, segments trimmed; empty means none.
    if (ix.unit >= 0) {
      const raw = cells[ix.unit]!;
      const unit = raw.trim() === '' ? null : normaliseUnitPath(raw);
      if (unit === null && raw.trim() !== '')
        p.add(line, 'unit', raw, 'is not a unit path', 'not_unit_path');
      fields.unit = unit;
    }
    for (const [i, key] of text) fields[key] = readText(cells[i]!);
    if (fields.imei) {
      const read = readImei(fields.imei);
      if ('code' in read) p.add(line, 'imei', fields.imei, read.message, read.code);
      else fields.imei = read.imei;
    }
    if (p.list.length === before) rows.push({ line, id, fields });
  }
  return { rows, problems: p.list };
}
