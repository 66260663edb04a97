import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { authorize, reader } from '../access.js';
import { answers, exemptionSchema } from '../schemas.js';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer' } },
} as const;

/** Exemptions: request, decide, revoke, list. */
export function registerExemptionRoutes(server: FastifyInstance, app: App): void {
  server.post<{
    Body: {
      mandate: string;
      device?: string;
      person?: string;
      ground: string;
      until: string;
      reason: string;
    };
  }>(
    '/api/v1/exemptions',
    {
      schema: {
        tags: ['exemptions'],
        summary: 'Request an exemption for one device or one person',
        response: answers(exemptionSchema, 201),
        body: {
          type: 'object',
          required: ['mandate', 'ground', 'until', 'reason'],
          additionalProperties: false,
          properties: {
            mandate: { type: 'string' },
            device: { type: 'string' },
            person: { type: 'string' },
            ground: { type: 'string' },
            until: { type: 'string', description: 'YYYY-MM-DD; the exemption ends with that day' },
            reason: { type: 'string' },
          },
        },
      },
    },
    async (req, reply) => {
      const actor = authorize(req, 'exemptions.request');
      const e = await app.exemptions.request(actor, req.body);
      void reply.code(201);
      return e;
    },
  );

  for (const action of ['approve', 'reject', 'revoke'] as const) {
    server.post<{ Params: { id: number } }>(
      `/api/v1/exemptions/:id/${action}`,
      {
        schema: {
          tags: ['exemptions'],
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} an exemption`,
          response: answers(exemptionSchema),
          params: idParam,
        },
      },
      async (req) => {
        const actor = authorize(req, 'exemptions.decide');
        return app.exemptions[action](actor, req.params.id);
      },
    );
  }

  server.get<{ Params: { id: number } }>(
    '/api/v1/exemptions/:id',
    {
      schema: {
        tags: ['exemptions'],
        summary: 'One exemption',
        response: answers(exemptionSchema),
        params: idParam,
      },
    },
    async (req) => {
      const { actor } = reader(req);
      return app.exemptions.get(actor, req.params.id);
    },
  );

  server.get<{ Querystring: { mandate?: string; state?: string } }>(
    '/api/v1/exemptions',
    {
      schema: {
        tags: ['exemptions'],
        summary: 'Exemptions within your scope; `state=requested` is the approver queue',
        response: answers({ type: 'array', items: exemptionSchema }),
        querystring: {
          type: 'object',
          properties: { mandate: { type: 'string' }, state: { type: 'string' } },
        },
      },
    },
    async (req) => {
      const { actor } = reader(req);
      return app.exemptions.list(actor, req.query);
    },
  );
}
