import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { hasPermission, type Actor } from '../../domain/access.policy.js';
import { AppError } from '../../domain/errors.js';
import { listResponse, SCIM, ScimError, type Json } from '../../domain/scim.js';
import {
  SCIM_RESOURCE_TYPES,
  SCIM_SCHEMAS,
  SCIM_SERVICE_PROVIDER_CONFIG,
} from '../../domain/scim.schemas.js';
import { allowPublic } from '../access.js';
import { JSON_DEPTH_MAX, jsonDepthExceeds } from '../body.js';

const SCIM_TYPE = 'application/scim+json';

function scimError(
  reply: FastifyReply,
  status: number,
  detail: string,
  scimType: string | null = null,
) {
  return reply
    .code(status)
    .type(SCIM_TYPE)
    .send({
      schemas: [SCIM.error],
      status: String(status),
      ...(scimType ? { scimType } : {}),
      detail,
    });
}

/**
 * SCIM 2.0 at /scim/v2 for directory sync (Entra ID, Okta): its own token kind, its own error
 * shape (RFC 7644 §3.12), and no OpenAPI description (the schemas are served by SCIM itself).
 */
export async function registerScimRoutes(server: FastifyInstance, app: App): Promise<void> {
  await server.register(
    (scim, _opts, done) => {
      scim.removeContentTypeParser('application/json');
      scim.addContentTypeParser(
        [SCIM_TYPE, 'application/json'],
        { parseAs: 'string' },
        (_req, body, next) => {
          if (jsonDepthExceeds(body as string, JSON_DEPTH_MAX))
            return next(new ScimError(400, 'invalidSyntax', 'the body is nested too deeply'));
          try {
            next(null, body === '' ? {} : (JSON.parse(body as string) as unknown));
          } catch {
            next(new ScimError(400, 'invalidSyntax', 'the body is not JSON'));
          }
        },
      );
      scim.decorateRequest('scimActor', null);
      scim.addHook('onRequest', async (req) => {
        allowPublic(req);
        const auth = req.headers.authorization;
        const actor = auth?.startsWith('Bearer ')
          ? await app.accounts.actorForToken(auth.slice(7).trim(), 'scim')
          : null;
        if (!actor)
          throw new ScimError(
            401,
            null,
            'a SCIM token is required (phaseout tokens create --scim)',
          );
        if (!hasPermission(actor, 'records.write'))
          throw new ScimError(403, null, 'the token’s account may not change people');
        (req as FastifyRequest & { scimActor: Actor }).scimActor = actor;
      });
      scim.addHook('onSend', async (_req, reply, payload) => {
        if (String(reply.getHeader('content-type') ?? '').startsWith('application/json'))
          void reply.type(SCIM_TYPE);
        return payload;
      });
      scim.setErrorHandler((err: FastifyError | Error, req, reply) => {
        if (err instanceof ScimError)
          return scimError(reply, err.status, err.message, err.scimType);
        if (err instanceof AppError) {
          const status =
            { not_found: 404, conflict: 409, forbidden: 403, unauthenticated: 401 }[
              err.code as string
            ] ?? 400;
          return scimError(
            reply,
            status,
            err.problems.length
              ? err.problems.map((p) => `${p.where}: ${p.message}`).join('; ')
              : err.message,
            status === 400 ? 'invalidValue' : null,
          );
        }
        const fe = err as FastifyError;
        if (fe.statusCode && fe.statusCode < 500)
          return scimError(reply, fe.statusCode, fe.message, 'invalidSyntax');
        req.log.error({ err }, 'unhandled SCIM error');
        return scimError(reply, 500, `internal error (request ${req.id})`);
      });
      const actorOf = (req: FastifyRequest): Actor =>
        (req as FastifyRequest & { scimActor: Actor }).scimActor;
      const s = app.scim;
      const hide = { schema: { hide: true } };
      type Q = {
        Querystring: {
          filter?: string;
          startIndex?: number;
          count?: number;
          excludedAttributes?: string;
        };
      };
      type P = { Params: { id: string } };

      scim.get('/ServiceProviderConfig', hide, () => SCIM_SERVICE_PROVIDER_CONFIG);
      // The schemas and resource types: listed, and one by id.
      for (const [path, items, what] of [
        ['/Schemas', SCIM_SCHEMAS, 'schema'],
        ['/ResourceTypes', SCIM_RESOURCE_TYPES, 'resource type'],
      ] as const) {
        scim.get(path, hide, () => listResponse([...items]));
        scim.get<P>(`${path}/:id`, hide, (req) => {
          const found = (items as readonly { id: string }[]).find((x) => x.id === req.params.id);
          if (!found) throw new ScimError(404, null, `no ${what} ${req.params.id}`);
          return found;
        });
      }

      const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));
      scim.get<Q>('/Users', hide, (req) =>
        s.listUsers({
          ...(req.query.filter !== undefined ? { filter: req.query.filter } : {}),
          ...(req.query.startIndex !== undefined ? { startIndex: num(req.query.startIndex)! } : {}),
          ...(req.query.count !== undefined ? { count: num(req.query.count)! } : {}),
        }),
      );
      scim.get<P>('/Users/:id', hide, (req) => s.getUser(req.params.id));
      scim.post<{ Body: Json }>('/Users', hide, async (req, reply) => {
        const r = await s.createUser(actorOf(req), req.body);
        return reply
          .code(201)
          .header('location', (r.meta as Json).location)
          .send(r);
      });
      scim.put<P & { Body: Json }>('/Users/:id', hide, (req) =>
        s.replaceUser(actorOf(req), req.params.id, req.body),
      );
      scim.patch<P & { Body: Json }>('/Users/:id', hide, (req) =>
        s.patchUser(actorOf(req), req.params.id, req.body),
      );
      scim.delete<P>('/Users/:id', hide, async (req, reply) => {
        await s.deleteUser(actorOf(req), req.params.id);
        return reply.code(204).send();
      });

      scim.get<Q>('/Groups', hide, (req) =>
        s.listGroups({
          ...(req.query.filter !== undefined ? { filter: req.query.filter } : {}),
          ...(req.query.excludedAttributes !== undefined
            ? { excludedAttributes: req.query.excludedAttributes }
            : {}),
        }),
      );
      scim.get<P & Q>('/Groups/:id', hide, (req) =>
        s.getGroup(req.params.id, req.query.excludedAttributes),
      );
      scim.post<{ Body: Json }>('/Groups', hide, async (req, reply) => {
        const r = await s.createGroup(actorOf(req), req.body);
        return reply
          .code(201)
          .header('location', (r.meta as Json).location)
          .send(r);
      });
      scim.put<P & { Body: Json }>('/Groups/:id', hide, (req) =>
        s.replaceGroup(actorOf(req), req.params.id, req.body),
      );
      scim.patch<P & { Body: Json }>('/Groups/:id', hide, async (req, reply) => {
        const r = await s.patchGroup(actorOf(req), req.params.id, req.body);
        return reply.send(r);
      });
      scim.delete<P>('/Groups/:id', hide, async (req, reply) => {
        await s.deleteGroup(actorOf(req), req.params.id);
        return reply.code(204).send();
      });
      scim.setNotFoundHandler((_req, reply) => scimError(reply, 404, 'no such SCIM endpoint'));
      done();
    },
    { prefix: '/scim/v2' },
  );
}
