import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { oversightOps as ops } from '../../contract/oversight.js';
import { registerContractRoutes } from '../contract.js';

/** The audit chain: entries and verification. */
export async function registerAuditRoutes(server: FastifyInstance, app: App): Promise<void> {
  await registerContractRoutes(server, (add) => {
    add(ops.listAudit, 'audit.read', (req) => {
      const q = req.query;
      return app.audit.list({
        limit: q.limit ?? 100,
        ...(q.after !== undefined ? { after: q.after } : {}),
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
        newestFirst: q.order === 'desc',
      });
    });
    add(ops.verifyAudit, 'audit.read', () => app.audit.verify());
  });
}
