import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import type { OidcPending } from '../../adapters/oidc.js';
import { AppError } from '../../domain/errors.js';
import { allowPublic, SESSION_COOKIE } from '../access.js';
import { renderSignInPage } from '../home.page.js';

const PENDING = 'phaseout_oidc';

/** Single sign-on: out to the provider, back with a code. */
export function registerSsoRoutes(server: FastifyInstance, app: App): void {
  server.get(
    '/auth/oidc/login',
    { config: { public: true }, schema: { hide: true } },
    async (req, reply) => {
      allowPublic(req);
      if (!app.sso) throw new AppError('not_found', 'single sign-on is not configured');
      const { url, pending } = await app.sso.start();
      // Lax, not Strict: the provider sends the browser back with a cross-site redirect.
      void reply.setCookie(PENDING, JSON.stringify(pending), {
        httpOnly: true,
        sameSite: 'lax',
        path: '/auth/oidc',
        maxAge: 600,
        secure: req.protocol === 'https',
      });
      return reply.redirect(url, 302);
    },
  );

  server.get(
    '/auth/oidc/callback',
    { config: { public: true }, schema: { hide: true } },
    async (req, reply) => {
      allowPublic(req);
      if (!app.sso) throw new AppError('not_found', 'single sign-on is not configured');
      const raw = req.cookies[PENDING];
      void reply.clearCookie(PENDING, { path: '/auth/oidc' });
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      try {
        if (!raw) throw new Error('no sign-in in progress');
        const pending = JSON.parse(raw) as OidcPending;
        const identity = await app.sso.finish(
          new URL(query, `${req.protocol}://${req.host}${req.url.split('?')[0]}`),
          pending,
        );
        const r = await app.accounts.loginWithIdentity(identity, req.ip);
        void reply.setCookie(SESSION_COOKIE, r.session, {
          httpOnly: true,
          sameSite: 'strict',
          path: '/',
          secure: req.protocol === 'https',
        });
        return reply.redirect('/', 303);
      } catch (err) {
        req.log.warn({ err }, 'single sign-on refused');
        void reply.code(401);
        return reply
          .type('text/html; charset=utf-8')
          .send(renderSignInPage('Single sign-on did not succeed.', null, true));
      }
    },
  );
}
