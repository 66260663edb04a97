import type { DeviceStatus } from './device.model.js';

/** A replacement order's states (DESIGN §3): the happy path, then the two ends without a swap. */
export const ORDER_STATES = [
  'requested',
  'approved',
  'issued',
  'returned',
  'sanitised',
  'closed',
  'rejected',
  'cancelled',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** States in which an order still holds its old device (one such order per device). */
export const LIVE_STATES: readonly OrderState[] = [
  'requested',
  'approved',
  'issued',
  'returned',
  'sanitised',
];

/**
 * Steps a person takes on an order; `sanitise` is taken by a verified sanitisation record;
 * `writeoff` closes an issued order whose old device can no longer come back (lost, say).
 */
export type OrderStep =
  | 'request'
  | 'approve'
  | 'reject'
  | 'cancel'
  | 'issue'
  | 'return'
  | 'writeoff'
  | 'confirm'
  | 'sanitise';

/** From which states each step may be taken. */
const FROM: Record<OrderStep, readonly OrderState[]> = {
  request: [],
  approve: ['requested'],
  reject: ['requested', 'approved'],
  cancel: ['requested', 'approved'],
  issue: ['approved'],
  return: ['issued'],
  writeoff: ['issued'],
  confirm: ['issued', 'returned', 'sanitised'],
  sanitise: ['returned'],
};

/** Why a step cannot be taken from a state, or null when it can. */
export function refuseStep(
  step: OrderStep,
  order: { state: OrderState; confirmed: boolean },
): string | null {
  if (!FROM[step].includes(order.state))
    return `the order is ${order.state}: ${step} needs it ${FROM[step].join(' or ')}`;
  if (step === 'confirm' && order.confirmed) return 'the receipt is confirmed already';
  return null;
}

/**
 * The state after a step. Issuing with the old device at the desk (`swap`) returns it at once;
 * an order whose old device is sanitised closes once the official has confirmed receipt.
 */
export function nextState(
  step: Exclude<OrderStep, 'request'>,
  order: { state: OrderState; confirmed: boolean },
  swap = false,
): OrderState {
  switch (step) {
    case 'approve':
      return 'approved';
    case 'reject':
      return 'rejected';
    case 'cancel':
      return 'cancelled';
    case 'issue':
      return swap ? 'returned' : 'issued';
    case 'return':
      return 'returned';
    case 'writeoff':
      return 'closed';
    case 'sanitise':
      return order.confirmed ? 'closed' : 'sanitised';
    case 'confirm':
      return order.state === 'sanitised' ? 'closed' : order.state;
  }
}

/** NIST SP 800-88 sanitisation methods. */
export const SANITISATION_METHODS = ['clear', 'purge', 'destroy'] as const;
export type SanitisationMethod = (typeof SANITISATION_METHODS)[number];

/** Where the media go after sanitisation (Appendix G "post-sanitization destination"). */
export const DESTINATIONS = [
  'internal-reuse',
  'external-reuse',
  'recycling',
  'manufacturer',
  'destroyed',
] as const;
export type Destination = (typeof DESTINATIONS)[number];

/** The technique a method usually means: the form's first suggestion, the API's default. */
export const USUAL_TECHNIQUE: Record<SanitisationMethod, string> = {
  clear: 'overwrite / factory reset',
  purge: 'cryptographic erase',
  destroy: 'shred',
};

/** Where media usually go after a method: the form's first suggestion, the API's default. */
export function usualDestination(method: SanitisationMethod): Destination {
  return method === 'destroy' ? 'destroyed' : 'internal-reuse';
}

/** How the result was checked (Appendix G "verification method"). */
export const VERIFICATIONS = ['full', 'quick-sampling', 'other'] as const;

/** The status a device has after sanitisation by a method. */
export function statusAfter(method: SanitisationMethod): DeviceStatus {
  return method === 'destroy' ? 'destroyed' : 'wiped';
}

/**
 * Why the organisation may not take a device into its hands (swap, return, sanitisation), or
 * null: a personal device is the employee's own (DESIGN §5a) — it is never taken, returned,
 * sanitised or destroyed; its owner states it is no longer used for official business, and the
 * organisation's data on it may be removed (recorded, verified by a second person).
 */
export function refuseTaking(device: { ownership: string | null }): string | null {
  return device.ownership === 'personal'
    ? 'is personal (its owner’s own): the organisation never takes, returns, sanitises or destroys it; its owner states it is no longer used for official business, and the organisation’s data on it may be removed'
    : null;
}

/**
 * Why a device cannot be sanitised by a method, or null when it can: only a device that has
 * been handed in (retired, with no owner) is cleared or purged; a wiped one may still be destroyed.
 */
export function refuseSanitisation(
  device: { status: DeviceStatus; owner: string | null; ownership?: string | null },
  method: SanitisationMethod,
): string | null {
  const own = refuseTaking({ ownership: device.ownership ?? null });
  if (own) return own;
  if (device.status === 'retired' && device.owner === null) return null;
  if (device.status === 'wiped' && method === 'destroy') return null;
  if (device.status === 'wiped') return 'is wiped already (only destroying it is left)';
  if (device.status === 'destroyed') return 'is destroyed already';
  if (device.owner !== null) return `is still held by ${device.owner}: receive it back first`;
  return `is ${device.status}: only a returned (retired) device can be sanitised`;
}

/** The certificate number of a sanitisation record when none was given. */
export function certificateNumber(id: number, day: string): string {
  return `SAN-${day.slice(0, 4)}-${String(id).padStart(6, '0')}`;
}

/** One mandate's demand for replacements against the free stock of what it offers, and its pace. */
export interface ShortageLine {
  mandate: string;
  due: string | null;
  items: string[];
  /** Caught devices still held (open findings). */
  open: number;
  /** Of those, devices whose owners have no live order. */
  withoutOrder: number;
  /** Orders requested and not yet approved (no unit reserved yet). */
  awaitingApproval: number;
  /** Units in stock, not reserved, of the items offered. */
  available: number;
  shortfall: number;
  /** Old devices handed back a day, over the last 14 days. */
  ratePerDay: number;
  /** When the last caught device would be handed back at that pace; null when nothing moves. */
  projectedCompletion: string | null;
  warnings: ShortageWarning[];
}

export type ShortageWarning =
  | { kind: 'short'; need: number; available: number; shortfall: number }
  | { kind: 'pace'; projectedCompletion: string | null }
  | { kind: 'due-passed'; open: number };

const DAY_MS = 86_400_000;

/**
 * Judges one mandate on `now`: short when the devices without an order and the requests awaiting
 * approval outnumber the free units; behind when, at the pace of the last 14 days, the caught
 * devices still held are not all handed back by the end of the due day; late once that day is over.
 */
export function judgeShortage(input: {
  mandate: string;
  due: string | null;
  /** The end of the due day (00:00 of the next), or null without a due date. */
  dueEnd: number | null;
  items: string[];
  open: number;
  withoutOrder: number;
  awaitingApproval: number;
  available: number;
  returnedLast14Days: number;
  now: number;
}): ShortageLine {
  const need = input.withoutOrder + input.awaitingApproval;
  const shortfall = Math.max(0, need - input.available);
  const ratePerDay = input.returnedLast14Days / 14;
  const projected =
    input.open === 0
      ? input.now
      : ratePerDay > 0
        ? input.now + Math.ceil((input.open / ratePerDay) * DAY_MS)
        : null;
  const warnings: ShortageWarning[] = [];
  if (shortfall > 0) warnings.push({ kind: 'short', need, available: input.available, shortfall });
  if (input.open > 0 && input.dueEnd !== null) {
    if (input.now >= input.dueEnd) warnings.push({ kind: 'due-passed', open: input.open });
    else if (projected === null || projected > input.dueEnd)
      warnings.push({
        kind: 'pace',
        projectedCompletion: projected === null ? null : new Date(projected).toISOString(),
      });
  }
  return {
    mandate: input.mandate,
    due: input.due,
    items: input.items,
    open: input.open,
    withoutOrder: input.withoutOrder,
    awaitingApproval: input.awaitingApproval,
    available: input.available,
    shortfall,
    ratePerDay: Math.round(ratePerDay * 100) / 100,
    projectedCompletion: projected === null ? null : new Date(projected).toISOString(),
    warnings,
  };
}

/** A warning in plain English, for the command line and the API. */
export function describeWarning(w: ShortageWarning, due: string | null): string {
  switch (w.kind) {
    case 'short':
      return `${w.need} devices need a replacement${due ? ` by ${due}` : ''} but only ${w.available} units are free: ${w.shortfall} short`;
    case 'pace':
      return w.projectedCompletion
        ? `at the pace of the last 14 days the last device is handed back on ${w.projectedCompletion.slice(0, 10)}, after the due date ${due}`
        : `no device was handed back in the last 14 days: the due date ${due} cannot be met at this pace`;
    case 'due-passed':
      return `the due date ${due} has passed with ${w.open} caught devices still held`;
  }
}
