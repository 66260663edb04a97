import { z } from 'zod';

const ID_RE = /^[a-z0-9][a-z0-9-]{1,62}$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

const day = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(DAY_RE, 'must be a date YYYY-MM-DD');
const duration = z.string({ error: 'must be an ISO 8601 duration such as P30D' });
const slug = z.string().regex(ID_RE, 'must match ^[a-z0-9][a-z0-9-]{1,62}$');
const stringList = z.array(z.string()).default([]);
/** Scopes name units by their top: a subtree is one entry. Bounds keep a document's cost bounded. */
export const SCOPE_LIMITS = { units: 200, tags: 200, excludePeople: 1000 } as const;
const boundedList = (max: number, what: string, hint = '') =>
  z
    .array(z.string().max(512, 'is longer than 512 characters'))
    .max(max, `lists at most ${max} ${what}${hint}`)
    .default([]);

export const phaseSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must match ^[a-z0-9][a-z0-9-]{0,62}$'),
  title: z.string().optional(),
  starts: day.optional(),
  due: day.optional(),
  requires: z.enum(['resolve', 'attest']),
  attestBy: z.enum(['unit-head', 'person']).optional(),
  /** After the end of the due day, how long before a finding is overdue (ISO 8601, `P7D`). */
  grace: duration.optional(),
});

/** Who an escalation step goes to, beside the official themself. */
export const RECIPIENTS = ['supervisor', 'unit-head', 'officers'] as const;

/** When the mandate says nothing: three reminders, then supervisor, unit head and officers. */
export const DEFAULT_NOTIFY = {
  remind: ['P14D', 'P3D', 'P1D'],
  escalate: [
    { after: 'P1D', to: 'supervisor' as const },
    { after: 'P3D', to: 'unit-head' as const },
    { after: 'P7D', to: 'officers' as const, repeat: 'P7D' },
  ],
  digest: 'weekly' as const,
};

export const notifySchema = z.strictObject({
  /** Before the due date, to the affected official. */
  remind: z.array(duration).default([]),
  /** After the due date has passed (or after a late catch), up the chain. */
  escalate: z
    .array(
      z.strictObject({
        after: duration,
        to: z.enum(RECIPIENTS),
        repeat: duration.optional(),
      }),
    )
    .default([]),
  /** A digest of their stragglers to unit heads. */
  digest: z.enum(['daily', 'weekly', 'none']).default('none'),
});
export type Notify = z.infer<typeof notifySchema>;

export const mandateSchema = z.strictObject({
  apiVersion: z.literal('phaseout/v1', { error: 'must be phaseout/v1' }),
  kind: z.literal('Mandate', { error: 'must be Mandate' }),
  metadata: z.strictObject({
    id: slug,
    title: z.string().min(1),
    reference: z.string().optional(),
    issuedBy: z.string().optional(),
    issuedAt: day,
  }),
  spec: z.strictObject({
    scope: z
      .strictObject({
        units: boundedList(
          SCOPE_LIMITS.units,
          'units',
          ' (a unit takes in its subtree: name the parent)',
        ),
        tags: boundedList(SCOPE_LIMITS.tags, 'tags'),
        exclude: z
          .strictObject({
            people: boundedList(SCOPE_LIMITS.excludePeople, 'people'),
            tags: boundedList(SCOPE_LIMITS.tags, 'tags'),
          })
          .default({
            people: [],
            tags: [],
          }),
      })
      .default({ units: [], tags: [], exclude: { people: [], tags: [] } }),
    target: z.string().min(1, 'must not be empty').max(4096, 'is longer than 4,096 characters'),
    action: z.enum(['replace', 'remove', 'restrict-use']),
    replacement: z.strictObject({ catalogue: stringList }).optional(),
    phases: z.array(phaseSchema).min(1, 'needs at least one phase'),
    reports: z
      .strictObject({
        every: duration,
        from: day.optional(),
        to: z.array(z.email({ error: 'must be an e-mail address' })).default([]),
      })
      .optional(),
    exemptions: z
      .strictObject({
        allowed: z.boolean(),
        grounds: stringList,
        maxDuration: duration.optional(),
        approver: z.enum(['officer', 'admin', 'unit-head']).default('officer'),
      })
      .optional(),
    notify: notifySchema.optional(),
  }),
});

/** A mandate document as written, after validation. */
export type MandateDocument = z.infer<typeof mandateSchema>;
export type Phase = z.infer<typeof phaseSchema>;

/** The one phase that requires every caught device resolved, if any. */
export function resolvePhaseOf(doc: MandateDocument): Phase | undefined {
  return doc.spec.phases.find((p) => p.requires === 'resolve');
}

/** The notification ladder in force: the document's, or the defaults when it has none. */
export function notifyOf(doc: MandateDocument): Notify {
  return doc.spec.notify ?? DEFAULT_NOTIFY;
}
