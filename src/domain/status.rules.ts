import type { DeviceStatus } from './device.model.js';
import type { CloseReason } from './finding.rules.js';
import { resolvePhaseOf, type MandateDocument, type Phase } from './mandate.model.js';
import {
  addDuration,
  DAY_MS,
  dayOf,
  endOfDay,
  formatInstant,
  parseDuration,
  startOfDay,
  type Instant,
} from './time.js';
import type {
  Deadline,
  DeviceCounts,
  Forecast,
  MandateStatus,
  PeopleCounts,
  PhaseState,
  PhaseStatus,
} from '../contract/status.js';

// The shapes of a status are the API's (`contract/status.ts`); the rules that fill them are here.
export type {
  Deadline,
  DeviceCounts,
  Forecast,
  MandateStatus,
  PeopleCounts,
  PhaseState,
  PhaseStatus,
};

/** The one place a phase's deadline is read: the end of its due day, and that plus its grace. */
export function deadlineOf(
  phase: Phase | undefined,
  zone: string,
): { due: string | null; dueEnd: Instant | null; overdueAt: Instant | null } {
  const due = phase?.due ?? null;
  if (!due) return { due: null, dueEnd: null, overdueAt: null };
  const dueEnd = endOfDay(due, zone);
  const grace = phase?.grace ? parseDuration(phase.grace) : null;
  return { due, dueEnd, overdueAt: grace ? addDuration(dueEnd, grace, zone) : dueEnd };
}

/**
 * A deadline as seen at T: when findings become overdue (the due day's end plus grace), and how
 * many days of the organisation's calendar are left until the last day before that — 0 on that
 * day, negative once it has passed (the first day after is -1). The console shows these; it
 * computes no deadline of its own.
 */
export function deadlineAsOf(phase: Phase | undefined, zone: string, at: Instant): Deadline {
  const { due, overdueAt } = deadlineOf(phase, zone);
  if (overdueAt === null) return { due, lastDay: null, overdueAt: null, daysLeft: null };
  const lastDay = dayOf(overdueAt - 1, zone);
  const today = dayOf(at, zone);
  return {
    due,
    lastDay,
    overdueAt: formatInstant(overdueAt),
    daysLeft: Math.round((Date.parse(lastDay) - Date.parse(today)) / DAY_MS),
  };
}

/** The deadline of a mandate's resolve phase (DESIGN §5): findings are overdue from `overdueAt`. */
export function resolveDeadlineOf(doc: MandateDocument, zone: string) {
  return deadlineOf(resolvePhaseOf(doc), zone);
}

export type FindingState = 'pending' | 'overdue' | 'exempt';

/** How a closed finding reads (DESIGN §5, §5a): the first rule that matches, else `resolved`. */
export const CLOSED_STATES = [
  { reason: 'transferred', state: 'transferred' },
  { reason: 'owner_left', state: 'departed' },
  { reason: 'owner_out_of_scope', state: 'departed' },
  { status: 'lost', state: 'lost' },
] as const satisfies readonly (
  { reason: CloseReason; state: string } | { status: DeviceStatus; state: string }
)[];
export type ClosedState = (typeof CLOSED_STATES)[number]['state'] | 'resolved';

/** The reasons a closed finding departs rather than resolves. */
export const DEPARTING_REASONS = CLOSED_STATES.flatMap((r) =>
  'reason' in r && r.state === 'departed' ? [r.reason] : [],
);

/** What a closed finding reads as, by its close reason and the device's status then. */
export function closedState(reason: string | null, status: string | null): ClosedState {
  for (const r of CLOSED_STATES)
    if ('reason' in r ? r.reason === reason : r.status === status) return r.state;
  return 'resolved';
}
/** Whether a deadline has passed at T: from the end of the due day plus grace (DESIGN §5). */
export function isOverdue(at: Instant, overdueAt: Instant | null): boolean {
  return overdueAt !== null && at >= overdueAt;
}

/** The state of a finding open at T (DESIGN §5); `overdueAt` is the due day's end plus grace. */
export function findingState(
  exempt: boolean,
  at: Instant,
  overdueAt: Instant | null,
): FindingState {
  if (exempt) return 'exempt';
  return isOverdue(at, overdueAt) ? 'overdue' : 'pending';
}

/** When a phase begins: its `starts`, never before the mandate's issuedAt. */
export function phaseStart(doc: MandateDocument, phase: Phase, zone: string): Instant {
  const issued = startOfDay(doc.metadata.issuedAt, zone);
  return phase.starts ? Math.max(issued, startOfDay(phase.starts, zone)) : issued;
}

/** State of the resolve phase at T. */
export function resolvePhaseState(
  doc: MandateDocument,
  phase: Phase,
  at: Instant,
  zone: string,
  devices: DeviceCounts,
): PhaseStatus {
  const base = phaseBase(phase);
  if (at < phaseStart(doc, phase, zone)) return { ...base, state: 'upcoming' };
  const open = devices.pending + devices.overdue;
  const total = caughtEver(devices);
  const { overdueAt } = deadlineOf(phase, zone);
  let state: PhaseState = 'open';
  if (open === 0) state = 'met';
  else if (isOverdue(at, overdueAt) && devices.overdue > 0) state = 'missed';
  return {
    ...base,
    state,
    ...(phase.grace && overdueAt !== null
      ? { grace: phase.grace, graceEnds: formatInstant(overdueAt) }
      : {}),
    ...(total === 0 ? { nothingCaught: true } : {}),
  };
}

/** State of an attest phase at T, from who must attest and when each first did. */
export function attestPhaseState(
  doc: MandateDocument,
  phase: Phase,
  at: Instant,
  zone: string,
  required: string[],
  firstAttested: Map<string, Instant>,
  headless: number,
): PhaseStatus {
  const base = { ...phaseBase(phase), attestBy: phase.attestBy ?? 'unit-head' };
  const attestedTimes = required
    .map((r) => firstAttested.get(r))
    .filter((t): t is Instant => t !== undefined && t <= at);
  const counts = { required: required.length, attested: attestedTimes.length, headless };
  if (at < phaseStart(doc, phase, zone))
    return { ...base, ...counts, state: 'upcoming', metAt: null };
  const dueEnd = phase.due ? endOfDay(phase.due, zone) : null;
  if (attestedTimes.length === required.length) {
    const metAt = attestedTimes.length > 0 ? formatInstant(Math.max(...attestedTimes)) : null;
    return { ...base, ...counts, state: 'met', metAt };
  }
  const state: PhaseState = dueEnd !== null && at >= dueEnd ? 'missed' : 'open';
  return { ...base, ...counts, state, metAt: null };
}

function phaseBase(p: Phase): Omit<PhaseStatus, 'state'> {
  return {
    id: p.id,
    ...(p.title ? { title: p.title } : {}),
    requires: p.requires,
    ...(p.starts ? { starts: p.starts } : {}),
    ...(p.due ? { due: p.due } : {}),
  };
}

/** How many devices were ever caught up to T: open, exempt, resolved or departed (DESIGN §5a). */
export function caughtEver(d: DeviceCounts): number {
  return d.pending + d.overdue + d.exempt + d.resolved + d.departed;
}

/**
 * DESIGN §5 forecast from devices resolved in the 14 days up to T. With nothing ever caught there
 * is nothing to forecast: never "on track" (§5a).
 */
export function forecast(
  at: Instant,
  resolvedLast14Days: number,
  open: number,
  dueEnd: Instant | null,
  caught = 1,
): Forecast {
  if (caught === 0)
    return { ratePerDay: 0, projectedCompletion: null, onTrack: false, nothingCaught: true };
  const rate = resolvedLast14Days / 14;
  if (open === 0)
    return { ratePerDay: rate, projectedCompletion: formatInstant(at), onTrack: true };
  if (rate === 0) return { ratePerDay: 0, projectedCompletion: null, onTrack: false };
  const projected = at + Math.round((open / rate) * DAY_MS);
  return {
    ratePerDay: rate,
    projectedCompletion: formatInstant(projected),
    onTrack: dueEnd === null ? true : projected <= dueEnd,
  };
}
