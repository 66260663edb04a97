import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { authOps as ops } from '../../contract/auth.js';
import { capabilitiesOf, reachOf } from '../../domain/access.policy.js';
import { AppError } from '../../domain/errors.js';
import { SESSION_COOKIE } from '../access.js';
import { registerContractRoutes } from '../contract.js';

const COOKIE = { httpOnly: true, sameSite: 'strict' as const, path: '/' };

/** Sign-in, sign-out, and who am I. */
export async function registerAuthRoutes(server: FastifyInstance, app: App): Promise<void> {
  await registerContractRoutes(server, (add) => {
    add(ops.signIn, 'public', async (req, _actor, reply) => {
      const r = await app.accounts.login(req.body.email, req.body.password, req.ip);
      void reply.setCookie(SESSION_COOKIE, r.session, {
        ...COOKIE,
        secure: req.protocol === 'https',
      });
      return { account: r.account, csrfToken: r.csrf };
    });
    add(ops.signInMethods, 'public', () =>
      Promise.resolve({ password: true, sso: app.sso ? '/auth/oidc/login' : null }),
    );
    add(ops.signOut, 'read', async (req, actor, reply) => {
      const session = req.cookies[SESSION_COOKIE];
      if (!session)
        throw new AppError('invalid_input', 'sign-out ends a session; tokens are revoked instead');
      await app.accounts.logout(session, actor);
      void reply.clearCookie(SESSION_COOKIE, COOKIE);
      return { ok: true as const };
    });
    add(ops.whoAmI, 'read', async (req, actor) => ({
      accountId: actor.accountId,
      email: actor.email,
      roles: [...actor.roles],
      personId: actor.personId,
      units: [...actor.units],
      capabilities: capabilitiesOf(actor),
      sees: reachOf(actor),
      csrfToken: req.csrf,
      demoDay: await app.demo.storyDay(),
    }));
    add(ops.setMyLanguage, 'self.write', async (req, actor) => {
      await app.accounts.setLanguage(actor, req.body.language);
      return { language: req.body.language };
    });
  });
}
