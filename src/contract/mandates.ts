import { z } from 'zod';
import { FINDING_STATES } from '../domain/finding.columns.js';
import { FINDING_SORTS } from '../domain/list.sorts.js';
import { OWNERSHIPS } from '../domain/device.model.js';
import { day, instant, moment, operation, Page, paging, csvFormat } from './operation.js';
import { Deadline } from './status.js';

/** A mandate with its current version. */
export const Mandate = z.object({
  id: z.string(),
  title: z.string(),
  version: z.number().int(),
  issuedAt: day,
  withdrawnAt: instant.nullable(),
  due: day.nullable(),
  /** The resolve phase's deadline as seen now. */
  deadline: Deadline,
  action: z.string(),
  exemptions: z.object({
    allowed: z.boolean(),
    grounds: z.array(z.string()),
    maxDuration: z.string().nullable(),
  }),
});
export type Mandate = z.output<typeof Mandate>;

/** A mandate with every version and where it came from. */
export const MandateDetail = Mandate.extend({
  versions: z.array(
    z.object({
      version: z.number().int(),
      digest: z.string(),
      effectiveAt: instant,
      appliedAt: instant,
      source: z.string(),
    }),
  ),
});
export type MandateDetail = z.output<typeof MandateDetail>;

/** A finding as listed: its state at the moment asked. */
export const Finding = z.object({
  mandate: z.string(),
  device: z.string(),
  owner: z
    .string()
    .nullable()
    .meta({ description: 'null while a unit holds the device (DESIGN §5a): `unit` holds it' }),
  unit: z.string(),
  opened: instant,
  closed: instant.nullable(),
  state: z.enum(FINDING_STATES),
  closeReason: z.string().nullable(),
  /** Why the device is unknown (state `unknown` only): `osVersion is absent`. */
  reason: z.string().optional(),
});
export type Finding = z.output<typeof Finding>;

/** A page of findings as the console lists them: with the owner's name and the device's model. */
export const FindingPage = Page(
  Finding.extend({
    ownerName: z.string().nullable(),
    deviceName: z.string().nullable().meta({ description: 'maker and model' }),
    deviceOwnership: z
      .enum(OWNERSHIPS)
      .nullable()
      .meta({ description: 'a personal device is never taken: its owner stops official use' }),
  }),
);
export type FindingRow = z.output<typeof FindingPage>['items'][number];

const byId = z.object({ id: z.string() });

export const mandateOps = {
  listMandates: operation({
    operationId: 'listMandates',
    method: 'GET',
    path: '/api/v1/mandates',
    tags: ['mandates'],
    summary: 'Every mandate with its current version',
    status: 200,
    response: z.array(Mandate),
    answers: 'Mandates, by id',
  }),
  getMandate: operation({
    operationId: 'getMandate',
    method: 'GET',
    path: '/api/v1/mandates/{id}',
    tags: ['mandates'],
    summary: 'One mandate with its versions and their documents',
    params: byId,
    status: 200,
    response: MandateDetail,
    answers: 'The mandate with its versions',
  }),
  withdrawMandate: operation({
    operationId: 'withdrawMandate',
    method: 'POST',
    path: '/api/v1/mandates/{id}/withdraw',
    tags: ['mandates'],
    summary: 'Withdraw a mandate: its open findings close',
    params: byId,
    body: z.strictObject({ effectiveAt: moment.optional() }).optional(),
    status: 200,
    response: z.object({ id: z.string(), closed: z.number().int(), withdrawnAt: instant }),
    answers: 'The mandate is withdrawn; how many findings closed',
  }),
  getStatusSeries: operation({
    operationId: 'getStatusSeries',
    method: 'GET',
    path: '/api/v1/status/series',
    tags: ['status'],
    summary:
      'Open devices day by day from the mandate’s issue to asOf, within your scope: the burn-down',
    query: z.object({ mandate: z.string(), asOf: moment.optional() }),
    status: 200,
    response: z.object({
      mandate: z.string(),
      due: day.nullable(),
      points: z.array(z.object({ day, open: z.number().int() })),
    }),
    answers: 'Open devices per day',
  }),
  listFindings: operation({
    operationId: 'listFindings',
    method: 'GET',
    path: '/api/v1/findings',
    tags: ['findings'],
    summary:
      'Findings opened by a moment with their state then, within your scope: a page, sorted, with the total; `format=csv` has them all',
    query: z.object({
      mandate: z.string(),
      state: z.string().optional().meta({ description: 'states, comma-separated' }),
      unit: z.string().optional(),
      asOf: moment.optional(),
      device: z.string().optional(),
      owner: z.string().optional(),
      ...paging(FINDING_SORTS, 'default `opened`'),
      ...csvFormat,
    }),
    status: 200,
    response: FindingPage,
    answers: 'A page of findings with their state at the moment asked (or, with `format=csv`, all)',
  }),
};
