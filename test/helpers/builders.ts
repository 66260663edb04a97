import { DEVICE_COLUMNS } from '../../src/domain/device.model.js';

/** Small builders for CSV test data: a row is an object, missing columns are empty. */

const PEOPLE = ['id', 'name', 'email', 'unit', 'title', 'supervisor', 'tags', 'head_of', 'active'];
const DEVICES: string[] = DEVICE_COLUMNS;

function csv(columns: string[], rows: Record<string, string>[]): string {
  const cell = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return (
    [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c] ?? '')).join(','))].join(
      '\n',
    ) + '\n'
  );
}

/** A person row with defaults. */
export function buildPerson(o: Record<string, string> & { id: string }): Record<string, string> {
  return { name: `Person ${o.id}`, unit: 'Org', active: 'true', ...o };
}

/** A device row with defaults. */
export function buildDevice(o: Record<string, string> & { id: string }): Record<string, string> {
  return { class: 'smartphone', platform: 'ios', status: 'active', purposes: 'official', ...o };
}

export function peopleCsv(rows: Record<string, string>[], columns = PEOPLE): string {
  return csv(columns, rows);
}

export function devicesCsv(rows: Record<string, string>[], columns = DEVICES): string {
  return csv(columns, rows);
}
