import type { Device } from './device.model.js';

/**
 * The custodian unit a device has after a write (DESIGN §5a). A unit the write names itself
 * (an import's `unit` column, the API, the console) is taken as given. Otherwise a new owner
 * ends the custody; a write that clears the owner of an active device that is not personal
 * passes it to the unit of the owner it had; anything else keeps the custody as it was.
 */
export function custodianAfter(
  before: Pick<Device, 'owner' | 'unit'> | undefined,
  next: Pick<Device, 'owner' | 'unit' | 'status' | 'ownership'>,
  o: { namesUnit: boolean; lastOwnerUnit: string | null },
): string | null {
  if (o.namesUnit) return next.unit;
  const kept = before?.unit ?? null;
  if (next.owner !== null) return next.owner === (before?.owner ?? null) ? kept : null;
  if (before?.owner && next.status === 'active' && next.ownership !== 'personal')
    return kept ?? o.lastOwnerUnit;
  return kept;
}

/**
 * What a person's leaving does to a device of theirs (DESIGN §5a): an active device that is not
 * personal passes into the custody of the unit the person leaves from (unless a unit holds it
 * already); a personal one is not the organisation's, and departs.
 */
export function custodianOnLeaving(
  device: Pick<Device, 'unit' | 'status' | 'ownership'>,
  leaverUnit: string,
): string | null {
  if (device.unit !== null || device.status !== 'active' || device.ownership === 'personal')
    return device.unit;
  return leaverUnit;
}
