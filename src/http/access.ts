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

/** Recognises the caller on every request, checks CSRF on cookie writes, and guards routes that never authorise. */
export function registerAccess(server: FastifyInstance, app: App): void {
  server.decorateRequest('actor', null);
  server.decorateRequest('via', null);
  server.decorateRequest('csrf', null);
  server.decorateRequest('accessChecked', false);

  server.addHook('onRequest', async (req) => {
    // SCIM authenticates with its own kind of token (scim.routes.ts).
    if (req.url.startsWith('/scim/')) return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const actor = await app.accounts.actorForToken(auth.slice(7).trim());
      if (!actor) throw new AppError('unauthenticated', 'the token is unknown, expired or revoked');
      req.actor = actor;
      req.via = 'token';
      return;
    }
    const session = req.cookies[SESSION_COOKIE];
    if (!session) return;
    const found = await app.accounts.actorForSession(session);
    if (!found) return;
    req.actor = found.actor;
    req.via = 'session';
    req.csrf = found.csrf;
  });

  // Nobody signed in: 401 on every API route that is not public, before the request is checked.
  server.addHook('preValidation', (req, _reply, done) => {
    const url = req.routeOptions.url ?? '';
    if (url.startsWith('/api/v1/') && !req.routeOptions.config.public && !req.actor) {
      req.accessChecked = true;
      return done(new AppError('unauthenticated', 'sign in first'));
    }
    done();
  });

  // Cookie-authenticated writes must echo the session's CSRF token (from sign-in or /auth/me),
  // checked before the request itself is.
  server.addHook('preValidation', (req, _reply, done) => {
    if (req.via !== 'session' || SAFE.has(req.method)) return done();
    const sent = req.headers['x-csrf-token'] ?? (req.body as { _csrf?: string } | undefined)?._csrf;
    if (sent === req.csrf) return done();
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
