import { described } from '../schemas.js';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { formatInstant } from '../../domain/time.js';
import { AppError } from '../../domain/errors.js';
import { reader } from '../access.js';

const at = (ms: number | null) => (ms === null ? null : formatInstant(Number(ms)));

/** The log of notifications: what was sent to whom and when, within the caller's scope. */
export function registerNotifyRoutes(server: FastifyInstance, app: App): void {
  server.get<{
    Querystring: {
      owner?: string;
      mandate?: string;
      device?: string;
      state?: 'queued' | 'sending' | 'sent' | 'dead' | 'merged';
      channel?: 'email' | 'webhook';
      limit?: number;
    };
  }>(
    '/api/v1/notifications',
    {
      schema: {
        operationId: 'listNotifications',
        response: described('Messages, newest first, without their bodies'),
        tags: ['notifications'],
        summary:
          'Reminders and escalations planned and sent, newest first: per person (owner), per finding (mandate + device), the dead-letter list (state=dead)',
        querystring: {
          type: 'object',
          properties: {
            owner: { type: 'string' },
            mandate: { type: 'string' },
            device: { type: 'string' },
            state: {
              type: 'string',
              enum: ['queued', 'sending', 'sent', 'dead', 'merged'],
              description: 'dead: given up after 6 attempts (the dead-letter list)',
            },
            channel: { type: 'string', enum: ['email', 'webhook'] },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
      },
    },
    async (req) => {
      const { visibility } = reader(req);
      const rows = await app.notifier.log({ ...req.query, visibility });
      return rows.map((r) => ({
        id: r.id,
        mandate: r.mandate_id,
        device: r.device_id,
        owner: r.owner_id,
        step: r.step,
        recipient: r.recipient,
        address: r.address,
        channel: r.channel,
        language: r.language,
        subject: r.subject,
        state: r.state,
        attempts: r.attempts,
        dueAt: at(r.due_at),
        createdAt: at(r.created_at),
        sentAt: at(r.sent_at),
        nextAttemptAt: r.state === 'queued' ? at(r.next_at) : null,
        error: r.error,
      }));
    },
  );

  const orgWide = (req: Parameters<typeof reader>[0]) => {
    if (!reader(req).visibility.all)
      throw new AppError(
        'forbidden',
        'reports are organisation-wide: officers, auditors, logistics and admins',
      );
  };

  server.get<{ Querystring: { mandate?: string } }>(
    '/api/v1/reports',
    {
      schema: {
        operationId: 'listReports',
        response: described('Kept reports, newest first'),
        tags: ['reports'],
        summary: 'Recurring status reports kept for download (mandate `reports`), newest first',
        querystring: { type: 'object', properties: { mandate: { type: 'string' } } },
      },
    },
    async (req) => {
      orgWide(req);
      return (await app.notifier.reports(req.query.mandate)).map((r) => ({
        id: Number(r.id),
        mandate: r.mandate_id,
        day: r.day,
        asOf: at(r.as_of),
        createdAt: at(r.created_at),
        pdf: `/api/v1/reports/${r.id}/pdf`,
        csv: `/api/v1/reports/${r.id}/csv`,
      }));
    },
  );

  server.get<{ Params: { id: number; format: 'pdf' | 'csv' | 'register' } }>(
    '/api/v1/reports/:id/:format',
    {
      schema: {
        operationId: 'getReport',
        response: described('The report as PDF, or CSV'),
        tags: ['reports'],
        summary:
          'One report as PDF or CSV by unit, or `register`: its register of exemptions (CSV)',
        params: {
          type: 'object',
          required: ['id', 'format'],
          properties: {
            id: { type: 'integer', minimum: 1 },
            format: { type: 'string', enum: ['pdf', 'csv', 'register'] },
          },
        },
      },
    },
    async (req, reply) => {
      orgWide(req);
      const r = await app.notifier.report(req.params.id);
      if (!r) throw new AppError('not_found', `no report ${req.params.id}`);
      const name =
        req.params.format === 'register'
          ? `${r.mandate_id}-${r.day}-exemptions.csv`
          : `${r.mandate_id}-${r.day}.${req.params.format}`;
      if (req.params.format === 'register' && r.register_csv === null)
        throw new AppError(
          'not_found',
          `report ${req.params.id} was made before registers were kept`,
        );
      void reply.header('content-disposition', `attachment; filename="${name}"`);
      if (req.params.format === 'pdf')
        return reply.type('application/pdf').send(Buffer.from(r.pdf));
      return reply
        .type('text/csv; charset=utf-8')
        .send(req.params.format === 'register' ? r.register_csv : r.csv);
    },
  );
}
