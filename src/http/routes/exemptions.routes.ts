import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { exemptionOps as ops } from '../../contract/exemptions.js';
import { visibilityOf } from '../../domain/access.policy.js';
import { attestationRegisterCsv, exemptionRegisterCsv } from '../../services/register.csv.js';
import { registerContractRoutes } from '../contract.js';
import { sendCsv } from '../csv-reply.js';

/** Exemptions: request, decide, revoke, list; and the register of attestations. */
export async function registerExemptionRoutes(server: FastifyInstance, app: App): Promise<void> {
  const x = app.exemptions;
  await registerContractRoutes(server, (add) => {
    add(ops.requestExemption, 'exemptions.request', (req, actor) => x.request(actor, req.body));
    add(ops.approveExemption, 'exemptions.decide', (req, actor) => x.approve(actor, req.params.id));
    add(ops.rejectExemption, 'exemptions.decide', (req, actor) => x.reject(actor, req.params.id));
    add(ops.revokeExemption, 'exemptions.decide', (req, actor) => x.revoke(actor, req.params.id));
    add(ops.getExemption, 'read', (req, actor) => x.get(actor, req.params.id));
    add(ops.listExemptions, 'read', async (req, actor, reply) => {
      const { format, dialect, ...f } = req.query;
      if (format !== 'csv') return x.page(actor, f);
      const list = await x.list(actor, f);
      return sendCsv(reply, 'exemptions.csv', exemptionRegisterCsv(list), dialect);
    });
    add(ops.listAttestations, 'read', async (req, actor, reply) => {
      const { format, dialect, ...f } = req.query;
      const list = await app.attestations.list(visibilityOf(actor), f);
      if (format !== 'csv') return list;
      return sendCsv(reply, 'attestations.csv', attestationRegisterCsv(list), dialect);
    });
  });
}
