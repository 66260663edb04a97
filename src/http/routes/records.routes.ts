import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { authorize, reader } from '../access.js';
import { answers, deviceSchema, pageOf, personSchema, described } from '../schemas.js';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
} as const;
const page = {
  after: { type: 'string' },
  limit: { type: 'integer', minimum: 1, maximum: 500 },
} as const;

const anyBody = { type: 'object', additionalProperties: true } as const;

/** People, devices and units, within the caller's scope; out of scope answers 404. */
export function registerRecordRoutes(server: FastifyInstance, app: App): void {
  for (const kind of ['devices', 'people'] as const) {
    const write = (
      ...args: Parameters<typeof app.records.writeDevice>
    ): Promise<{ etag: string }> =>
      kind === 'devices' ? app.records.writeDevice(...args) : app.records.writePerson(...args);
    const noun = kind === 'devices' ? 'device' : 'person';
    server.post<{ Body: { id: string } & Record<string, unknown> }>(
      `/api/v1/${kind}`,
      {
        schema: {
          operationId: kind === 'devices' ? 'createDevice' : 'createPerson',
          tags: [kind],
          summary: `Create a ${noun} (takes effect now)`,
          response: described(`The ${noun} as created, with its ETag`, 201),
          body: {
            type: 'object',
            required: ['id'],
            properties: { id: { type: 'string', minLength: 1 } },
            additionalProperties: true,
          },
        },
      },
      async (req, reply) => {
        const actor = authorize(req, 'records.write');
        const { id, ...fields } = req.body;
        const r = await write(actor, 'create', id.trim(), fields);
        void reply.code(201).header('etag', r.etag);
        return r;
      },
    );
    for (const method of ['PUT', 'PATCH'] as const) {
      server.route<{ Params: { id: string }; Body: Record<string, unknown> }>({
        method,
        url: `/api/v1/${kind}/:id`,
        schema: {
          operationId: `${method === 'PUT' ? 'replace' : 'update'}${kind === 'devices' ? 'Device' : 'Person'}`,
          tags: [kind],
          summary: `${method === 'PUT' ? 'Replace' : 'Change some fields of'} a ${noun}; needs If-Match with its ETag (428 without, 412 when stale)`,
          response: described(`The ${noun} as stored, with its new ETag`),
          params: idParam,
          body: anyBody,
        },
        handler: async (req, reply) => {
          const actor = authorize(req, 'records.write');
          const ifMatch = req.headers['if-match'];
          const r = await write(
            actor,
            method === 'PUT' ? 'replace' : 'patch',
            req.params.id,
            req.body,
            ifMatch,
          );
          void reply.header('etag', r.etag);
          return r;
        },
      });
    }
  }

  server.get<{ Params: { id: string } }>(
    '/api/v1/devices/:id',
    {
      schema: {
        operationId: 'getDevice',
        tags: ['devices'],
        summary: 'One device (404 when missing or out of scope)',
        response: answers(deviceSchema),
        params: idParam,
      },
    },
    async (req, reply) => {
      const { actor } = reader(req);
      const d = await app.directory.device(actor, req.params.id);
      void reply.header('etag', d.etag);
      return d;
    },
  );

  server.get<{
    Querystring: {
      platform?: string;
      class?: string;
      status?: string;
      owner?: string;
      unit?: string;
      q?: string;
      after?: string;
      limit?: number;
    };
  }>(
    '/api/v1/devices',
    {
      schema: {
        operationId: 'listDevices',
        tags: ['devices'],
        summary: 'Devices with filters; `next` is the cursor for the following page',
        response: answers(pageOf(deviceSchema)),
        querystring: {
          type: 'object',
          properties: {
            platform: { type: 'string' },
            class: { type: 'string' },
            status: { type: 'string' },
            owner: { type: 'string' },
            unit: { type: 'string' },
            q: {
              type: 'string',
              description: 'A device id, or part of its model or manufacturer (any case)',
            },
            ...page,
          },
        },
      },
    },
    async (req) => {
      const { actor } = reader(req);
      return app.directory.devices(actor, req.query);
    },
  );

  server.get<{ Params: { id: string } }>(
    '/api/v1/people/:id',
    {
      schema: {
        operationId: 'getPerson',
        tags: ['people'],
        summary: 'One person (404 when missing or out of scope)',
        response: answers(personSchema),
        params: idParam,
      },
    },
    async (req, reply) => {
      const { actor } = reader(req);
      const p = await app.directory.person(actor, req.params.id);
      void reply.header('etag', p.etag);
      return p;
    },
  );

  server.get<{
    Querystring: {
      unit?: string;
      tag?: string;
      active?: boolean;
      q?: string;
      after?: string;
      limit?: number;
    };
  }>(
    '/api/v1/people',
    {
      schema: {
        operationId: 'listPeople',
        tags: ['people'],
        summary: 'People with filters; `next` is the cursor for the following page',
        response: answers(pageOf(personSchema)),
        querystring: {
          type: 'object',
          properties: {
            unit: { type: 'string' },
            tag: { type: 'string' },
            active: { type: 'boolean' },
            q: { type: 'string' },
            ...page,
          },
        },
      },
    },
    async (req) => {
      const { actor } = reader(req);
      return app.directory.people(actor, req.query);
    },
  );

  server.post<{ Params: { id: string }; Body: { note?: string } | undefined }>(
    '/api/v1/devices/:id/no-official-use',
    {
      schema: {
        operationId: 'stateNoOfficialUse',
        response: described('The statement as kept, and the findings it closed'),
        tags: ['devices'],
        summary: 'As its owner, state that a device is no longer used for official business',
        params: idParam,
      },
    },
    async (req) => {
      const actor = authorize(req, 'attest');
      return app.records.stateNoOfficialUse(actor, req.params.id, req.body?.note);
    },
  );

  server.get(
    '/api/v1/units',
    {
      schema: {
        operationId: 'listUnits',
        response: described('Units with their heads'),
        tags: ['units'],
        summary: 'Units within your scope, with their heads',
      },
    },
    async (req) => {
      const { actor } = reader(req);
      return app.directory.units(actor);
    },
  );
}
