import { described } from '../schemas.js';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { authorize } from '../access.js';

/** The audit chain: entries and verification. */
export function registerAuditRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: { after?: number; limit?: number } }>(
    '/api/v1/audit',
    {
      schema: {
        operationId: 'listAudit',
        response: described('Audit entries with the cursor of the next page'),
        tags: ['audit'],
        summary: 'Audit entries in sequence order from a cursor',
        querystring: {
          type: 'object',
          properties: {
            after: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
      },
    },
    async (req) => {
      authorize(req, 'audit.read');
      return app.audit.list(req.query.after ?? 0, req.query.limit ?? 100);
    },
  );

  server.get(
    '/api/v1/audit/verify',
    {
      schema: {
        operationId: 'verifyAudit',
        response: described('Whether the chain holds, its head, and the first broken entry if any'),
        tags: ['audit'],
        summary: 'Recompute the chain; names the first broken entry and the head',
      },
    },
    async (req) => {
      authorize(req, 'audit.read');
      return app.audit.verify();
    },
  );
}
