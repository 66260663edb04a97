import { z } from 'zod';
import { DATA_REMOVAL_SORTS } from '../domain/list.sorts.js';
import { count, day, instant, operation, Page, paging, csvFormat } from './operation.js';

/**
 * Removals of the organisation's data from personal devices (DESIGN §5a): a personal device is
 * never taken; what the organisation put on it is removed, recorded by one person and verified
 * by another.
 */
export const DataRemoval = z.object({
  id: count,
  device: z.string(),
  deviceName: z.string().nullable(),
  person: z.string().nullable(),
  personName: z.string().nullable(),
  method: z.string(),
  performedOn: day,
  note: z.string().nullable(),
  recordedBy: z.string(),
  recordedAt: instant,
  verifiedBy: z.string().nullable(),
  verifiedAt: instant.nullable(),
  state: z.enum(['recorded', 'verified']),
});
export type DataRemoval = z.output<typeof DataRemoval>;

const byId = z.object({ id: z.coerce.number().int().min(1) });

export const removalOps = {
  recordDataRemoval: operation({
    operationId: 'recordDataRemoval',
    method: 'POST',
    path: '/api/v1/devices/{id}/data-removals',
    tags: ['replacement'],
    summary:
      'Record the removal of the organisation’s data from a personal device (an MDM selective wipe, say); someone else verifies it',
    params: z.object({ id: z.string() }),
    body: z.strictObject({
      method: z.string().trim().min(1, 'is required (how: MDM selective wipe, …)').max(200),
      performedOn: z
        .string()
        .trim()
        .pipe(z.iso.date({ error: 'must be a date YYYY-MM-DD' })),
      note: z.string().trim().max(2000).optional(),
    }),
    status: 201,
    response: DataRemoval,
    answers: 'The removal as recorded, awaiting a verifier',
  }),
  verifyDataRemoval: operation({
    operationId: 'verifyDataRemoval',
    method: 'POST',
    path: '/api/v1/data-removals/{id}/verify',
    tags: ['replacement'],
    summary: 'Verify a removal of organisation data (not by who recorded it)',
    params: byId,
    status: 200,
    response: DataRemoval,
    answers: 'The removal, verified',
  }),
  listDataRemovals: operation({
    operationId: 'listDataRemovals',
    method: 'GET',
    path: '/api/v1/data-removals',
    tags: ['replacement'],
    summary:
      'The register of removals of organisation data from personal devices, within your scope; `format=csv` the whole register',
    query: z.object({
      device: z.string().optional(),
      ...csvFormat,
      ...paging(DATA_REMOVAL_SORTS, 'default `-recorded` (newest first)'),
    }),
    status: 200,
    response: Page(DataRemoval),
    answers: 'A page of removals (or, with format=csv, all of them as CSV)',
  }),
};
