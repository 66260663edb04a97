import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { authorize, reader } from '../access.js';
import { answers, answersNothing } from '../schemas.js';

const open = { type: 'object', additionalProperties: true } as const;
const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
} as const;
const body = { type: 'object', additionalProperties: true } as const;

/** Declaration campaigns: open, progress (scoped), declare for oneself or record a paper form. */
export function registerCampaignRoutes(server: FastifyInstance, app: App): void {
  const c = app.campaigns;
  server.post<{ Body: unknown }>(
    '/api/v1/campaigns',
    {
      schema: {
        operationId: 'openCampaign',
        tags: ['campaigns'],
        summary:
          'Open a declaration campaign `{id, title, scope: {units, tags}, due}` (officer, admin)',
        body,
        response: answers(open, 201),
      },
    },
    async (req, reply) => {
      const actor = authorize(req, 'campaigns.manage');
      const r = await c.open(actor, req.body);
      return reply.code(201).send(r);
    },
  );
  server.get(
    '/api/v1/campaigns',
    {
      schema: {
        operationId: 'listCampaigns',
        tags: ['campaigns'],
        summary: 'Every campaign with its progress within your scope',
        response: answers({ type: 'array', items: open }),
      },
    },
    async (req) => c.list(reader(req).actor),
  );
  server.get<{ Params: { id: string }; Querystring: { byUnit?: boolean; depth?: number } }>(
    '/api/v1/campaigns/:id',
    {
      schema: {
        operationId: 'getCampaign',
        tags: ['campaigns'],
        summary:
          'A campaign: people, confirmed, notStarted, inProgress, devicesDeclared, late (within your scope); `byUnit` adds units',
        params: idParam,
        querystring: {
          type: 'object',
          properties: { byUnit: { type: 'boolean' }, depth: { type: 'integer', minimum: 1 } },
        },
        response: answers(open),
      },
    },
    async (req) =>
      c.status(reader(req).actor, req.params.id, {
        ...(req.query.byUnit !== undefined ? { byUnit: req.query.byUnit } : {}),
        ...(req.query.depth !== undefined ? { depth: req.query.depth } : {}),
      }),
  );
  server.get<{ Params: { id: string }; Querystring: { state?: string } }>(
    '/api/v1/campaigns/:id/people',
    {
      schema: {
        operationId: 'listCampaignPeople',
        tags: ['campaigns'],
        summary: 'The people of a campaign within your scope, optionally by state',
        params: idParam,
        querystring: {
          type: 'object',
          properties: {
            state: { type: 'string', enum: ['not-started', 'in-progress', 'confirmed'] },
          },
        },
        response: answers({ type: 'array', items: open }),
      },
    },
    async (req) => c.people(reader(req).actor, req.params.id, req.query.state),
  );
  server.get<{ Params: { id: string } }>(
    '/api/v1/campaigns/:id/models',
    {
      schema: {
        operationId: 'listDeclaredModels',
        tags: ['campaigns'],
        summary:
          'The models most often declared in a campaign (by three people or more), for the declaration form',
        params: idParam,
        response: answers({
          type: 'array',
          items: {
            type: 'object',
            required: ['class', 'platform', 'manufacturer', 'model', 'people'],
            properties: {
              class: { type: 'string' },
              platform: { type: 'string' },
              manufacturer: { type: 'string' },
              model: { type: 'string' },
              people: { type: 'integer' },
            },
          },
        }),
      },
    },
    async (req) => c.models(reader(req).actor, req.params.id),
  );
  server.post<{ Params: { id: string }; Body: unknown }>(
    '/api/v1/campaigns/:id/declarations',
    {
      schema: {
        operationId: 'declareDevices',
        tags: ['campaigns'],
        summary:
          'Declare devices `{devices: [{class, platform, manufacturer, model, ownership, purposes, serial, imei}], complete, none}` for yourself; an officer names `person` to record a paper form',
        params: idParam,
        body,
        response: answers(open, 201),
      },
    },
    async (req, reply) => {
      const actor = authorize(req, 'declare');
      return reply.code(201).send(await c.declare(actor, req.params.id, req.body));
    },
  );
  server.post<{ Params: { id: string }; Body: unknown }>(
    '/api/v1/campaigns/:id/attestations',
    {
      schema: {
        operationId: 'attestCampaign',
        tags: ['campaigns'],
        summary:
          'A unit head attests `{unit, exceptions: [{person, reason}], note}` that every person of the unit has declared (409 naming who has not)',
        params: idParam,
        body,
        response: answers(open, 201),
      },
    },
    async (req, reply) => {
      const actor = authorize(req, 'attest');
      return reply.code(201).send(await c.attest(actor, req.params.id, req.body));
    },
  );
  server.delete<{ Params: { id: string; device: string } }>(
    '/api/v1/campaigns/:id/declarations/:device',
    {
      schema: {
        operationId: 'takeBackDeclaration',
        response: answersNothing('Taken back'),
        tags: ['campaigns'],
        summary: 'Take back a wrongly declared device before the due date',
        params: {
          type: 'object',
          required: ['id', 'device'],
          properties: { id: { type: 'string' }, device: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const actor = authorize(req, 'declare');
      await c.takeBack(actor, req.params.id, req.params.device);
      return reply.code(204).send();
    },
  );
}
