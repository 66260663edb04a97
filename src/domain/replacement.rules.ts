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

/** Steps a person takes on an order; `sanitise` is taken by a verified sanitisation record. */
export type OrderStep =
  'request' | 'approve' | 'reject' | 'cancel' | 'issue' | 'return' | 'confirm' | 'sanitise';

/** From which states each step may be taken. */
const FROM: Record<OrderStep, readonly OrderState[]> = {
  request: [],
  approve: ['requested'],
  reject: ['requested', 'approved'],
  cancel: ['requested', 'approved'],
  issue: ['approved'],
  return: ['issued'],
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
    case 'sanitise':
      return order.confirmed ? 'closed' : 'sanitised';
    case 'confirm':
      return order.state === 'sanitised' ? 'closed' : order.state;
  }
}

/** NIST SP 800-88 sanitisation methods. */
export const SANITISATION_METHODS = ['clear', 'purge', 'destroy'] as const;
export type SanitisationMethod = (typeof SANITISATION_METHODS)[number];

/** The status a device has after sanitisation by a method. */
export function statusAfter(method: SanitisationMethod): DeviceStatus {
  return method === 'destroy' ? 'destroyed' : 'wiped';
}

/**
 * Why a device cannot be sanitised by a method, or null when it can: only a device that has
 * been handed in (retired, with no owner) is cleared or purged; a wiped one may still be destroyed.
 */
export function refuseSanitisation(
  device: { status: DeviceStatus; owner: string | null },
  method: SanitisationMethod,
): string | null {
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

/** Per offered model: demand against stock; a warning when the deadline cannot be met. */
export interface ShortageLine {
  mandate: string;
  due: string | null;
  items: string[];
  /** Caught devices whose owners have no live order for them. */
  withoutOrder: number;
  /** Orders requested and not yet approved (no unit reserved yet). */
  awaitingApproval: number;
  /** Units in stock, not reserved, of the items offered. */
  available: number;
  shortfall: number;
  warning: string | null;
}

/** Judges one mandate's demand against its offered stock on `today` (a day in the zone). */
export function judgeShortage(input: {
  mandate: string;
  due: string | null;
  items: string[];
  withoutOrder: number;
  awaitingApproval: number;
  available: number;
  today: string;
}): ShortageLine {
  const need = input.withoutOrder + input.awaitingApproval;
  const shortfall = Math.max(0, need - input.available);
  let warning: string | null = null;
  if (input.due !== null && input.today > input.due && input.withoutOrder > 0)
    warning = `the due date ${input.due} has passed with ${input.withoutOrder} caught devices without a replacement order`;
  else if (shortfall > 0)
    warning = `${need} devices need a replacement${input.due ? ` by ${input.due}` : ''} but only ${input.available} units are in stock: ${shortfall} short`;
  return {
    mandate: input.mandate,
    due: input.due,
    items: input.items,
    withoutOrder: input.withoutOrder,
    awaitingApproval: input.awaitingApproval,
    available: input.available,
    shortfall,
    warning,
  };
}
