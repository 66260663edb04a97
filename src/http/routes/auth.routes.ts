import { answers, described } from '../schemas.js';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { capabilitiesOf, reachOf } from '../../domain/access.policy.js';
import { AppError } from '../../domain/errors.js';
import { authorize, SESSION_COOKIE } from '../access.js';

const COOKIE = { httpOnly: true, sameSite: 'strict' as const, path: '/' };

/** Sign-in, sign-out, and who am I. */
export function registerAuthRoutes(server: FastifyInstance, app: App): void {
  server.post<{ Body: { email: string; password: string } }>(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: {
        operationId: 'signIn',
        security: [],
        response: described('Signed in: the session cookie is set'),
        tags: ['auth'],
        summary:
          'Sign in with email and password; sets an HttpOnly, SameSite=Strict session cookie',
        body: {
          type: 'object',
          required: ['email', 'password'],
          additionalProperties: false,
          properties: { email: { type: 'string' }, password: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const r = await app.accounts.login(req.body.email, req.body.password, req.ip);
      void reply.setCookie(SESSION_COOKIE, r.session, {
        ...COOKIE,
        secure: req.protocol === 'https',
      });
      return { account: r.account, csrfToken: r.csrf };
    },
  );

  server.get(
    '/api/v1/auth/methods',
    {
      config: { public: true },
      schema: {
        operationId: 'signInMethods',
        security: [],
        tags: ['auth'],
        summary: 'How one may sign in here: password, and single sign-on when configured',
        response: answers({
          type: 'object',
          required: ['password', 'sso'],
          properties: {
            password: { type: 'boolean' },
            sso: {
              type: ['string', 'null'],
              description: 'Where the single sign-on starts, or null when not configured',
            },
          },
        }),
      },
    },
    () => ({ password: true, sso: app.sso ? '/auth/oidc/login' : null }),
  );

  server.post(
    '/api/v1/auth/logout',
    {
      schema: {
        operationId: 'signOut',
        response: described('Signed out: the session has ended'),
        tags: ['auth'],
        summary: 'End this session',
      },
    },
    async (req, reply) => {
      const actor = authorize(req, 'read');
      const session = req.cookies[SESSION_COOKIE];
      if (!session)
        throw new AppError('invalid_input', 'sign-out ends a session; tokens are revoked instead');
      await app.accounts.logout(session, actor);
      void reply.clearCookie(SESSION_COOKIE, COOKIE);
      return { ok: true };
    },
  );

  server.get(
    '/api/v1/auth/me',
    {
      schema: {
        operationId: 'whoAmI',
        response: described(
          'The account: email, roles, personId, units, capabilities, sees, csrfToken',
        ),
        tags: ['auth'],
        summary:
          'The signed-in account, its CSRF token, what it may do (`capabilities`: the permissions of the access policy) and how far it sees (`sees`: all, units or self)',
      },
    },
    (req) => {
      const actor = authorize(req, 'read');
      return {
        accountId: actor.accountId,
        email: actor.email,
        roles: [...actor.roles],
        personId: actor.personId,
        units: actor.units,
        capabilities: capabilitiesOf(actor),
        sees: reachOf(actor),
        csrfToken: req.csrf,
      };
    },
  );

  server.put<{ Body: { language: 'en' | 'ru' } }>(
    '/api/v1/auth/me/language',
    {
      schema: {
        operationId: 'setMyLanguage',
        response: described('The language is kept'),
        tags: ['auth'],
        summary: 'The language you read in; reminders and escalations to you come in it',
        body: {
          type: 'object',
          required: ['language'],
          additionalProperties: false,
          properties: { language: { type: 'string', enum: ['en', 'ru'] } },
        },
      },
    },
    async (req) => {
      const actor = authorize(req, 'read');
      await app.accounts.setLanguage(actor, req.body.language);
      return { language: req.body.language };
    },
  );
}
