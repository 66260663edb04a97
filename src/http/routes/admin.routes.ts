import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { adminOps as ops } from '../../contract/admin.js';
import { auditActor } from '../../domain/access.policy.js';
import { AppError } from '../../domain/errors.js';
import { registerContractRoutes } from '../contract.js';

/** Administration: accounts, API tokens, the time zone and the channels' state (admins only). */
export async function registerAdminRoutes(server: FastifyInstance, app: App): Promise<void> {
  const a = app.accounts;
  await registerContractRoutes(server, (add) => {
    add(ops.listAccounts, 'accounts.manage', () => a.listUsers());
    add(ops.createAccount, 'accounts.manage', (req, actor) =>
      a.addUser(
        {
          email: req.body.email,
          roles: req.body.roles,
          units: req.body.units ?? [],
          personId: req.body.personId ?? null,
          password: req.body.password ?? null,
        },
        auditActor(actor),
      ),
    );
    add(ops.updateAccount, 'accounts.manage', (req, actor) => {
      // No admin locks themself out: another admin does that.
      if (
        req.params.id === actor.accountId &&
        (req.body.disabled === true || (req.body.roles && !req.body.roles.includes('admin')))
      )
        throw new AppError(
          'conflict',
          'you cannot disable your own account or drop your own admin role',
          [
            {
              where: req.body.disabled === true ? 'disabled' : 'roles',
              code: 'last_admin',
              message: 'ask another admin',
            },
          ],
        );
      return a.updateUser(req.params.id, req.body, auditActor(actor));
    });
    add(ops.resetAccountPassword, 'accounts.manage', (req, actor) =>
      a.resetPassword(req.params.id, auditActor(actor)),
    );
    add(ops.listTokens, 'accounts.manage', () => a.listTokens());
    add(ops.createToken, 'accounts.manage', (req, actor) =>
      a.createToken(
        {
          email: req.body.account,
          name: req.body.name,
          ...(req.body.expires ? { expires: req.body.expires } : {}),
          ...(req.body.readOnly !== undefined ? { readOnly: req.body.readOnly } : {}),
          ...(req.body.scim !== undefined ? { scim: req.body.scim } : {}),
        },
        auditActor(actor),
      ),
    );
    add(ops.revokeToken, 'accounts.manage', async (req, actor) => {
      await a.revokeToken(req.params.id, auditActor(actor));
      return null;
    });
    add(ops.getSettings, 'accounts.manage', async () => ({
      timeZone: await app.settings.getTimeZone(),
      channels: app.channels,
    }));
    add(ops.setTimeZone, 'accounts.manage', (req, actor) =>
      app.settings.setTimeZone(req.body.timeZone, auditActor(actor)),
    );
  });
}
