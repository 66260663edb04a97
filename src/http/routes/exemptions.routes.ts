import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { attestationRegisterCsv, exemptionRegisterCsv } from '../../services/register.csv.js';
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
        operationId: 'requestExemption',
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
          operationId: `${action}Exemption`,
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
        operationId: 'getExemption',
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

  server.get<{ Querystring: { mandate?: string; state?: string; format?: 'json' | 'csv' } }>(
    '/api/v1/exemptions',
    {
      schema: {
        operationId: 'listExemptions',
        tags: ['exemptions'],
        summary:
          'Exemptions within your scope; `state=requested` is the approver queue; `format=csv` is the register',
        response: answers({ type: 'array', items: exemptionSchema }),
        querystring: {
          type: 'object',
          properties: {
            mandate: { type: 'string' },
            state: { type: 'string' },
            format: { type: 'string', enum: ['json', 'csv'] },
          },
        },
      },
    },
    async (req, reply) => {
      const { actor } = reader(req);
      const list = await app.exemptions.list(actor, req.query);
      if (req.query.format !== 'csv') return list;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="exemptions.csv"')
        .send(exemptionRegisterCsv(list));
    },
  );

  server.get<{ Querystring: { mandate?: string; phase?: string; format?: 'json' | 'csv' } }>(
    '/api/v1/attestations',
    {
      schema: {
        operationId: 'listAttestations',
        tags: ['attestations'],
        summary:
          'The register of attestations within your scope: unit or person, phase, by whom, when, note',
        response: answers({ type: 'array', items: { type: 'object', additionalProperties: true } }),
        querystring: {
          type: 'object',
          properties: {
            mandate: { type: 'string' },
            phase: { type: 'string' },
            format: { type: 'string', enum: ['json', 'csv'] },
          },
        },
      },
    },
    async (req, reply) => {
      const { visibility } = reader(req);
      const { format: _f, ...f } = req.query;
      const list = await app.attestations.list(visibility, f);
      if (req.query.format !== 'csv') return list;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="attestations.csv"')
        .send(attestationRegisterCsv(list));
    },
  );
}
