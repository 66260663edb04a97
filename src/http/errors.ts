import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, problemsOf, type ErrorCode, type Problem } from '../domain/errors.js';

/** HTTP status by error code. */
const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  precondition_required: 428,
  forbidden: 403,
  unauthenticated: 401,
  rate_limited: 429,
  unprocessable: 422,
  storage_full: 507,
  internal: 500,
};

/** The parts of a request a contract route checks, in the order Fastify checks them. */
const PARTS = [
  ['params', 'params'],
  ['querystring', 'query'],
  ['body', 'body'],
] as const;

/** Every problem of a request against its contract route's schemas, named by field. */
function requestProblems(req: FastifyRequest): Problem[] {
  const schema = (req.routeOptions.schema ?? {}) as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const [part, field] of PARTS) {
    const s = schema[part];
    if (!(s instanceof z.ZodType)) continue;
    const r = s.safeParse(req[field]);
    if (!r.success) problems.push(...problemsOf(r.error, { brackets: true }));
  }
  return problems.length > 0
    ? problems
    : [{ where: '(request)', code: 'invalid', message: 'is not valid' }];
}

/** At most this many problems in an answer; the rest are counted (`more`). */
export const MAX_PROBLEMS = 1000;

/** Errors as `{ error, message, requestId }`; unknown ones become a plain 500. */
export function handleError(
  err: FastifyError | Error,
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  if (err instanceof AppError) {
    const wait = err.problems.find((p) => p.code === 'rate_limited')?.params?.retryAfter;
    if (typeof wait === 'number') void reply.header('retry-after', String(wait));
    // A file of a million bad rows is refused with the first thousand and how many more.
    const more = err.problems.length - MAX_PROBLEMS;
    void reply.status(STATUS[err.code]).send({
      error: err.code,
      message: err.message,
      requestId: req.id,
      details: err.problems.slice(0, MAX_PROBLEMS),
      ...(more > 0 ? { more } : {}),
    });
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation && hasZodFastifySchemaValidationErrors(fe)) {
    // A contract route: every problem of the request at its field, as services report theirs —
    // Fastify stops at the first part that fails, so the other parts are checked here too.
    void reply.status(400).send({
      error: 'invalid_input',
      message: 'the request is refused',
      requestId: req.id,
      details: requestProblems(req),
    });
    return;
  }
  if (fe.validation || (fe.statusCode && fe.statusCode < 500)) {
    void reply
      .status(fe.statusCode ?? 400)
      .send({ error: 'invalid_input', message: fe.message, requestId: req.id });
    return;
  }
  req.log.error({ err }, 'unhandled error');
  void reply.status(500).send({ error: 'internal', message: 'internal error', requestId: req.id });
}
