import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { campaignOps as ops } from '../../contract/campaigns.js';
import { registerContractRoutes } from '../contract.js';
import { campaignPeopleCsv } from '../../services/register.csv.js';
import { sendCsv } from '../csv-reply.js';

/** Declaration campaigns: open, progress (scoped), declare for oneself or record a paper form. */
export async function registerCampaignRoutes(server: FastifyInstance, app: App): Promise<void> {
  const c = app.campaigns;
  await registerContractRoutes(server, (add) => {
    add(ops.openCampaign, 'campaigns.manage', (req, actor) => c.open(actor, req.body));
    add(ops.listCampaigns, 'read', (req, actor) => c.list(actor, req.query));
    add(ops.getCampaign, 'read', (req, actor) => c.status(actor, req.params.id, req.query));
    add(ops.listCampaignPeople, 'read', async (req, actor, reply) => {
      const { format, dialect, ...f } = req.query;
      if (format !== 'csv') return c.people(actor, req.params.id, f);
      const all = await c.people(actor, req.params.id, { ...f, all: true });
      return sendCsv(reply, `campaign-${req.params.id}.csv`, campaignPeopleCsv(all.items), dialect);
    });
    add(ops.listDeclaredModels, 'read', (req, actor) => c.models(actor, req.params.id));
    add(ops.declareDevices, 'declare', (req, actor) => c.declare(actor, req.params.id, req.body));
    add(ops.attestCampaign, 'attest', (req, actor) => c.attest(actor, req.params.id, req.body));
    add(ops.takeBackDeclaration, 'declare', async (req, actor) => {
      await c.takeBack(actor, req.params.id, req.params.device);
      return null;
    });
  });
}
