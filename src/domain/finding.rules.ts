import type { Device } from './device.model.js';
import type { Person } from './person.model.js';
import { isInScope, type Scope } from './scope.js';
import type { CompiledTarget } from './target.compile.js';
import type { Instant } from './time.js';

export const CLOSE_REASONS = [
  'device_changed',
  'device_inactive',
  'owner_out_of_scope',
  'transferred',
  'mandate_changed',
  'withdrawn',
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Whether a mandate catches a device now, and if not, why; `unknown` when the target is undecided. */
export type Verdict =
  | { caught: true; owner: string; unit: string }
  | {
      caught: false;
      reason: CloseReason;
      error?: string;
      unknown?: { owner: string; unit: string; reason: string };
    };

/** What a mandate needs to judge devices. */
export interface Judge {
  scope: Scope;
  target: CompiledTarget;
}

/** DESIGN §5 "caught": active, owned by someone in scope, and the target holds. */
export function judgeDevice(judge: Judge, device: Device | null, owner: Person | null): Verdict {
  if (!device || device.status !== 'active') return { caught: false, reason: 'device_inactive' };
  if (!owner || !isInScope(owner, judge.scope))
    return { caught: false, reason: 'owner_out_of_scope' };
  const decided = judge.target.decide(device, owner);
  if (decided === true) return { caught: true, owner: owner.id, unit: owner.unit };
  if (decided === false) return { caught: false, reason: 'device_changed' };
  // Undecided (DESIGN §5): not caught, and unknown for this mandate with the reason.
  return {
    caught: false,
    reason: 'device_changed',
    error: decided.reason,
    unknown: { owner: owner.id, unit: owner.unit, reason: decided.reason },
  };
}

/** An unknown interval still open. */
export interface OpenUnknown {
  id: number;
  owner: string;
  unit: string;
  reason: string;
  openedAt: Instant;
}

/** What to write for a device's unknown interval: close (or drop) and/or open. */
export interface UnknownChange {
  close?: { id: number; at: Instant; drop: boolean };
  open?: { owner: string; unit: string; reason: string; at: Instant };
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
  owner: string;
  unit: string;
  openedAt: Instant;
}

/** What to write for one device: close (or drop, when it would close as it opens) and/or open. */
export interface FindingChange {
  close?: { id: number; at: Instant; reason: CloseReason; drop: boolean };
  open?: { owner: string; unit: string; at: Instant };
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
