import type { Device } from '../domain/device.model.js';
import { workflowDevices } from '../store/replacement.repository.js';
import type { Db } from '../store/schema.js';

/** Statuses phaseout's replacement workflow leaves a device in (DESIGN §5a "held devices"). */
const WORKFLOW_STATUSES: readonly string[] = ['in_stock', 'retired', 'wiped', 'destroyed'];

/**
 * The devices among these that phaseout's replacement workflow holds: received into stock,
 * taken back or sanitised through it, and still in the status it left them in. A device a
 * source merely reported `in_stock` is not held.
 */
export async function heldByWorkflow(
  tx: Db,
  devices: Iterable<Pick<Device, 'id' | 'status'> | undefined>,
): Promise<Set<string>> {
  const candidates = [...devices].flatMap((d) =>
    d && WORKFLOW_STATUSES.includes(d.status) ? [d.id] : [],
  );
  return candidates.length === 0 ? new Set() : workflowDevices(tx, candidates);
}

/**
 * What a write would do to a held device that only the workflow may do (DESIGN §5a): give it
 * an owner or another status. Null when nothing; else the words a conflict or a refusal says.
 */
export function breaksHold(
  before: Pick<Device, 'status' | 'owner'>,
  next: Pick<Device, 'status' | 'owner'>,
): string | null {
  if (next.status === before.status && next.owner === before.owner) return null;
  const what =
    next.status !== before.status ? `status ${next.status}` : `owner ${next.owner ?? '(none)'}`;
  return `is ${before.status} through phaseout's replacement workflow: the ${what} is not taken`;
}
