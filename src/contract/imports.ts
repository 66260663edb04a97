import { z } from 'zod';
import { SOURCE_FORMATS } from '../domain/source.formats.js';
import { count, instant, operation, queryFlag, imeiText } from './operation.js';
import { EvalErrors } from './status.js';

// Imports of people and devices files (the CLI's `import` over HTTP) and device check-ins.

/** A CSV file as the body: its bytes, read with the declared encoding. */
const CsvFile = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array, {
    error: 'send the file as the body with content-type text/csv',
  })
  .meta({ type: 'string', format: 'binary', description: 'the CSV file' });

/** What an import did (or, in a dry run, would do). */
export const ImportSummary = z.object({
  kind: z.enum(['people', 'devices']),
  format: z.string(),
  source: z.string().nullable(),
  observedAt: instant,
  statedAt: instant.nullable().meta({
    description:
      'the file’s own time when it was earlier than the latest observation: it was applied at `observedAt`',
  }),
  dryRun: z.boolean(),
  rows: count,
  created: count,
  updated: count,
  unchanged: count,
  unitsCreated: count,
  /** Devices whose owner's e-mail matched no active person: imported without an owner. */
  unmatchedOwners: z.array(z.object({ line: count, device: z.string(), email: z.string() })),
  /** `sync`: the source's devices the file no longer lists, and since when. */
  notReported: z.array(z.object({ device: z.string(), since: instant })),
  /** Rows applied against something phaseout recorded itself, to be looked at. */
  conflicts: z.array(z.object({ line: count, device: z.string(), message: z.string() })),
  problems: z.array(
    z.object({ where: z.string(), message: z.string(), value: z.string().optional() }),
  ),
  findings: z.object({ opened: count, closed: count, errors: EvalErrors }),
});
export type ImportSummary = z.output<typeof ImportSummary>;

const importQuery = z.object({
  format: z.enum(SOURCE_FORMATS).optional(),
  source: z.string().min(1).max(100).optional(),
  observedAt: z.string().optional().meta({ description: 'a day or a time; default now' }),
  sync: queryFlag().optional(),
  dryRun: queryFlag().optional(),
  delimiter: z.string().length(1).optional(),
  encoding: z.enum(['utf-8', 'windows-1251']).optional(),
  ignoreUnknown: queryFlag().optional(),
});

const optText = z.string().max(1000).optional();

/** One check-in: a device found by serial, IMEI or id, as observed at a moment. */
export const Checkin = z
  .strictObject({
    id: optText,
    serial: optText,
    imei: imeiText.optional(),
    observedAt: z.string().min(1),
    owner: optText,
    ownerEmail: optText,
    class: optText,
    platform: optText,
    os: optText,
    osVersion: optText,
    manufacturer: optText,
    model: optText,
    modelIdentifier: optText,
    ownership: optText,
    status: optText,
    apps: z.array(z.string().max(300)).max(1000).optional(),
  })
  .refine((i) => Boolean(i.id?.trim() || i.serial?.trim() || i.imei?.trim()), {
    message: 'needs serial, imei or id',
  });
export type Checkin = z.output<typeof Checkin>;

/** At most this many check-ins in one request. */
export const CHECKIN_BATCH = 1000;
export const CheckinBatch = z.array(Checkin).min(1).max(CHECKIN_BATCH);

/** What happened to each check-in of a batch. */
export const CheckinAnswer = z.object({
  received: count,
  created: count,
  applied: count,
  unchanged: count,
  /** Older than the stored state: kept in history, no field changed. */
  stale: count,
  /**
   * Check-ins that would have changed what phaseout's replacement workflow holds (the status or
   * owner of a stock unit, a returned, wiped or destroyed device): those two are not taken.
   */
  conflicts: count,
  /** Check-ins naming an owner by an e-mail no active person has: the owner stays as it was. */
  unmatchedOwners: count,
  items: z.array(
    z.object({
      device: z.string(),
      outcome: z.enum(['created', 'applied', 'unchanged', 'stale']),
      effectiveAt: instant,
      conflict: z.string().optional(),
      unmatchedOwner: z.string().optional(),
    }),
  ),
  findings: z.object({ opened: count, closed: count }),
});
export type CheckinAnswer = z.output<typeof CheckinAnswer>;

/** Large exports: 1,000,000 Intune rows are about 250 MB. */
const FILE_LIMIT = 512 * 1024 * 1024;

export const importOps = {
  importDevices: operation({
    operationId: 'importDevices',
    method: 'POST',
    path: '/api/v1/imports/devices',
    tags: ['imports'],
    summary:
      'Import a devices file (body: the CSV, `text/csv`): phaseout’s own, or an Intune, Jamf, Snipe-IT or Google export; all or nothing',
    query: importQuery,
    body: CsvFile,
    consumes: ['text/csv'],
    bodyLimit: FILE_LIMIT,
    status: 200,
    response: ImportSummary,
    answers: 'What the import did (or, in a dry run, would do)',
  }),
  importPeople: operation({
    operationId: 'importPeople',
    method: 'POST',
    path: '/api/v1/imports/people',
    tags: ['imports'],
    summary: 'Import a people file (body: the CSV, `text/csv`); all or nothing',
    query: importQuery,
    body: CsvFile,
    consumes: ['text/csv'],
    bodyLimit: FILE_LIMIT,
    status: 200,
    response: ImportSummary,
    answers: 'What the import did (or, in a dry run, would do)',
  }),
  checkIn: operation({
    operationId: 'checkIn',
    method: 'POST',
    path: '/api/v1/checkins',
    tags: ['imports'],
    summary: `Device check-ins: a JSON array of at most ${CHECKIN_BATCH.toLocaleString('en')} \`{serial | imei | id, observedAt, …fields}\`; \`Idempotency-Key\` makes a retry safe`,
    query: z.object({ source: z.string().min(1).max(100).optional() }),
    headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
    body: CheckinBatch,
    bodyLimit: 8 * 1024 * 1024,
    status: 200,
    response: CheckinAnswer,
    answers: 'What happened to each check-in; a retry with the same key answers the same',
  }),
};
