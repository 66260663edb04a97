import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { ErrorBody, type Operation } from '../contract/operation.js';
import type { Actor, Permission } from '../domain/access.policy.js';
import { allowPublic, authorize } from './access.js';
import { isKeptAnswer } from '../services/read.cache.js';

type Parts<O> =
  O extends Operation<infer P, infer Q, infer B, infer R> ? { P: P; Q: Q; B: B; R: R } : never;

/** The request of an operation as its handler sees it: params, query and body already checked. */
export type ContractRequest<O extends Operation> = FastifyRequest<{
  Params: z.output<Parts<O>['P']>;
  Querystring: z.output<Parts<O>['Q']>;
  Body: z.output<Parts<O>['B']>;
}>;

/**
 * A handler answers what the operation's response schema takes, for the actor authorised; or
 * sends another representation itself (CSV, PDF) and answers the reply.
 */
export type ContractHandler<O extends Operation> = (
  req: ContractRequest<O>,
  actor: Actor,
  reply: FastifyReply,
) => Promise<z.input<Parts<O>['R']> | FastifyReply>;

/** A route asks for one permission of the access policy, or is public (sign-in). */
type Add = <O extends Operation>(
  op: O,
  permission: Permission | 'public',
  handler: ContractHandler<O>,
) => void;

/** `/a/{id}` → `/a/:id`. */
const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * Registers routes from the contract in a scope of their own whose validator and serializer are
 * zod's (fastify-type-provider-zod): the caller is authorised for the route's permission first,
 * then the request is checked and typed by the operation's schemas, the answer serialised by its
 * response schema, errors by the one error body.
 */
export async function registerContractRoutes(
  server: FastifyInstance,
  routes: (add: Add) => void,
): Promise<void> {
  await server.register((scope, _opts, done) => {
    scope.setValidatorCompiler((route) => {
      const validate = validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
      // Fastify hands a request without a payload to the body's validator as null: no body.
      return route.httpPart === 'body'
        ? (data: unknown) => validate(data === null ? undefined : data)
        : validate;
    });
    scope.setSerializerCompiler((route) => {
      const serialize = serializerCompiler(route as Parameters<typeof serializerCompiler>[0]);
      // An answer given again from the read cache is the same unchanged object: checked and
      // written once (status and the first page of findings, asked by every open console).
      const written = new WeakMap<object, string>();
      return (data: unknown) => {
        if (!isKeptAnswer(data)) return serialize(data);
        let json = written.get(data as object);
        if (json === undefined) written.set(data as object, (json = serialize(data)));
        return json;
      };
    });
    const typed = scope.withTypeProvider<ZodTypeProvider>();
    routes((op, permission, handler) => {
      const ok = op.response.meta({ description: op.answers });
      const response: Record<string, z.ZodType> = {
        [op.status]: ok,
        ...(op.also !== undefined ? { [op.also]: ok } : {}),
        '4xx': ErrorBody,
        '5xx': ErrorBody,
      };
      typed.route({
        // Who asks comes first: 401 and 403 before the body is read or any complaint about it.
        onRequest: (req, _reply, done) => {
          if (permission === 'public') allowPublic(req);
          else authorize(req, permission);
          done();
        },
        ...(permission === 'public' ? { config: { public: true } } : {}),
        method: op.method,
        url: fastifyPath(op.path),
        ...(op.bodyLimit !== undefined ? { bodyLimit: op.bodyLimit } : {}),
        schema: {
          operationId: op.operationId,
          ...(permission === 'public' ? { security: [] } : {}),
          summary: op.summary,
          tags: op.tags,
          ...(op.params ? { params: op.params } : {}),
          ...(op.query ? { querystring: op.query } : {}),
          ...(op.body ? { body: op.body } : {}),
          ...(op.consumes ? { consumes: op.consumes } : {}),
          ...(op.headers ? { headers: op.headers } : {}),
          response,
        },
        handler: async (req, reply) => {
          const answer = await handler(
            req as ContractRequest<typeof op>,
            req.actor as Actor,
            reply,
          );
          if (answer === reply) return reply;
          if (op.status === 204) return reply.code(204).send();
          const code = op.also !== undefined && reply.statusCode === op.also ? op.also : op.status;
          return reply.code(code).send(answer);
        },
      });
    });
    done();
  });
}

/** The OpenAPI transform: every documented route's schemas are the contract's, in zod. */
export const openApiTransform = jsonSchemaTransform;
