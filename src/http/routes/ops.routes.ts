import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { AppError } from '../../domain/errors.js';
import { pendingMigrations } from '../../store/database.js';
import { ping } from '../../store/ops.repository.js';
import { allowPublic } from '../access.js';
import type { Metrics } from '../metrics.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether the bearer token sent is the metrics token, compared in constant time. */
function holdsToken(header: string | undefined, token: string): boolean {
  const sent = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
  return timingSafeEqual(digest(sent), digest(token));
}

/** `/healthz` (alive), `/readyz` (database answers, migrations run), `/metrics` (Prometheus). */
export function registerOpsRoutes(
  server: FastifyInstance,
  app: App,
  metrics: Metrics,
  metricsToken: string | null,
): void {
  const config = { public: true };
  const schema = { hide: true };
  server.get('/healthz', { config, schema }, (req) => {
    allowPublic(req);
    return { status: 'alive' };
  });
  server.get('/readyz', { config, schema }, async (req, reply) => {
    allowPublic(req);
    let reason: string;
    try {
      await ping(app.store.db);
      const pending = await pendingMigrations(app.store);
      if (pending.length === 0) return { status: 'ready' };
      reason = `migrations not run: ${pending.join(', ')}`;
    } catch {
      reason = 'the database does not answer';
    }
    return reply.code(503).send({ error: 'not_ready', message: reason, requestId: req.id });
  });
  server.get('/metrics', { config, schema }, async (req, reply) => {
    allowPublic(req);
    if (metricsToken !== null && !holdsToken(req.headers.authorization, metricsToken)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new AppError('unauthenticated', 'send the metrics token: Authorization: Bearer TOKEN');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
