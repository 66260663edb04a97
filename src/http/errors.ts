import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../domain/errors.js';

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
  internal: 500,
};

/** Errors as `{ error, message, requestId }`; unknown ones become a plain 500. */
export function handleError(
  err: FastifyError | Error,
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  if (err instanceof AppError) {
    void reply
      .status(STATUS[err.code])
      .send({ error: err.code, message: err.message, requestId: req.id, details: err.problems });
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation && hasZodFastifySchemaValidationErrors(fe)) {
    // A contract route: every problem at its field, as services report theirs.
    const part = fe.validationContext === 'body' ? '' : `${fe.validationContext ?? ''}.`;
    void reply.status(400).send({
      error: 'invalid_input',
      message: 'the request is refused',
      requestId: req.id,
      details: fe.validation.map((v) => ({
        where:
          `${part}${v.instancePath.slice(1).replace(/\//g, '.')}`.replace(/\.$/, '') || '(body)',
        message: v.message ?? 'is not valid',
      })),
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
