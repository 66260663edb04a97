import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { authorize } from '../access.js';

/** The audit chain: entries and verification. */
export function registerAuditRoutes(server: FastifyInstance, app: App): void {
  server.get<{ Querystring: { after?: number; limit?: number } }>(
    '/api/v1/audit',
    {
      schema: {
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
