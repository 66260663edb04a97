import { DEVICE_FIELDS, type Device } from '../domain/device.model.js';
import { formatInstant } from '../domain/time.js';
import {
  deviceToRow,
  insertDevices,
  touchDevices,
  updateDevices,
  type StoredDevice,
} from '../store/devices.repository.js';
import { breaksHold, heldByWorkflow } from './device-hold.js';
import type { Db, DevicesTable } from '../store/schema.js';
import { getStatedDevices } from '../store/statements.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import { custodianAfter } from '../domain/custody.rules.js';
import { ensureUnits } from '../store/units.repository.js';
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
  /** The row names the custodian unit itself (a `unit` column): taken as given. */
  namesUnit?: boolean;
}

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
  const held = await heldByWorkflow(
    tx,
    changes.map((c) => c.before),
  );
  // Units a file names are created on first mention, as people imports do.
  await ensureUnits(
    tx,
    changes.flatMap((c) => (c.namesUnit && c.merged.unit ? [c.merged.unit] : [])),
    at,
  );
  // A device whose owner the file clears passes to that owner's unit (DESIGN §5a).
  const cleared = await getPeopleByIds(
    tx,
    changes.flatMap((c) => (c.before?.owner && c.merged.owner === null ? [c.before.owner] : [])),
  );
  const inserts: DevicesTable[] = [];
  const updates: DevicesTable[] = [];
  const touched: string[] = [];
  for (const { line, before, merged, namesUnit } of changes) {
    merged.unit = custodianAfter(before, merged, {
      namesUnit: namesUnit === true,
      lastOwnerUnit: before?.owner ? (cleared.get(before.owner)?.unit ?? null) : null,
    });
    const statedAt = stated.get(merged.id);
    if (statedAt !== undefined) {
      out.conflicts.push({
        line,
        device: merged.id,
        message: `restores official use, which its owner stated had ended on ${formatInstant(statedAt)}: a new finding opens`,
      });
    }
    const broken = before && held.has(before.id) ? breaksHold(before, merged) : null;
    if (before && broken) {
      out.conflicts.push({ line, device: merged.id, message: broken });
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
