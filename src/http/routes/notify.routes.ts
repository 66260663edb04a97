import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { oversightOps as ops, type Message } from '../../contract/oversight.js';
import { visibilityOf, type Actor } from '../../domain/access.policy.js';
import { AppError } from '../../domain/errors.js';
import { formatInstant } from '../../domain/time.js';
import { registerContractRoutes } from '../contract.js';
import { sendCsv } from '../csv-reply.js';

const at = (ms: number | null) => (ms === null ? null : formatInstant(Number(ms)));

/** Reports are organisation-wide: only for those who see everything. */
const orgWide = (actor: Actor) => {
  if (!visibilityOf(actor).all)
    throw new AppError(
      'forbidden',
      'reports are organisation-wide: officers, auditors, logistics and admins',
    );
};

/** The log of notifications (within the caller's scope) and the kept reports. */
export async function registerNotifyRoutes(server: FastifyInstance, app: App): Promise<void> {
  await registerContractRoutes(server, (add) => {
    add(ops.listNotifications, 'read', async (req, actor) => {
      const offset = req.query.offset ?? 0;
      const limit = req.query.limit ?? 100;
      const { rows, total } = await app.notifier.logPage({
        ...req.query,
        offset,
        limit,
        visibility: visibilityOf(actor),
      });
      const items = rows.map((r) => ({
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
        ownerName: r.owner_name,
        rerouted: r.rerouted ? (JSON.parse(r.rerouted) as Message['rerouted']) : null,
      }));
      return { items, total, offset, limit };
    });
    add(ops.listReports, 'read', async (req, actor) => {
      orgWide(actor);
      return (await app.notifier.reports(req.query.mandate)).map((r) => ({
        id: Number(r.id),
        mandate: r.mandate_id,
        day: r.day,
        asOf: at(r.as_of),
        createdAt: at(r.created_at),
        pdf: `/api/v1/reports/${r.id}/pdf`,
        csv: `/api/v1/reports/${r.id}/csv`,
      }));
    });
    add(ops.getReport, 'read', async (req, actor, reply) => {
      orgWide(actor);
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
      if (req.params.format === 'pdf')
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(Buffer.from(r.pdf));
      const csv = req.params.format === 'register' ? r.register_csv : r.csv;
      return sendCsv(reply, name, csv ?? '', req.query.dialect);
    });
  });
}
