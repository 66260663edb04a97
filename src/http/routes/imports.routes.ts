import { auditActor } from '../../domain/access.policy.js';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { SOURCE_FORMATS, type SourceFormatName } from '../../domain/source.formats.js';
import { importSummary } from '../../services/import.service.js';
import { authorize } from '../access.js';
import { answers } from '../schemas.js';

const summarySchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    kind: { type: 'string' },
    format: { type: 'string' },
    source: { type: ['string', 'null'] },
    observedAt: { type: 'string' },
    dryRun: { type: 'boolean' },
    rows: { type: 'integer' },
    created: { type: 'integer' },
    updated: { type: 'integer' },
    unchanged: { type: 'integer' },
    unitsCreated: { type: 'integer' },
    unmatchedOwners: { type: 'array', items: { type: 'object', additionalProperties: true } },
    notReported: { type: 'array', items: { type: 'object', additionalProperties: true } },
    conflicts: { type: 'array', items: { type: 'object', additionalProperties: true } },
    problems: { type: 'array', items: { type: 'object', additionalProperties: true } },
    findings: { type: 'object', additionalProperties: true },
  },
} as const;

interface ImportQuery {
  format?: SourceFormatName;
  source?: string;
  observedAt?: string;
  sync?: boolean;
  dryRun?: boolean;
  delimiter?: string;
  encoding?: string;
  ignoreUnknown?: boolean;
}

const importQuery = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: [...SOURCE_FORMATS] },
    source: { type: 'string', minLength: 1, maxLength: 100 },
    observedAt: { type: 'string' },
    sync: { type: 'boolean' },
    dryRun: { type: 'boolean' },
    delimiter: { type: 'string', minLength: 1, maxLength: 1 },
    encoding: { type: 'string', enum: ['utf-8', 'windows-1251'] },
    ignoreUnknown: { type: 'boolean' },
  },
} as const;

/** Large exports: 1,000,000 Intune rows are about 250 MB. */
const IMPORT_LIMIT = 512 * 1024 * 1024;

/** Imports over HTTP (the CLI's `import`), and check-ins from agents and MDMs. */
export function registerImportRoutes(server: FastifyInstance, app: App): void {
  server.addContentTypeParser(
    ['text/csv', 'text/plain', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: IMPORT_LIMIT },
    (_req, body, done) => done(null, body),
  );

  for (const kind of ['devices', 'people'] as const) {
    server.post<{ Querystring: ImportQuery; Body: Buffer }>(
      `/api/v1/imports/${kind}`,
      {
        bodyLimit: IMPORT_LIMIT,
        schema: {
          operationId: kind === 'devices' ? 'importDevices' : 'importPeople',
          tags: ['imports'],
          summary:
            kind === 'devices'
              ? 'Import a devices file (body: the CSV, `text/csv`): phaseout’s own, or an Intune, Jamf, Snipe-IT or Google export; all or nothing'
              : 'Import a people file (body: the CSV, `text/csv`); all or nothing',
          querystring: importQuery,
          response: answers(summarySchema),
        },
      },
      async (req) => {
        const actor = authorize(req, 'imports');
        const q = req.query;
        if (!Buffer.isBuffer(req.body))
          throw Object.assign(new Error('send the file as the body with content-type text/csv'), {
            statusCode: 415,
          });
        const o = {
          fileName: `${kind}.csv`,
          actor: auditActor(actor),
          dryRun: q.dryRun === true,
          ignoreUnknown: q.ignoreUnknown === true,
          sync: q.sync === true,
          ...(q.observedAt !== undefined ? { observedAt: q.observedAt } : {}),
          ...(q.delimiter !== undefined ? { delimiter: q.delimiter } : {}),
          ...(q.encoding !== undefined ? { encoding: q.encoding } : {}),
          ...(q.format !== undefined ? { format: q.format } : {}),
          ...(q.source !== undefined ? { source: q.source } : {}),
        };
        const r =
          kind === 'devices'
            ? await app.imports.importDevices(req.body, o)
            : await app.imports.importPeople(req.body, o);
        return importSummary(r);
      },
    );
  }

  server.post<{ Querystring: { source?: string }; Body: unknown }>(
    '/api/v1/checkins',
    {
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        operationId: 'checkIn',
        tags: ['imports'],
        summary:
          'Device check-ins: a JSON array of at most 1,000 `{serial | imei | id, observedAt, …fields}`; `Idempotency-Key` makes a retry safe',
        querystring: {
          type: 'object',
          properties: { source: { type: 'string', minLength: 1, maxLength: 100 } },
        },
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } },
        },
        body: { type: 'array', items: { type: 'object', additionalProperties: true } },
        response: answers({ type: 'object', additionalProperties: true }),
      },
    },
    async (req, reply) => {
      const actor = authorize(req, 'imports');
      const key = req.headers['idempotency-key'];
      const r = await app.checkins.checkin(actor, req.body, {
        ...(req.query.source !== undefined ? { source: req.query.source } : {}),
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      });
      void reply.code(r.status);
      return r.answer;
    },
  );
}
