import type { OrderState } from '../domain/replacement.rules.js';
import { formatInstant } from '../domain/time.js';
import type { OrderRow } from '../store/replacement.repository.js';

export interface OrderView {
  id: number;
  state: OrderState;
  mandate: string;
  finding: number;
  device: string;
  person: string;
  unit: string;
  item: string;
  newDevice: string | null;
  requestedBy: string;
  requestedAt: string;
  approvedAt: string | null;
  issuedAt: string | null;
  returnedAt: string | null;
  confirmedAt: string | null;
  sanitisedAt: string | null;
  closedAt: string | null;
  endedAt: string | null;
  reason: string | null;
  /** An officer's override of a mandate that would catch the unit (DESIGN §11). */
  override: { reason: string; by: string } | null;
  events?: { step: string; by: string; at: string; place: string | null; note: string | null }[];
}

/** What a handover did (or, in a preview, would do) to compliance. */
export interface HandoverEffect {
  opened: { mandate: string; title: string; device: string }[];
  closed: { mandate: string; title: string; device: string; reason: string }[];
}

const t = (x: number | null): string | null => (x === null ? null : formatInstant(x));

/** An order as the API shows it. */
export function viewOf(r: OrderRow): OrderView {
  return {
    id: r.id,
    state: r.state as OrderState,
    mandate: r.mandate_id,
    finding: Number(r.finding_id),
    device: r.old_device_id,
    person: r.person_id,
    unit: r.unit,
    item: r.item_id,
    newDevice: r.new_device_id,
    requestedBy: r.requested_by,
    requestedAt: formatInstant(r.requested_at),
    approvedAt: t(r.approved_at),
    issuedAt: t(r.issued_at),
    returnedAt: t(r.returned_at),
    confirmedAt: t(r.confirmed_at),
    sanitisedAt: t(r.sanitised_at),
    closedAt: t(r.closed_at),
    endedAt: t(r.ended_at),
    reason: r.reason,
    override:
      r.override_reason !== null ? { reason: r.override_reason, by: r.override_by ?? '' } : null,
  };
}

/** Options of the steps that hand devices over. */
export interface StepOptions {
  /** Issue: the old device is at the desk and is taken back in the same step. */
  swap?: boolean;
  /** Where the handover happens (default: the stock location of the unit). */
  place?: string;
  /** Approve: the stock location to reserve from (default: any). */
  location?: string;
  /** Reject or cancel: why. */
  reason?: string;
  note?: string;
  /** Approve or issue, an officer only: why a unit a mandate in force would catch goes out anyway. */
  override?: string;
}
