import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { oversightOps as ops } from '../../contract/oversight.js';
import { registerContractRoutes } from '../contract.js';

/** The audit chain: entries and verification. */
export async function registerAuditRoutes(server: FastifyInstance, app: App): Promise<void> {
  await registerContractRoutes(server, (add) => {
    add(ops.listAudit, 'audit.read', (req) =>
      app.audit.list(req.query.after ?? 0, req.query.limit ?? 100),
    );
    add(ops.verifyAudit, 'audit.read', () => app.audit.verify());
  });
}
