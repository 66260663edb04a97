import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { importOps as ops } from '../../contract/imports.js';
import { auditActor } from '../../domain/access.policy.js';
import { importSummary } from '../../services/import.service.js';
import { registerContractRoutes } from '../contract.js';
import type { Offloader } from '../offload.js';

/** Imports over HTTP (the CLI's `import`), and check-ins from agents and MDMs. */
export async function registerImportRoutes(
  server: FastifyInstance,
  app: App,
  offload: Offloader,
): Promise<void> {
  // Files as bytes, on these routes only (their limits are the operations'): a sign-in form
  // elsewhere takes no text/plain body.
  await server.register(async (scope) => {
    scope.addContentTypeParser(
      ['text/csv', 'text/plain', 'application/octet-stream'],
      { parseAs: 'buffer' },
      (_req, body, done) => done(null, body),
    );
    await registerImportOperations(scope, app, offload);
  });
}

async function registerImportOperations(
  server: FastifyInstance,
  app: App,
  offload: Offloader,
): Promise<void> {
  await registerContractRoutes(server, (add) => {
    for (const kind of ['devices', 'people'] as const) {
      const op = kind === 'devices' ? ops.importDevices : ops.importPeople;
      add(op, 'imports', async (req, actor) => {
        const q = req.query;
        const o = {
          fileName: `${kind}.csv`,
          actor: auditActor(actor),
          dryRun: q.dryRun === true,
          ignoreUnknown: q.ignoreUnknown === true,
          sync: q.sync === true,
          ...(q.observedAt !== undefined ? { observedAt: q.observedAt } : {}),
          ...(q.delimiter !== undefined ? { delimiter: q.delimiter } : {}),
          ...(q.encoding !== undefined ? { encoding: q.encoding } : {}),
          ...(q.format !== undefined ? { format: q.format } : {}),
          ...(q.source !== undefined ? { source: q.source } : {}),
        };
        const bytes = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
        // In a worker: the server goes on answering while a large file is read and written.
        const r = await offload.importFile(kind, bytes, o);
        return importSummary(r);
      });
    }
    add(ops.checkIn, 'imports', async (req, actor) => {
      const key = req.headers['idempotency-key'];
      const r = await app.checkins.checkin(actor, req.body, {
        ...(req.query.source !== undefined ? { source: req.query.source } : {}),
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      });
      return r;
    });
  });
}
