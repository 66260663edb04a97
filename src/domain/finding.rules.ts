import type { Device } from './device.model.js';
import type { Person } from './person.model.js';
import { isInScope, isUnitInScope, type Scope } from './scope.js';
import type { CompiledTarget, Decision } from './target.compile.js';
import type { Instant } from './time.js';

export const CLOSE_REASONS = [
  'device_changed',
  'device_inactive',
  'owner_out_of_scope',
  'owner_left',
  'transferred',
  'mandate_changed',
  'withdrawn',
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/**
 * Whether a mandate catches a device now, and if not, why; `unknown` when the target is
 * undecided; `unassigned` when the target holds but nobody holds the device (DESIGN §5a). The
 * owner is null when a unit holds the device.
 */
export type Verdict =
  | { caught: true; owner: string | null; unit: string }
  | {
      caught: false;
      reason: CloseReason;
      error?: string;
      unknown?: { owner: string | null; unit: string; reason: string };
      unassigned?: boolean;
    };

/** What a mandate needs to judge devices. */
export interface Judge {
  scope: Scope;
  target: CompiledTarget;
}

/**
 * DESIGN §5 and §5a "caught": an active device whose target holds (a personal one only while
 * used for official business), owned by an active person in scope — or, with no active owner,
 * not personal and held by a custodian unit in scope (then every `person.*` is absent). A personal device without an active owner is not the
 * organisation's: it departs (`owner_left`). One that nobody holds is never caught but is
 * `unassigned` when the target holds.
 */
export function judgeDevice(judge: Judge, device: Device | null, owner: Person | null): Verdict {
  if (!device || device.status !== 'active') return { caught: false, reason: 'device_inactive' };
  // An employee's own device no longer used for official business is not the organisation's
  // concern: their statement resolves it (DESIGN §5a "personal devices are never taken").
  if (isPrivate(device)) return { caught: false, reason: 'device_changed' };
  const holder = owner?.active ? owner : null;
  if (holder) {
    if (!isInScope(holder, judge.scope)) return { caught: false, reason: 'owner_out_of_scope' };
    return verdictOf(judge.target.decide(device, holder), holder.id, holder.unit);
  }
  const gone: CloseReason = owner ? 'owner_left' : 'owner_out_of_scope';
  if (device.ownership === 'personal') return { caught: false, reason: gone };
  if (device.unit !== null) {
    if (!isUnitInScope(device.unit, judge.scope))
      return { caught: false, reason: 'owner_out_of_scope' };
    return verdictOf(judge.target.decide(device, null), null, device.unit);
  }
  return { caught: false, reason: gone, unassigned: judge.target.decide(device, null) === true };
}

/** A personal device not used for official business: outside every mandate. */
export function isPrivate(device: Pick<Device, 'ownership' | 'purposes'>): boolean {
  return device.ownership === 'personal' && !device.purposes.includes('official');
}

function verdictOf(decided: Decision, owner: string | null, unit: string): Verdict {
  if (decided === true) return { caught: true, owner, unit };
  if (decided === false) return { caught: false, reason: 'device_changed' };
  // Undecided (DESIGN §5): not caught, and unknown for this mandate with the reason.
  return {
    caught: false,
    reason: 'device_changed',
    error: decided.reason,
    unknown: { owner, unit, reason: decided.reason },
  };
}

/** An unassigned interval still open. */
export interface OpenUnassigned {
  id: number;
  openedAt: Instant;
}

/** What to write for a device's unassigned interval: close (or drop) and/or open. */
export interface UnassignedChange {
  close?: { id: number; at: Instant; drop: boolean };
  open?: { at: Instant };
}

/**
 * Unassigned intervals (DESIGN §5a) follow the findings' rule: one opens when the target holds
 * for a device nobody holds, and closes when either stops; nothing opens before `issuedAt`.
 */
export function reconcileUnassigned(
  open: OpenUnassigned | undefined,
  verdict: Verdict,
  at: Instant,
  issuedAt: Instant,
): UnassignedChange {
  const when = Math.max(at, issuedAt);
  const unassigned = !verdict.caught && verdict.unassigned === true;
  if (unassigned) return open ? {} : { open: { at: when } };
  return open ? { close: { id: open.id, at: when, drop: when <= open.openedAt } } : {};
}

/** An unknown interval still open. */
export interface OpenUnknown {
  id: number;
  owner: string | null;
  unit: string;
  reason: string;
  openedAt: Instant;
}

/** What to write for a device's unknown interval: close (or drop) and/or open. */
export interface UnknownChange {
  close?: { id: number; at: Instant; drop: boolean };
  open?: { owner: string | null; unit: string; reason: string; at: Instant };
}

/**
 * Unknown intervals follow the same rule as findings: one opens when the target becomes
 * undecided, closes when it is decided (or the device leaves), and a change of owner, unit or
 * reason closes one and opens the next at the same instant; nothing opens before `issuedAt`.
 */
export function reconcileUnknown(
  open: OpenUnknown | undefined,
  verdict: Verdict,
  at: Instant,
  issuedAt: Instant,
): UnknownChange {
  const when = Math.max(at, issuedAt);
  const u = verdict.caught ? undefined : verdict.unknown;
  if (!u) return open ? { close: { id: open.id, at: when, drop: when <= open.openedAt } } : {};
  if (!open) return { open: { ...u, at: when } };
  if (open.owner === u.owner && open.unit === u.unit && open.reason === u.reason) return {};
  return {
    close: { id: open.id, at: when, drop: when <= open.openedAt },
    open: { ...u, at: when },
  };
}

/** A finding still open. */
export interface OpenFinding {
  id: number;
  owner: string | null;
  unit: string;
  openedAt: Instant;
}

/** What to write for one device: close (or drop, when it would close as it opens) and/or open. */
export interface FindingChange {
  close?: { id: number; at: Instant; reason: CloseReason; drop: boolean };
  open?: { owner: string | null; unit: string; at: Instant };
}

/**
 * Turns a verdict at an effective time into finding writes. Nothing opens before `issuedAt`:
 * both ends are moved up to it, so a finding that would open and close at once is dropped.
 */
export function reconcileFinding(
  open: OpenFinding | undefined,
  verdict: Verdict,
  at: Instant,
  issuedAt: Instant,
  reasonOverride?: CloseReason,
): FindingChange {
  const when = Math.max(at, issuedAt);
  if (!verdict.caught) {
    if (!open) return {};
    const reason = reasonOverride ?? verdict.reason;
    return { close: { id: open.id, at: when, reason, drop: when <= open.openedAt } };
  }
  if (!open) return { open: { owner: verdict.owner, unit: verdict.unit, at: when } };
  if (open.owner === verdict.owner && open.unit === verdict.unit) return {};
  return {
    close: { id: open.id, at: when, reason: 'transferred', drop: when <= open.openedAt },
    open: { owner: verdict.owner, unit: verdict.unit, at: when },
  };
}
