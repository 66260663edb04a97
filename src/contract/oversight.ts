import { z } from 'zod';
import { instant, operation, Page, pageLimit, pageOffset, csvDialect } from './operation.js';

/** One entry of the audit chain. */
export const AuditEntry = z.object({
  seq: z.number().int(),
  at: instant,
  actor: z.string(),
  actorName: z.string().meta({
    description:
      'who acted: an account’s person and email, else the actor as written (`cli:user@host`, an email named with --as, `scim:TOKEN-NAME (token N)`)',
  }),
  action: z.string(),
  object: z.string(),
  digest: z.string().meta({ description: 'SHA-256 of the change, canonical JSON' }),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.output<typeof AuditEntry>;

/** The chain recomputed: whether it holds, its head, the first broken entry. */
export const AuditVerification = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  head: z.object({ seq: z.number().int(), hash: z.string(), at: instant }).nullable(),
  broken: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
});
export type AuditVerification = z.output<typeof AuditVerification>;

export const MESSAGE_STATES = ['queued', 'sending', 'sent', 'dead', 'merged', 'waiting'] as const;

/** A message planned or sent, without its body. */
export const Message = z.object({
  id: z.number().int(),
  mandate: z.string(),
  device: z.string(),
  owner: z.string(),
  ownerName: z.string().nullable(),
  step: z.string(),
  recipient: z.string(),
  address: z.string(),
  channel: z.enum(['email', 'webhook']),
  language: z.string(),
  subject: z.string(),
  state: z.enum(MESSAGE_STATES),
  attempts: z.number().int(),
  dueAt: instant.nullable(),
  createdAt: instant.nullable(),
  sentAt: instant.nullable(),
  nextAttemptAt: instant.nullable(),
  error: z.string().nullable(),
  /** When the step could not go to the rung it asked for: where it went instead, and why. */
  rerouted: z
    .object({
      from: z.enum(['official', 'supervisor', 'unit-head', 'officers']),
      via: z.enum(['official', 'supervisor', 'unit-head', 'officers']).nullable(),
      why: z.string(),
    })
    .nullable(),
});
export type Message = z.output<typeof Message>;

/** A recurring report kept for download. */
export const KeptReport = z.object({
  id: z.number().int(),
  mandate: z.string(),
  day: z.string(),
  asOf: instant.nullable(),
  createdAt: instant.nullable(),
  pdf: z.string(),
  csv: z.string(),
});
export type KeptReport = z.output<typeof KeptReport>;

export const oversightOps = {
  listAudit: operation({
    operationId: 'listAudit',
    method: 'GET',
    path: '/api/v1/audit',
    tags: ['audit'],
    summary:
      'Audit entries a page at a time: after a sequence number in order, or newest first (`order=desc`); with the total',
    query: z.object({
      after: z.coerce.number().int().min(0).optional(),
      order: z.enum(['asc', 'desc']).optional().meta({ description: 'default asc' }),
      offset: z.coerce.number().int().min(0).optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    }),
    status: 200,
    response: Page(AuditEntry),
    answers: 'A page of entries',
  }),
  verifyAudit: operation({
    operationId: 'verifyAudit',
    method: 'GET',
    path: '/api/v1/audit/verify',
    tags: ['audit'],
    summary: 'Recompute the chain; names the first broken entry and the head',
    status: 200,
    response: AuditVerification,
    answers: 'Whether the chain holds, its head, and the first broken entry if any',
  }),
  listNotifications: operation({
    operationId: 'listNotifications',
    method: 'GET',
    path: '/api/v1/notifications',
    tags: ['notifications'],
    summary:
      'Reminders and escalations planned and sent, newest first, a page at a time with the total: per person (owner), per finding (mandate + device), the dead-letter list (state=dead)',
    query: z.object({
      owner: z.string().optional(),
      mandate: z.string().optional(),
      device: z.string().optional(),
      state: z
        .enum(MESSAGE_STATES)
        .optional()
        .meta({ description: 'dead: given up after 6 attempts (the dead-letter list)' }),
      channel: z.enum(['email', 'webhook']).optional(),
      offset: pageOffset,
      limit: pageLimit,
    }),
    status: 200,
    response: Page(Message),
    answers: 'A page of messages, newest first, without their bodies, with the total',
  }),
  listReports: operation({
    operationId: 'listReports',
    method: 'GET',
    path: '/api/v1/reports',
    tags: ['reports'],
    summary: 'Recurring status reports kept for download (mandate `reports`), newest first',
    query: z.object({ mandate: z.string().optional() }),
    status: 200,
    response: z.array(KeptReport),
    answers: 'Kept reports, newest first',
  }),
  getReport: operation({
    operationId: 'getReport',
    method: 'GET',
    path: '/api/v1/reports/{id}/{format}',
    tags: ['reports'],
    summary: 'One report as PDF or CSV by unit, or `register`: its register of exemptions (CSV)',
    params: z.object({
      id: z.coerce.number().int().min(1),
      format: z.enum(['pdf', 'csv', 'register']),
    }),
    query: z.object({ dialect: csvDialect }),
    status: 200,
    response: z.string(),
    answers: 'The report as PDF, or CSV',
  }),
};
