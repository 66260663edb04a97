import type { HandoverEffect, Order, StepOptions } from '../contract/logistics.js';
import type { OrderState } from '../domain/replacement.rules.js';
import { formatInstant } from '../domain/time.js';
import type { OrderRow } from '../store/replacement.repository.js';

export type OrderView = Order;

/** What a handover did (or, in a preview, would do) to compliance. */
export type { HandoverEffect };

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
export type { StepOptions };
