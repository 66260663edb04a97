import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import type { Permission } from '../../domain/access.policy.js';
import { authorize, reader } from '../access.js';
import { answers, described } from '../schemas.js';
import {
  bulkBody,
  effectSchema,
  idParam,
  orderSchema,
  stepBody,
  str,
  type StepBody,
} from './replacement.schemas.js';

/** Replacement orders: request, the steps, bulk steps, preview, reports, forecast, custody. */
export function registerReplacementRoutes(server: FastifyInstance, app: App): void {
  const r = app.replacements;

  server.get<{
    Querystring: {
      state?: string;
      person?: string;
      item?: string;
      mandate?: string;
      device?: string;
      unconfirmed?: boolean;
      format?: 'json' | 'csv';
      limit?: number;
    };
  }>(
    '/api/v1/replacements',
    {
      schema: {
        operationId: 'listReplacements',
        response: described('Orders, newest first'),
        tags: ['replacement'],
        summary:
          'Replacement orders within your scope, newest first; `state` may list several (a,b); `unconfirmed=true`: issued and not confirmed by the official; `format=csv`',
        querystring: {
          type: 'object',
          properties: {
            state: str,
            person: str,
            item: str,
            mandate: str,
            device: str,
            unconfirmed: { type: 'boolean' },
            format: { type: 'string', enum: ['json', 'csv'] },
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: 10000,
              description: 'JSON: at most this many (default 1000); CSV has them all',
            },
          },
        },
      },
    },
    async (req, reply) => {
      const { actor } = reader(req);
      const { format, state, limit, ...f } = req.query;
      const orders = await r.list(
        actor,
        { ...f, ...(state ? { state: state.split(',') } : {}) },
        format === 'csv' ? null : (limit ?? 1000),
      );
      if (format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="replacements.csv"')
          .send(r.listCsv(orders));
      return orders;
    },
  );

  server.get<{ Querystring: { depth?: number; format?: 'json' | 'csv' } }>(
    '/api/v1/replacements/by-unit',
    {
      schema: {
        operationId: 'countReplacementsByUnit',
        response: described('Orders by unit and state'),
        tags: ['replacement'],
        summary: 'Orders counted by unit (cut to `depth` levels) and state, within your scope',
        querystring: {
          type: 'object',
          properties: {
            depth: { type: 'integer', minimum: 1, maximum: 20 },
            format: { type: 'string', enum: ['json', 'csv'] },
          },
        },
      },
    },
    async (req, reply) => {
      const rows = await r.byUnit(reader(req).actor, req.query.depth ?? 3);
      if (req.query.format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="replacements-by-unit.csv"')
          .send(r.byUnitCsv(rows));
      return rows;
    },
  );

  server.get(
    '/api/v1/replacements/shortage',
    {
      schema: {
        operationId: 'getReplacementShortage',
        response: described('Per mandate: caught devices, stock and what is short'),
        tags: ['replacement'],
        summary:
          'Per mandate that asks for replacements: caught devices without an order and requests awaiting approval against free stock; a warning when the due date cannot be met',
      },
    },
    async (req) => r.shortage(reader(req).actor),
  );

  server.post<{ Body: { device: string; item: string; mandate?: string; note?: string } }>(
    '/api/v1/replacements',
    {
      schema: {
        operationId: 'requestReplacement',
        tags: ['replacement'],
        summary: 'Request one of the offered models for a device a mandate caught',
        response: answers(orderSchema, 201),
        body: {
          type: 'object',
          required: ['device', 'item'],
          additionalProperties: false,
          properties: { device: str, item: str, mandate: str, note: str },
        },
      },
    },
    async (req, reply) => {
      const o = await r.request(authorize(req, 'replacements.request'), req.body);
      void reply.code(201);
      return o;
    },
  );

  server.get<{ Params: { id: number } }>(
    '/api/v1/replacements/:id',
    {
      schema: {
        operationId: 'getReplacement',
        tags: ['replacement'],
        summary: 'One order with its steps (who, when, where)',
        params: idParam,
        response: answers(orderSchema),
      },
    },
    async (req) => r.get(reader(req).actor, req.params.id),
  );

  const steps: [
    string,
    Permission,
    string,
    (id: number, b: StepBody, actor: ReturnType<typeof authorize>) => Promise<unknown>,
  ][] = [
    [
      'approve',
      'replacements.decide',
      'Approve a request: reserves a free unit (409 when none)',
      (id, b, a) => r.approve(a, id, b),
    ],
    [
      'reject',
      'replacements.decide',
      'Reject a request (a reason is required); frees its unit',
      (id, b, a) => r.reject(a, id, b),
    ],
    [
      'cancel',
      'self.write',
      'Cancel a request before issue (the official, the requester, logistics or an officer)',
      (id, b, a) => r.cancel(a, id, b),
    ],
    [
      'issue',
      'logistics',
      'Hand the reserved unit to the official; with `swap` take the old device back in the same step',
      (id, b, a) => r.issue(a, id, b),
    ],
    [
      'return',
      'logistics',
      'Receive the old device back: it becomes retired with no owner, its finding resolves now',
      (id, b, a) => r.receiveReturn(a, id, b),
    ],
    [
      'writeoff',
      'logistics',
      'Close an issued order whose old device will not come back (lost, say); a reason is required',
      (id, b, a) => r.writeoff(a, id, b),
    ],
    [
      'confirm',
      'self.write',
      'The official confirms they received the new device',
      (id, _b, a) => r.confirm(a, id),
    ],
  ];
  for (const [step, permission, summary, run] of steps) {
    server.post<{ Params: { id: number }; Body: StepBody | undefined }>(
      `/api/v1/replacements/:id/${step}`,
      {
        schema: {
          operationId: `${step}Replacement`,
          tags: ['replacement'],
          summary,
          params: idParam,
          body: stepBody,
          response: described('The order after the step'),
        },
        // A step may be posted without a body.
        preValidation: (req, _reply, done) => {
          req.body ??= {};
          done();
        },
      },
      async (req) => run(req.params.id, req.body ?? {}, authorize(req, permission)),
    );
  }

  server.get<{ Params: { id: number }; Querystring: { swap?: boolean; place?: string } }>(
    '/api/v1/replacements/:id/preview',
    {
      schema: {
        operationId: 'previewIssue',
        tags: ['replacement'],
        summary:
          'What issuing (with `swap`: and taking the old device back) would open and close, without doing it',
        params: idParam,
        querystring: { type: 'object', properties: { swap: { type: 'boolean' }, place: str } },
        response: answers(effectSchema),
      },
    },
    async (req) => r.preview(authorize(req, 'logistics'), req.params.id, req.query),
  );

  for (const [step, permission] of [
    ['approve', 'replacements.decide'],
    ['issue', 'logistics'],
    ['return', 'logistics'],
  ] as const) {
    server.post<{ Body: { orders?: number[]; devices?: string[]; csv?: string } & StepBody }>(
      `/api/v1/replacements/bulk/${step}`,
      {
        schema: {
          operationId: `bulk${step[0]!.toUpperCase()}${step.slice(1)}Replacements`,
          response: described('Every order after the step'),
          tags: ['replacement'],
          summary: `${step[0]!.toUpperCase()}${step.slice(1)} many orders at once (orders, old devices, or a CSV): all or nothing, every refused entry listed`,
          body: bulkBody,
        },
      },
      async (req) => {
        const { orders, devices, csv, ...opts } = req.body;
        return r.bulk(
          authorize(req, permission),
          step,
          {
            ...(orders ? { orders } : {}),
            ...(devices ? { devices } : {}),
            ...(csv !== undefined ? { csv } : {}),
          },
          opts,
        );
      },
    );
  }

  server.get<{ Params: { id: string } }>(
    '/api/v1/devices/:id/custody',
    {
      schema: {
        operationId: 'getCustody',
        response: described('Every handover of the device, oldest first'),
        tags: ['devices'],
        summary:
          'A device’s chain of custody: every handover (from, to, place, time, who recorded it)',
        params: { type: 'object', required: ['id'], properties: { id: str } },
      },
    },
    async (req) => r.custody(reader(req).actor, req.params.id),
  );
}
