import { DEVICE_FIELDS, type Device } from '../domain/device.model.js';
import { formatInstant } from '../domain/time.js';
import {
  deviceToRow,
  insertDevices,
  touchDevices,
  updateDevices,
  type StoredDevice,
} from '../store/devices.repository.js';
import { workflowDevices } from '../store/replacement.repository.js';
import type { Db, DevicesTable } from '../store/schema.js';
import { getStatedDevices } from '../store/statements.repository.js';
import { NO_OFFICIAL_USE } from './record.service.js';

/** A row applied against something phaseout recorded itself, to be looked at. */
export interface ImportConflict {
  line: number;
  device: string;
  message: string;
}

/** One device an import row arrives at: what was stored and what the row makes of it. */
export interface DeviceChange {
  line: number;
  before: StoredDevice | undefined;
  merged: Device;
}

const WORKFLOW_STATUSES: readonly string[] = ['in_stock', 'retired', 'wiped', 'destroyed'];

/** Field values are scalars or lists of strings: lists compare item by item, in order. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** Whether two records agree on the fields given. */
export function sameFields<T>(a: T, b: T, fields: readonly (keyof T)[]): boolean {
  for (const f of fields) if (!sameValue(a[f], b[f])) return false;
  return true;
}

/**
 * Stores the devices of one chunk of an import: inserts, changes, last-seen for the unchanged.
 * DESIGN §11 on the way: devices the replacement workflow holds keep their status and owner,
 * and a row restoring official use that the owner stated had ended is listed as a conflict.
 */
export async function storeDeviceChanges(
  tx: Db,
  changes: DeviceChange[],
  at: number,
  out: {
    counts: { created: number; updated: number; unchanged: number };
    affected: string[];
    conflicts: ImportConflict[];
  },
): Promise<void> {
  const restoring = changes
    .filter(
      (c) =>
        c.merged.purposes.includes('official') && c.before?.purposes.includes('official') === false,
    )
    .map((c) => c.merged.id);
  const stated =
    restoring.length > 0
      ? await getStatedDevices(tx, NO_OFFICIAL_USE, restoring)
      : new Map<string, number>();
  const held = await workflowDevices(
    tx,
    changes.flatMap((c) =>
      c.before && WORKFLOW_STATUSES.includes(c.before.status) ? [c.before.id] : [],
    ),
  );
  const inserts: DevicesTable[] = [];
  const updates: DevicesTable[] = [];
  const touched: string[] = [];
  for (const { line, before, merged } of changes) {
    const statedAt = stated.get(merged.id);
    if (statedAt !== undefined) {
      out.conflicts.push({
        line,
        device: merged.id,
        message: `restores official use, which its owner stated had ended on ${formatInstant(statedAt)}: a new finding opens`,
      });
    }
    if (
      before &&
      held.has(before.id) &&
      (merged.status !== before.status || merged.owner !== before.owner)
    ) {
      out.conflicts.push({
        line,
        device: merged.id,
        message: `is ${before.status} through phaseout's replacement workflow: the file's ${merged.status !== before.status ? `status ${merged.status}` : `owner ${merged.owner ?? '(none)'}`} is not taken`,
      });
      merged.status = before.status;
      merged.owner = before.owner;
    }
    if (!before) {
      inserts.push(deviceToRow(merged, { created: at, changed: at, seen: at }));
      out.affected.push(merged.id);
    } else if (sameFields<Device>(before, merged, DEVICE_FIELDS)) touched.push(merged.id);
    else {
      updates.push(deviceToRow(merged, { created: before.createdAt, changed: at, seen: at }));
      out.affected.push(merged.id);
      out.counts.updated++;
    }
  }
  await updateDevices(tx, updates);
  await insertDevices(tx, inserts);
  await touchDevices(tx, touched, at);
  out.counts.created += inserts.length;
  out.counts.unchanged += touched.length;
}
