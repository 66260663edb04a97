import cookie from '@fastify/cookie';
import { openApiTransform } from './contract.js';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import { sep } from 'node:path';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import swaggerUi from '@fastify/swagger-ui';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { visibilityOf } from '../domain/access.policy.js';
import { allowPublic, authorize, registerAccess, SESSION_COOKIE } from './access.js';
import { handleError } from './errors.js';
import { renderHomePage, renderSignInPage } from './home.page.js';
import { registerAuditRoutes } from './routes/audit.routes.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerExemptionRoutes } from './routes/exemptions.routes.js';
import { registerMandateRoutes } from './routes/mandates.routes.js';
import { registerRecordRoutes } from './routes/records.routes.js';
import { registerSsoRoutes } from './routes/sso.routes.js';
import { registerNotifyRoutes } from './routes/notify.routes.js';
import { registerReplacementRoutes } from './routes/replacement.routes.js';
import { registerImportRoutes } from './routes/imports.routes.js';
import { makeOffloader } from './offload.js';
import { registerAdminRoutes } from './routes/admin.routes.js';
import { registerScimRoutes } from './routes/scim.routes.js';
import { registerCampaignRoutes } from './routes/campaigns.routes.js';
import { registerOpsRoutes } from './routes/ops.routes.js';
import { makeMetrics } from './metrics.js';
import { registerInputHygiene } from './hygiene.js';
import { BODY_LIMIT, registerJsonParser, registerUnreadBodyClose } from './body.js';

/** How the server is run: by `serve` from its flags and environment; tests take the defaults. */
export interface ServerOptions {
  /** Structured logs (pino) at this level: `info` has no line per request, `debug` has. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | null;
  /** Behind a TLS proxy: honour X-Forwarded-For/-Proto from it (true: any; else its addresses). */
  trustProxy?: boolean | string;
  /** Serve HTTPS with this certificate and key (PEM); answers then carry HSTS. */
  https?: { cert: Buffer; key: Buffer } | null;
  /** When set, `/metrics` answers only to `Authorization: Bearer` this token. */
  metricsToken?: string | null;
  /** How long a mandate file's dry run may take before it is stopped (default 120 s). */
  dryRunBudgetMs?: number;
}

/** Never written to a log: credentials travel in these headers. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/** Builds the HTTP server over the app; routes are thin: parse, authorise, call one service, present. */
export async function buildServer(app: App, o: ServerOptions = {}): Promise<FastifyInstance> {
  const options = {
    logger: o.logLevel
      ? { level: o.logLevel, redact: { paths: REDACT, censor: '[hidden]' } }
      : false,
    // One line per request only at debug (below), naming the route's pattern, never its path.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: proxyTrust(o.trustProxy),
    bodyLimit: BODY_LIMIT.json,
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { coerceTypes: 'array' as const, removeAdditional: false } },
  };
  const server = (o.https
    ? Fastify({ ...options, https: o.https })
    : Fastify(options)) as unknown as FastifyInstance;
  server.setErrorHandler(handleError);
  // Unknown routes answer in the one error shape.
  server.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({
      error: 'not_found',
      message: `there is no ${req.method} ${req.url.split('?')[0]}`,
      requestId: req.id,
    });
  });
  const metrics = makeMetrics(app);
  server.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? '(unknown)';
    metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    req.log.debug(
      { method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'answered',
    );
    done();
  });
  server.addHook('onClose', (_instance, done) => {
    metrics.close();
    done();
  });
  // Brotli or gzip for what is worth compressing (JSON, CSV, the console's scripts).
  await server.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await server.register(cookie);
  registerJsonParser(server);
  registerUnreadBodyClose(server);
  await server.register(formbody, { bodyLimit: BODY_LIMIT.form });
  await server.register(swagger, {
    transform: openApiTransform,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'phaseout API',
        version: '1',
        description:
          'Sign in with POST /api/v1/auth/login (session cookie; send x-csrf-token on writes) or use `Authorization: Bearer TOKEN`. Errors are { error, message, requestId }.',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      },
      servers: [{ url: '/', description: 'The phaseout server that serves this document' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await server.register(swaggerUi, { routePrefix: '/api/docs' });
  registerAccess(server, app);
  registerInputHygiene(server);
  // The console: built by Vite into dist/web, every asset bundled; its pages call the API.
  const consoleDir = fileURLToPath(new URL('../../dist/web/', import.meta.url));
  if (existsSync(consoleDir)) {
    await server.register(fastifyStatic, {
      root: consoleDir,
      prefix: '/console/',
      index: 'index.html',
      // Built assets carry their content's hash in their name: cached for good. The page that
      // names them is asked for again each time.
      cacheControl: false,
      setHeaders: (res, path) => {
        void res.header(
          'cache-control',
          path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  server.addHook('onSend', async (req, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    // Over TLS (here, or at a trusted proxy): browsers keep to HTTPS from now on.
    if (req.protocol === 'https')
      void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // Answers that carry data (the API, SCIM, the summary page) are about people and devices:
    // never kept by a cache.
    if (
      (req.url.startsWith('/api/') ||
        req.url.startsWith('/scim/') ||
        req.url.startsWith('/summary')) &&
      !reply.hasHeader('cache-control')
    )
      void reply.header('cache-control', 'no-store');
    if (!req.url.startsWith('/api/docs')) {
      void reply.header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      );
    }
    return payload;
  });

  server.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, () =>
    server.swagger(),
  );

  // The console is the front door; the server-rendered summary stays for a browser without JavaScript.
  server.get('/', { config: { public: true }, schema: { hide: true } }, (_req, reply) =>
    reply.redirect(existsSync(consoleDir) ? '/console/' : '/summary', 302),
  );

  server.get('/summary', { schema: { hide: true } }, async (req, reply) => {
    if (!req.actor) {
      allowPublic(req);
      return reply
        .type('text/html; charset=utf-8')
        .send(renderSignInPage(undefined, null, app.sso !== null));
    }
    const actor = authorize(req, 'read');
    if (!visibilityOf(actor).all) {
      void reply.code(403);
      return reply
        .type('text/html; charset=utf-8')
        .send(
          renderSignInPage(
            'This page shows organisation-wide counts; your role sees its own scope through the API at /api/docs.',
            req.csrf,
          ),
        );
    }
    return reply
      .type('text/html; charset=utf-8')
      .send(renderHomePage(await app.status.statusAll(), req.csrf));
  });

  server.post<{ Body: { email?: string; password?: string } }>(
    '/login',
    { config: { public: true }, schema: { hide: true }, bodyLimit: BODY_LIMIT.form },
    async (req, reply) => {
      try {
        const r = await app.accounts.login(req.body.email ?? '', req.body.password ?? '', req.ip);
        void reply.setCookie(SESSION_COOKIE, r.session, {
          httpOnly: true,
          sameSite: 'strict',
          path: '/',
          secure: req.protocol === 'https',
        });
        return reply.redirect('/summary', 303);
      } catch {
        void reply.code(401);
        return reply
          .type('text/html; charset=utf-8')
          .send(
            renderSignInPage(
              'Wrong email or password, or too many attempts.',
              null,
              app.sso !== null,
            ),
          );
      }
    },
  );

  server.post(
    '/logout',
    { schema: { hide: true }, bodyLimit: BODY_LIMIT.form },
    async (req, reply) => {
      const actor = authorize(req, 'read');
      const session = req.cookies[SESSION_COOKIE];
      if (session) await app.accounts.logout(session, actor);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/summary', 303);
    },
  );

  await registerAuthRoutes(server, app);
  await registerAdminRoutes(server, app);
  const offload = makeOffloader(app, o.dryRunBudgetMs ?? 120_000);
  await registerMandateRoutes(server, app, offload);
  await registerRecordRoutes(server, app);
  await registerExemptionRoutes(server, app);
  await registerAuditRoutes(server, app);
  registerSsoRoutes(server, app);
  await registerNotifyRoutes(server, app);
  await registerReplacementRoutes(server, app);
  await registerImportRoutes(server, app, offload);
  await registerCampaignRoutes(server, app);
  await registerScimRoutes(server, app);
  registerOpsRoutes(server, app, metrics, o.metricsToken ?? null);
  return server;
}

/**
 * Which proxies are believed (`--trust-proxy`): `true` is exactly one hop — the nearest proxy's
 * view of the client, the last address of `X-Forwarded-For` — so that a client cannot forge the
 * address it is counted by through a proxy that appends; a number is that many hops; otherwise
 * the proxies' own addresses (comma-separated, CIDR allowed).
 */
export function proxyTrust(
  v: boolean | string | undefined,
): false | string | ((address: string, hop: number) => boolean) {
  if (v === undefined || v === false) return false;
  // A function of the hop: fastify takes a bare number as "trust nobody".
  if (typeof v === 'string' && !/^\d+$/.test(v.trim())) return v;
  const hops = v === true ? 1 : Number(v.trim());
  return (_address: string, hop: number) => hop < hops;
}
