import { removalOps } from '../../contract/removals.js';
import { dataRemovalCsv } from '../../services/register.csv.js';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import type { Permission } from '../../domain/access.policy.js';
import { logisticsOps as ops, type OrderStepName } from '../../contract/logistics.js';
import { registerContractRoutes } from '../contract.js';
import { sendCsv } from '../csv-reply.js';

/** Who may take each step of an order. */
const STEP_PERMISSION: Record<OrderStepName, Permission> = {
  approve: 'replacements.decide',
  reject: 'replacements.decide',
  cancel: 'self.write',
  issue: 'logistics',
  return: 'logistics',
  writeoff: 'logistics',
  confirm: 'self.write',
};

/** Replacement orders: request, the steps, bulk steps, preview, reports, forecast, custody. */
export async function registerReplacementRoutes(server: FastifyInstance, app: App): Promise<void> {
  const r = app.replacements;
  await registerContractRoutes(server, (add) => {
    add(ops.listReplacements, 'read', async (req, actor, reply) => {
      const { format, dialect, state, sort, offset, limit, ...f } = req.query;
      const filter = { ...f, ...(state ? { state: state.split(',') } : {}) };
      if (format !== 'csv') return r.page(actor, { ...filter, sort, offset, limit });
      const orders = await r.list(actor, filter);
      return sendCsv(reply, 'replacements.csv', r.listCsv(orders), dialect);
    });
    add(ops.countReplacementsByUnit, 'read', async (req, actor, reply) => {
      const rows = await r.byUnit(actor, req.query.depth ?? 3);
      if (req.query.format !== 'csv') return rows;
      return sendCsv(reply, 'replacements-by-unit.csv', r.byUnitCsv(rows), req.query.dialect);
    });
    add(ops.getReplacementShortage, 'read', (_req, actor) => r.shortage(actor));
    add(ops.requestReplacement, 'replacements.request', (req, actor) => r.request(actor, req.body));
    add(ops.getReplacement, 'read', (req, actor) => r.get(actor, req.params.id));
    add(ops.previewIssue, 'logistics', (req, actor) => r.preview(actor, req.params.id, req.query));

    const steps = {
      approve: ops.approveReplacement,
      reject: ops.rejectReplacement,
      cancel: ops.cancelReplacement,
      issue: ops.issueReplacement,
      return: ops.returnReplacement,
      writeoff: ops.writeoffReplacement,
      confirm: ops.confirmReplacement,
    };
    const run = {
      approve: r.approve,
      reject: r.reject,
      cancel: r.cancel,
      issue: r.issue,
      return: r.receiveReturn,
      writeoff: r.writeoff,
      confirm: (a, id) => r.confirm(a, id),
    } satisfies Record<OrderStepName, (...args: Parameters<typeof r.approve>) => Promise<unknown>>;
    for (const name of Object.keys(steps) as OrderStepName[])
      add(steps[name], STEP_PERMISSION[name], (req, actor) =>
        run[name](actor, req.params.id, req.body ?? {}),
      );

    const bulk = {
      approve: ops.bulkApproveReplacements,
      issue: ops.bulkIssueReplacements,
      return: ops.bulkReturnReplacements,
    } as const;
    for (const name of ['approve', 'issue', 'return'] as const)
      add(bulk[name], STEP_PERMISSION[name], (req, actor) => {
        const { orders, devices, csv, ...opts } = req.body;
        return r.bulk(
          actor,
          name,
          {
            ...(orders ? { orders } : {}),
            ...(devices ? { devices } : {}),
            ...(csv !== undefined ? { csv } : {}),
          },
          opts,
        );
      });

    add(ops.getCustody, 'read', (req, actor) => r.custody(actor, req.params.id));

    add(ops.listCatalogue, 'read', (_req, actor) => r.catalogue(actor));
    add(ops.putCatalogueItem, 'logistics', (req, actor) =>
      r.putItem(actor, req.params.id, req.body),
    );
    add(ops.listStock, 'read', (req, actor) => r.stock(actor, req.query));
    add(ops.receiveStock, 'logistics', async (req, actor, reply) => {
      const res = await r.receive(actor, req.body, req.body.dryRun === true);
      void reply.code(res.dryRun ? 200 : 201);
      return res;
    });

    const s = app.sanitisations;
    add(ops.listSanitisations, 'read', (req, actor) => s.list(actor, req.query));
    add(ops.recordSanitisation, 'logistics', (req, actor) => s.record(actor, req.body));
    add(ops.getSanitisation, 'read', (req, actor) => s.get(actor, req.params.id));
    add(ops.verifySanitisation, 'sanitisation.verify', (req, actor) =>
      s.verify(actor, req.params.id),
    );
    const d = app.dataRemovals;
    add(removalOps.recordDataRemoval, 'logistics', (req, actor) =>
      d.record(actor, req.params.id, req.body),
    );
    add(removalOps.verifyDataRemoval, 'sanitisation.verify', (req, actor) =>
      d.verify(actor, req.params.id),
    );
    add(removalOps.listDataRemovals, 'read', async (req, actor, reply) => {
      const { format, dialect, ...f } = req.query;
      if (format !== 'csv') return d.page(actor, f);
      const all = await d.page(actor, f, true);
      return sendCsv(reply, 'data-removals.csv', dataRemovalCsv(all.items), dialect);
    });
    add(ops.getSanitisationCertificate, 'read', async (req, actor, reply) => {
      const c = await s.certificate(actor, req.params.id, req.query.lang ?? 'en');
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `inline; filename="${c.certificate.replace(/[^\w.-]/g, '_')}.pdf"`,
        )
        .send(c.pdf);
    });
  });
}
