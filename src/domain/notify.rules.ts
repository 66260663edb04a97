import { Duration } from 'luxon';
import { notifyOf, resolvePhaseOf, type MandateDocument } from './mandate.model.js';
import { addDuration, DAY_MS, endOfDay, startOfDay, type Instant } from './time.js';
import type { Language } from './notify.messages.js';
import { resolveDeadlineOf } from './status.rules.js';

export type Recipient = 'official' | 'supervisor' | 'unit-head' | 'officers';

/** One step of a mandate's ladder: a reminder before the due date or an escalation after it. */
export interface LadderStep {
  /** Stable within a mandate: `remind-P3D`, `escalate-P1D-supervisor`. */
  id: string;
  kind: 'remind' | 'escalate';
  to: Recipient;
  /** For a reminder, the moment it is due (00:00 of the due day less the offset). */
  at?: Instant;
  /** For an escalation, how long after the finding became overdue. */
  after?: Duration;
  repeat?: Duration;
}

export interface Ladder {
  dueStart: Instant;
  dueEnd: Instant;
  /** The due day's end plus the phase's grace: escalations count from here. */
  overdueAt: Instant;
  /** Reminders ordered by time, then escalations ordered by their delay. */
  steps: LadderStep[];
  digest: 'daily' | 'weekly' | 'none';
}

/** The ladder of a mandate version in `zone`; null when it has no resolve phase with a due date. */
export function ladderOf(doc: MandateDocument, zone: string): Ladder | null {
  const due = resolvePhaseOf(doc)?.due;
  if (!due) return null;
  return ladderForDue(due, notifyOf(doc), zone, resolveDeadlineOf(doc, zone).overdueAt!);
}

/** The ladder for a due day and a `notify` section (a mandate's, or a campaign's defaults). */
export function ladderForDue(
  due: string,
  notify: ReturnType<typeof notifyOf>,
  zone: string,
  overdueAt = endOfDay(due, zone),
): Ladder {
  const dueStart = startOfDay(due, zone);
  const reminders: LadderStep[] = notify.remind.map((r) => ({
    id: `remind-${r}`,
    kind: 'remind',
    to: 'official',
    at: addDuration(dueStart, Duration.fromISO(r).negate(), zone),
  }));
  reminders.sort((a, b) => a.at! - b.at!);
  const escalations: LadderStep[] = notify.escalate.map((e) => ({
    id: `escalate-${e.after}-${e.to}`,
    kind: 'escalate',
    to: e.to,
    after: Duration.fromISO(e.after),
    ...(e.repeat ? { repeat: Duration.fromISO(e.repeat) } : {}),
  }));
  escalations.sort((a, b) => a.after!.as('milliseconds') - b.after!.as('milliseconds'));
  return {
    dueStart,
    dueEnd: endOfDay(due, zone),
    overdueAt,
    steps: [...reminders, ...escalations],
    digest: notify.digest,
  };
}

/** What is known of one finding when the scheduler looks at it. */
export interface FindingLife {
  opened: Instant;
  closed: Instant | null;
  /** Whether an approved exemption covers the finding at that moment. */
  exemptAt: (at: Instant) => boolean;
}

/** A message the ladder asks for now: step, which repetition, and its key for exactly-once. */
export interface DueMessage {
  step: string;
  to: Recipient;
  occurrence: number;
  /** `step#occurrence`: with the finding, the key a message is sent once for. */
  key: string;
  /** The moment the step fell due. */
  at: Instant;
}

/** When a finding became overdue: the end of the due day, or its opening if it was caught later. */
export function overdueSince(ladder: Ladder, f: FindingLife): Instant {
  return Math.max(ladder.overdueAt, f.opened);
}

/**
 * The messages the ladder asks for at `now` (DESIGN: reminders, then escalations).
 *
 * - Nothing for a finding closed or exempt at `now`: resolving or exempting before a step
 *   means the step is not sent.
 * - A reminder is sent only within its window, from its moment until the next reminder or the
 *   due date; one that was missed (downtime, a finding caught later) is superseded, not sent late.
 * - Each escalation step is sent once; a repeating one sends only its latest repetition, so
 *   that catching up after downtime gives one message per step, never a flood.
 */
export function dueMessages(
  ladder: Ladder,
  f: FindingLife,
  now: Instant,
  zone: string,
): DueMessage[] {
  if (now < f.opened || (f.closed !== null && f.closed <= now) || f.exemptAt(now)) return [];
  const out: DueMessage[] = [];
  const reminders = ladder.steps.filter((s) => s.kind === 'remind');
  reminders.forEach((r, i) => {
    const until = reminders[i + 1]?.at ?? ladder.dueStart;
    const end = Math.min(until, ladder.dueEnd);
    if (r.at! <= now && now < end)
      out.push({
        step: r.id,
        to: r.to,
        occurrence: 0,
        key: `${r.id}#0`,
        at: Math.max(r.at!, f.opened),
      });
  });
  const since = overdueSince(ladder, f);
  for (const e of ladder.steps.filter((s) => s.kind === 'escalate')) {
    const first = addDuration(since, e.after!, zone);
    if (now < first) continue;
    let occurrence = 0;
    let at = first;
    if (e.repeat) {
      for (
        let next = addDuration(at, e.repeat, zone);
        next <= now;
        next = addDuration(at, e.repeat, zone)
      ) {
        at = next;
        occurrence++;
      }
    }
    out.push({ step: e.id, to: e.to, occurrence, key: `${e.id}#${occurrence}`, at });
  }
  return out;
}

/** The moments the ladder will act for a finding from `from`, if nothing changes: the preview. */
export function plannedSteps(
  ladder: Ladder,
  f: Pick<FindingLife, 'opened'>,
  from: Instant,
  zone: string,
  repeats = 2,
): { step: string; to: Recipient; at: Instant }[] {
  const out: { step: string; to: Recipient; at: Instant }[] = [];
  const reminders = ladder.steps.filter((s) => s.kind === 'remind');
  reminders.forEach((r, i) => {
    const until = reminders[i + 1]?.at ?? ladder.dueStart;
    const at = Math.max(r.at!, f.opened, from);
    if (at < until) out.push({ step: r.id, to: r.to, at });
  });
  const since = Math.max(ladder.overdueAt, f.opened);
  for (const e of ladder.steps.filter((s) => s.kind === 'escalate')) {
    let at = addDuration(since, e.after!, zone);
    if (!e.repeat) {
      if (at >= from) out.push({ step: e.id, to: e.to, at });
      continue;
    }
    // A repeating step: its next `repeats + 1` occurrences from `from`.
    while (at < from) at = addDuration(at, e.repeat, zone);
    for (let n = 0; n <= repeats; n++) {
      out.push({ step: e.id, to: e.to, at });
      at = addDuration(at, e.repeat, zone);
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Someone a message is addressed to: a person (by id) or an officer's account. */
export interface Addressee {
  key: string;
  address: string | null;
  /** The language the recipient's account reads in, if they have one and chose. */
  language: Language | null;
}

/**
 * Who can be told for one finding, rung by rung: the official (none when a unit holds the
 * device), their supervisor, the head of the finding's unit (none when it has no active head),
 * the heads of the units above it (nearest first), and the officers.
 */
export interface Rungs {
  official: Addressee | null;
  supervisor: Addressee | null;
  unitHead: Addressee | null;
  headsAbove: Addressee[];
  officers: Addressee[];
}

/** Where a step went: to whom, and, when not to the rung it asked for, why and which instead. */
export interface Route {
  to: Addressee[];
  /** null: the rung asked for was reached; else what was missing and where the step went. */
  rerouted: { from: Recipient; via: Recipient | null; why: string } | null;
}

/**
 * Routes a ladder step so that a message reaches someone or says so (DESIGN §5a): a rung with
 * nobody who can be written to (no person, no head, no address) hands the step to the next —
 * official or supervisor → the unit's head → the head of each unit above → the officers. With
 * nobody at all, the step waits (`to` empty) until someone appears.
 */
export function routeStep(asked: Recipient, r: Rungs): Route {
  const heads = [r.unitHead, ...r.headsAbove].map((h) => ['unit-head', [h]] as const);
  const chain: (readonly [Recipient, readonly (Addressee | null)[]])[] =
    asked === 'officers'
      ? [['officers', r.officers]]
      : [
          ...(asked === 'official' ? [['official', [r.official]] as const] : []),
          ...(asked === 'supervisor' ? [['supervisor', [r.supervisor]] as const] : []),
          ...heads,
          ['officers', r.officers],
        ];
  for (const [i, [rung, people]] of chain.entries()) {
    const to = people.filter((a): a is Addressee => a !== null && a.address !== null);
    if (to.length === 0) continue;
    return { to, rerouted: i === 0 ? null : { from: asked, via: rung, why: missing(asked, r) } };
  }
  return { to: [], rerouted: { from: asked, via: null, why: missing(asked, r) } };
}

/** Why the rung asked for could not be reached, in a few words for the messages log. */
function missing(asked: Recipient, r: Rungs): string {
  const who =
    asked === 'official'
      ? r.official
      : asked === 'supervisor'
        ? r.supervisor
        : asked === 'unit-head'
          ? r.unitHead
          : null;
  if (asked === 'officers') return 'no officer with an e-mail address';
  const personless = r.official === null && asked !== 'unit-head';
  if (who === null)
    return personless
      ? 'a unit holds the device: no person'
      : asked === 'supervisor'
        ? 'no supervisor'
        : 'no unit head';
  return `${who.key} has no e-mail address`;
}

/**
 * One message per person per finding and round: of `to`, those not yet told (now told, with
 * `step`), and those told already by another step of the same round (kept as merged, not sent).
 */
export function tellOnce(
  told: Map<string, string>,
  to: readonly Addressee[],
  step: string,
): { to: Addressee[]; merged: Addressee[] } {
  const merged = to.filter((r) => told.has(r.key));
  const fresh = to.filter((r) => !told.has(r.key));
  for (const r of fresh) told.set(r.key, step);
  return { to: fresh, merged };
}

/** Days after a handover on which an unconfirmed receipt is reminded. */
export const RECEIPT_STEPS = [1, 3, 7] as const;

/**
 * What an official is told about a replacement order by `now`: once when it is approved (what is
 * reserved and where), then to confirm receipt 1, 3 and 7 days after the handover — only the
 * latest step that has fallen due.
 */
export function orderMessageDue(
  o: { id: number; state: string; approved_at: number | null; issued_at: number | null },
  now: Instant,
): { key: string; at: Instant } | null {
  if (o.state === 'approved')
    return o.approved_at === null ? null : { key: `order-${o.id}:collect`, at: o.approved_at };
  if (o.issued_at === null) return null;
  const step = [...RECEIPT_STEPS].reverse().find((d) => o.issued_at! + d * DAY_MS <= now);
  return step === undefined
    ? null
    : { key: `order-${o.id}:receipt-P${step}D`, at: o.issued_at + step * DAY_MS };
}
