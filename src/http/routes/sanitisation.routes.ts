import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { SANITISATION_METHODS } from '../../domain/replacement.rules.js';
import { authorize, reader } from '../access.js';
import { answers, described } from '../schemas.js';
import { idParam, sanitisationSchema } from './replacement.schemas.js';

/** Sanitisation records (NIST SP 800-88), their verification and certificates. */
export function registerSanitisationRoutes(server: FastifyInstance, app: App): void {
  const s = app.sanitisations;
  server.get(
    '/api/v1/sanitisations',
    {
      schema: {
        operationId: 'listSanitisations',
        tags: ['replacement'],
        summary: 'Sanitisation records, newest first',
        response: answers({ type: 'array', items: sanitisationSchema }),
      },
    },
    async (req) => s.list(reader(req).actor),
  );

  server.post<{ Body: Record<string, unknown> }>(
    '/api/v1/sanitisations',
    {
      schema: {
        operationId: 'recordSanitisation',
        tags: ['replacement'],
        summary: `Record a sanitisation (NIST SP 800-88: ${SANITISATION_METHODS.join(', ')}) of one device or a batch; you are the operator, someone else verifies`,
        body: { type: 'object', additionalProperties: true },
        response: answers(sanitisationSchema, 201),
      },
    },
    async (req, reply) => {
      const rec = await s.record(authorize(req, 'logistics'), req.body);
      void reply.code(201);
      return rec;
    },
  );

  server.get<{ Params: { id: number } }>(
    '/api/v1/sanitisations/:id',
    {
      schema: {
        operationId: 'getSanitisation',
        tags: ['replacement'],
        summary: 'One sanitisation record',
        params: idParam,
        response: answers(sanitisationSchema),
      },
    },
    async (req) => s.get(reader(req).actor, req.params.id),
  );

  server.post<{ Params: { id: number } }>(
    '/api/v1/sanitisations/:id/verify',
    {
      schema: {
        operationId: 'verifySanitisation',
        tags: ['replacement'],
        summary:
          'Verify a sanitisation record (not its operator): its devices become wiped or destroyed',
        params: idParam,
        response: answers(sanitisationSchema),
      },
    },
    async (req) => s.verify(authorize(req, 'sanitisation.verify'), req.params.id),
  );

  server.get<{ Params: { id: number }; Querystring: { lang?: 'en' | 'ru' } }>(
    '/api/v1/sanitisations/:id/certificate',
    {
      schema: {
        operationId: 'getSanitisationCertificate',
        response: described('The certificate as PDF'),
        tags: ['replacement'],
        summary: 'The certificate of sanitisation of a verified record, as PDF',
        params: idParam,
        querystring: {
          type: 'object',
          properties: { lang: { type: 'string', enum: ['en', 'ru'] } },
        },
      },
    },
    async (req, reply) => {
      const c = await s.certificate(reader(req).actor, req.params.id, req.query.lang ?? 'en');
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `inline; filename="${c.certificate.replace(/[^\w.-]/g, '_')}.pdf"`,
        )
        .send(c.pdf);
    },
  );
}
