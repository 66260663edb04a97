import { z } from 'zod';
import { count, day, instant, moment, operation, queryFlag } from './operation.js';

/** Devices of a mandate by state at a moment. */
export const DeviceCounts = z.object({
  pending: count,
  overdue: count,
  exempt: count,
  resolved: count,
  /** Of the resolved, how many left because they were lost: not a real resolution. */
  lost: count,
  /** Devices whose target could not be decided (DESIGN §5): neither caught nor resolved. */
  unknown: count,
  /**
   * Devices whose last finding closed as their owner left or moved out of scope (DESIGN §5a):
   * not progress, and not counted as resolved.
   */
  departed: count,
  /** Active devices the target matches that nobody holds: never caught, never silent (§5a). */
  unassigned: count,
});
export type DeviceCounts = z.output<typeof DeviceCounts>;

/** People of a mandate's scope at a moment. */
export const PeopleCounts = z.object({
  inScope: count,
  affected: count,
  nonCompliant: count,
  overdue: count,
});
export type PeopleCounts = z.output<typeof PeopleCounts>;

export const PHASE_STATES = ['upcoming', 'open', 'met', 'missed'] as const;
export type PhaseState = (typeof PHASE_STATES)[number];

/** One phase of a mandate and its state at a moment. */
export const PhaseStatus = z.object({
  id: z.string(),
  title: z.string().optional(),
  requires: z.enum(['resolve', 'attest']),
  starts: day.optional(),
  due: day.optional(),
  state: z.enum(PHASE_STATES),
  nothingCaught: z.boolean().optional(),
  /** The phase's grace and when it ends: findings are overdue from then. */
  grace: z.string().optional(),
  graceEnds: instant.optional(),
  attestBy: z.enum(['unit-head', 'person']).optional(),
  required: count.optional(),
  attested: count.optional(),
  headless: count.optional(),
  metAt: instant.nullable().optional(),
});
export type PhaseStatus = z.output<typeof PhaseStatus>;

/** The pace of the last 14 days and when, at that pace, nothing is open. */
export const Forecast = z.object({
  ratePerDay: z.number(),
  projectedCompletion: instant.nullable(),
  onTrack: z.boolean(),
  /** Nothing was ever caught up to T: no pace, no projection, never "on track" (DESIGN §5a). */
  nothingCaught: z.boolean().optional(),
});
export type Forecast = z.output<typeof Forecast>;

/** The resolve phase's deadline as seen at a moment (`status.rules.ts` `deadlineAsOf`). */
export const Deadline = z.object({
  due: day.nullable(),
  lastDay: day.nullable().meta({
    description: 'the last day before findings are overdue: the due day, or the grace’s last',
  }),
  overdueAt: instant.nullable().meta({
    description: 'the end of the due day plus grace: open findings are overdue from then',
  }),
  daysLeft: z.number().int().nullable().meta({
    description:
      'days of the organisation’s calendar until the last day before overdueAt: 0 on that day, negative after',
  }),
});
export type Deadline = z.output<typeof Deadline>;

/** A unit's counts (cut to a depth). */
export const UnitCounts = z.object({
  unit: z.string(),
  devices: DeviceCounts,
  people: PeopleCounts,
});

/** The object of `status --json` (DESIGN §7). */
export const MandateStatus = z.object({
  mandate: z.string(),
  title: z.string(),
  version: count,
  asOf: instant,
  /** Present when the counts are limited to one unit and below. */
  unit: z.string().optional(),
  due: day.nullable(),
  deadline: Deadline,
  withdrawnAt: instant.optional(),
  devices: DeviceCounts,
  people: PeopleCounts,
  phases: z.array(PhaseStatus),
  forecast: Forecast,
  units: z.array(UnitCounts).optional(),
});
export type MandateStatus = z.output<typeof MandateStatus>;

const recipient = z.enum(['official', 'supervisor', 'unit-head', 'officers']);

/** What a mandate's notification ladder is and what it will send next. */
export const NotifyPreview = z.object({
  mandate: z.string(),
  asOf: instant,
  due: day.nullable(),
  digest: z.enum(['daily', 'weekly', 'none']),
  steps: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['remind', 'escalate']),
      to: recipient,
      at: instant.optional(),
      after: z.string().optional(),
      repeat: z.string().optional(),
    }),
  ),
  /** Per step and day, how many open findings in your scope it will message if nothing changes. */
  upcoming: z.array(z.object({ step: z.string(), to: recipient, day, findings: count })),
});
export type NotifyPreview = z.output<typeof NotifyPreview>;

/** What an evaluation opened and closed (the first thousand of each), and targets that failed. */
export const Sample = z.object({
  opened: z.array(
    z.object({ mandate: z.string(), device: z.string(), owner: z.string().nullable() }),
  ),
  closed: z.array(z.object({ mandate: z.string(), device: z.string(), reason: z.string() })),
});
export const EvalErrors = z.array(
  z.object({ mandate: z.string(), device: z.string(), error: z.string() }),
);

/** One document's outcome: `created|updated|unchanged ID vN (+opened −closed)`. */
export const ApplyLine = z.object({
  id: z.string(),
  outcome: z.enum(['created', 'updated', 'unchanged', 'reinstated']),
  version: count,
  opened: count,
  closed: count,
  unownedMatches: count,
  sample: Sample,
});
export type ApplyLine = z.output<typeof ApplyLine>;

export const ApplyResult = z.object({
  dryRun: z.boolean(),
  lines: z.array(ApplyLine),
  warnings: z.array(z.string()),
  errors: EvalErrors,
});
export type ApplyResult = z.output<typeof ApplyResult>;

export const statusOps = {
  getStatus: operation({
    operationId: 'getStatus',
    method: 'GET',
    path: '/api/v1/status',
    tags: ['status'],
    summary:
      'The objects of `status --json`, as of any moment; `unit` limits the counts to a unit and below (unit heads: one of theirs)',
    query: z.object({
      asOf: moment.optional(),
      byUnit: queryFlag().optional(),
      depth: z.coerce.number().int().min(1).optional(),
      mandate: z.string().optional(),
      unit: z.string().optional(),
    }),
    status: 200,
    response: z.union([MandateStatus, z.array(MandateStatus)]),
    answers: 'One mandate’s status, or every mandate’s',
  }),
  getMandateLadder: operation({
    operationId: 'getMandateLadder',
    method: 'GET',
    path: '/api/v1/mandates/{id}/notify',
    tags: ['mandates'],
    summary:
      'The notification ladder (reminders, escalations, digest) and what it will send from asOf, per step and day, within your scope',
    params: z.object({ id: z.string() }),
    query: z.object({ asOf: moment.optional() }),
    status: 200,
    response: NotifyPreview,
    answers: 'The ladder and the messages it will send',
  }),
  applyMandates: operation({
    operationId: 'applyMandates',
    method: 'POST',
    path: '/api/v1/mandates/apply',
    tags: ['mandates'],
    summary: 'Apply mandate YAML (all or nothing); dryRun shows what would open and close',
    body: z.strictObject({
      yaml: z.string(),
      dryRun: z.boolean().optional(),
      effectiveAt: moment.optional(),
      reinstate: z.boolean().optional(),
    }),
    status: 200,
    response: ApplyResult,
    answers:
      'What the application did (or, in a dry run, would do): per mandate, findings opened and closed',
  }),
  attestPhase: operation({
    operationId: 'attestPhase',
    method: 'POST',
    path: '/api/v1/attestations',
    tags: ['attestations'],
    summary: 'Attest a phase for a unit you head, or for yourself',
    body: z.strictObject({
      mandate: z.string(),
      phase: z.string(),
      unit: z.string().optional(),
      person: z.string().optional(),
      note: z.string().optional(),
    }),
    status: 200,
    also: 201,
    response: z.object({ created: z.boolean(), attestedAt: instant }),
    answers: 'The attestation as recorded: 201 when new, 200 when it was already made',
  }),
};
