import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import {
  hasPermission,
  visibilityOf,
  type Actor,
  type Permission,
  type Visibility,
} from '../domain/access.policy.js';
import { AppError } from '../domain/errors.js';

export const SESSION_COOKIE = 'phaseout_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** How the actor was recognised: a session cookie (needs CSRF on writes) or a bearer token. */
    via: 'session' | 'token' | null;
    csrf: string | null;
    /** Set when the route asked the access layer: a guarded route that never asks fails. */
    accessChecked: boolean;
  }
  interface FastifyContextConfig {
    /** Routes anyone may call (sign-in, the API description). */
    public?: boolean;
  }
}

/** Asks the access layer: 401 without an actor, 403 without the permission. Returns the actor. */
export function authorize(req: FastifyRequest, permission: Permission): Actor {
  req.accessChecked = true;
  if (!req.actor) throw new AppError('unauthenticated', 'sign in first');
  if (!hasPermission(req.actor, permission))
    throw new AppError('forbidden', `your roles do not allow ${permission}`);
  return req.actor;
}

/** The actor and what it may see, for reading routes. */
export function reader(req: FastifyRequest): { actor: Actor; visibility: Visibility } {
  const actor = authorize(req, 'read');
  return { actor, visibility: visibilityOf(actor) };
}

/** Marks a public route as having been through the access layer. */
export function allowPublic(req: FastifyRequest): void {
  req.accessChecked = true;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Paths for whoever runs the server (ops.routes.ts): no session; the access layer reads no header of theirs. */
export const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const FORM = 'application/x-www-form-urlencoded';

/** Recognises the caller on every request, checks CSRF on cookie writes, and guards routes that never authorise. */
export function registerAccess(server: FastifyInstance, app: App): void {
  server.decorateRequest('actor', null);
  server.decorateRequest('via', null);
  server.decorateRequest('csrf', null);
  server.decorateRequest('accessChecked', false);

  // Who asks, and may they: decided before the body is read, so that nobody unknown gets an
  // answer about a request's content (400, 413) and nobody makes the server parse one.
  server.addHook('onRequest', async (req) => {
    // SCIM authenticates with its own kind of token (scim.routes.ts).
    if (req.url.startsWith('/scim/') || OPS_PATHS.has(req.url.split('?')[0]!)) return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const actor = await app.accounts.actorForToken(auth.slice(7).trim());
      if (!actor) throw new AppError('unauthenticated', 'the token is unknown, expired or revoked');
      req.actor = actor;
      req.via = 'token';
      return;
    }
    const session = req.cookies[SESSION_COOKIE];
    const found = session ? await app.accounts.actorForSession(session) : null;
    if (found) {
      req.actor = found.actor;
      req.via = 'session';
      req.csrf = found.csrf;
    }
    // Nobody signed in: 401 on every API route that is not public.
    const url = req.routeOptions.url ?? '';
    if (!req.actor && url.startsWith('/api/v1/') && !req.routeOptions.config.public) {
      req.accessChecked = true;
      throw new AppError('unauthenticated', 'sign in first');
    }
    // Cookie-authenticated writes must echo the session's CSRF token (from sign-in or /auth/me)
    // in the x-csrf-token header; only the server-rendered forms send it in their body.
    if (req.via !== 'session' || SAFE.has(req.method)) return;
    const sent = req.headers['x-csrf-token'];
    if (sent === undefined && req.headers['content-type']?.startsWith(FORM)) return;
    if (sent === req.csrf) return;
    req.accessChecked = true;
    throw new AppError('forbidden', 'missing or wrong CSRF token (send the x-csrf-token header)');
  });

  // A server-rendered form's CSRF token, read from its body.
  server.addHook('preValidation', (req, _reply, done) => {
    if (req.via !== 'session' || SAFE.has(req.method) || req.headers['x-csrf-token'] !== undefined)
      return done();
    if ((req.body as { _csrf?: string } | undefined)?._csrf === req.csrf) return done();
    req.accessChecked = true;
    done(new AppError('forbidden', 'missing or wrong CSRF token (send the x-csrf-token header)'));
  });

  server.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload) => {
    const url = req.routeOptions.url ?? '';
    const guarded =
      url === '/summary' || url.startsWith('/api/v1') || url === '/login' || url === '/logout';
    if (!guarded || req.accessChecked || reply.statusCode >= 400 || req.routeOptions.config.public)
      return payload;
    req.log.error({ url }, 'route answered without asking the access layer');
    void reply.code(500).type('application/json');
    return JSON.stringify({ error: 'internal', message: 'internal error', requestId: req.id });
  });
}
