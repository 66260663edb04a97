import { z } from 'zod';
import { EXEMPTION_SORTS } from '../domain/list.sorts.js';
import { instant, operation, Page, paging, csvFormat } from './operation.js';

export const EXEMPTION_STATES = ['requested', 'approved', 'rejected', 'revoked', 'lapsed'] as const;
export type ExemptionState = (typeof EXEMPTION_STATES)[number];

/** Asking for an exemption of one device or one person (exactly one of them). */
export const ExemptionRequest = z.strictObject({
  mandate: z.string(),
  device: z.string().optional(),
  person: z.string().optional(),
  ground: z.string(),
  until: z.string().meta({ description: 'YYYY-MM-DD; the exemption ends with that day' }),
  reason: z.string(),
});
export type ExemptionRequest = z.output<typeof ExemptionRequest>;

/** An exemption as the API shows it; `lapsed` once its day has passed. */
export const Exemption = z.object({
  id: z.number().int(),
  mandate: z.string(),
  device: z.string().nullable(),
  person: z.string().nullable(),
  ground: z.string(),
  until: z.string(),
  reason: z.string(),
  state: z.enum(EXEMPTION_STATES),
  requestedBy: z.string(),
  requestedAt: instant,
  decidedBy: z.string().nullable(),
  approvedAt: instant.nullable(),
  decidedAt: instant.nullable(),
  revokedAt: instant.nullable(),
});
export type Exemption = z.output<typeof Exemption>;

/** An exemption in a list, with whom and what it is for by name. */
export const ExemptionRow = Exemption.extend({
  owner: z.string().nullable().meta({ description: 'the person, or the device’s owner' }),
  ownerName: z.string().nullable(),
  deviceName: z.string().nullable().meta({ description: 'maker and model' }),
});
export type ExemptionRow = z.output<typeof ExemptionRow>;

/** A unit's or a person's statement that a phase is done. */
export const Attestation = z.object({
  mandate: z.string(),
  phase: z.string(),
  unit: z.string().nullable(),
  person: z.string().nullable(),
  by: z.string(),
  byName: z.string(),
  at: instant,
  note: z.string().nullable(),
});
export type Attestation = z.output<typeof Attestation>;

const byId = z.object({ id: z.coerce.number().int() });
const decide = (action: 'approve' | 'reject' | 'revoke') =>
  operation({
    operationId: `${action}Exemption`,
    method: 'POST',
    path: `/api/v1/exemptions/{id}/${action}`,
    tags: ['exemptions'],
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} an exemption`,
    params: byId,
    status: 200,
    response: Exemption,
    answers: 'The exemption after the decision',
  });

export const exemptionOps = {
  requestExemption: operation({
    operationId: 'requestExemption',
    method: 'POST',
    path: '/api/v1/exemptions',
    tags: ['exemptions'],
    summary: 'Request an exemption for one device or one person',
    body: ExemptionRequest,
    status: 201,
    response: Exemption,
    answers: 'The exemption as requested',
  }),
  approveExemption: decide('approve'),
  rejectExemption: decide('reject'),
  revokeExemption: decide('revoke'),
  getExemption: operation({
    operationId: 'getExemption',
    method: 'GET',
    path: '/api/v1/exemptions/{id}',
    tags: ['exemptions'],
    summary: 'One exemption',
    params: byId,
    status: 200,
    response: Exemption,
    answers: 'The exemption',
  }),
  listExemptions: operation({
    operationId: 'listExemptions',
    method: 'GET',
    path: '/api/v1/exemptions',
    tags: ['exemptions'],
    summary:
      'Exemptions within your scope, a page at a time with the total; `state=requested` is the approver queue; `format=csv` is the whole register',
    query: z.object({
      mandate: z.string().optional(),
      state: z.string().optional(),
      ...paging(EXEMPTION_SORTS, 'default `-requested` (newest first)'),
      ...csvFormat,
    }),
    status: 200,
    response: Page(ExemptionRow),
    answers: 'A page of exemptions (or, with `format=csv`, the register as CSV)',
  }),
  listAttestations: operation({
    operationId: 'listAttestations',
    method: 'GET',
    path: '/api/v1/attestations',
    tags: ['attestations'],
    summary:
      'The register of attestations within your scope: unit or person, phase, by whom, when, note',
    query: z.object({ mandate: z.string().optional(), phase: z.string().optional(), ...csvFormat }),
    status: 200,
    response: z.array(Attestation),
    answers: 'Attestations (or, with `format=csv`, the register as CSV)',
  }),
};
