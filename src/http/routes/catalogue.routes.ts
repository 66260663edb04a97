import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { authorize, reader } from '../access.js';
import { answers, described } from '../schemas.js';
import { open, str } from './replacement.schemas.js';

/** The catalogue of replacement models and the stock of them. */
export function registerCatalogueRoutes(server: FastifyInstance, app: App): void {
  const r = app.replacements;
  server.get(
    '/api/v1/catalogue',
    {
      schema: {
        operationId: 'listCatalogue',
        tags: ['replacement'],
        summary: 'Catalogue items, the mandates that offer them, and their stock',
        response: answers({ type: 'array', items: open({ id: str, model: str }) }),
      },
    },
    async (req) => r.catalogue(reader(req).actor),
  );

  server.put<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/api/v1/catalogue/:id',
    {
      schema: {
        operationId: 'putCatalogueItem',
        response: described('The item as stored'),
        tags: ['replacement'],
        summary:
          'Create or change a catalogue item (class, platform, manufacturer, model, notes, active)',
        params: { type: 'object', required: ['id'], properties: { id: str } },
        body: { type: 'object', additionalProperties: true },
      },
    },
    async (req) => r.putItem(authorize(req, 'logistics'), req.params.id, req.body),
  );

  server.get(
    '/api/v1/stock',
    {
      schema: {
        operationId: 'listStock',
        response: described('Stock per item and location'),
        tags: ['replacement'],
        summary: 'Stock units per catalogue item and location: total, reserved, free',
      },
    },
    async (req) => r.stock(reader(req).actor),
  );

  server.post<{
    Body: {
      devices?: { id: string; item: string; location: string }[];
      csv?: string;
      dryRun?: boolean;
    };
  }>(
    '/api/v1/stock',
    {
      schema: {
        operationId: 'receiveStock',
        response: described('The units received'),
        tags: ['replacement'],
        summary:
          'Receive stock: `devices` [{id, item, location, serial, imei}] or `csv` with those columns; all or nothing',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            devices: { type: 'array', items: { type: 'object' } },
            csv: str,
            dryRun: { type: 'boolean' },
          },
        },
      },
    },
    async (req, reply) => {
      const actor = authorize(req, 'logistics');
      const res = await r.receive(actor, req.body, req.body.dryRun === true);
      void reply.code(res.dryRun ? 200 : 201);
      return res;
    },
  );
}
