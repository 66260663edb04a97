import Fastify, { type FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { handleError } from './errors.js';
import { renderHomePage } from './home.page.js';

/** Builds the HTTP server over the app; routes are thin. */
export function buildServer(app: App): FastifyInstance {
  const server = Fastify({
    logger: false,
    bodyLimit: 1_048_576,
    genReqId: () => crypto.randomUUID(),
  });
  server.setErrorHandler(handleError);
  server.addHook('onSend', async (_req, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header(
      'content-security-policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'",
    );
  });

  server.get('/', async (_req, reply) => {
    const statuses = await app.status.statusAll();
    return reply.type('text/html; charset=utf-8').send(renderHomePage(statuses));
  });

  server.get('/api/v1/mandates', async () => app.mandates.list());

  server.get<{ Querystring: { asOf?: string } }>('/api/v1/status', async (req) =>
    app.status.statusAll(req.query.asOf !== undefined ? { asOf: req.query.asOf } : {}),
  );

  return server;
}
