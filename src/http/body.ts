import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../domain/errors.js';

/**
 * How large a body may be, in bytes after it is decoded (Fastify counts the inflated stream, so
 * a gzip, deflate or br body is cut at the same size as a plain one). Each route takes one: the
 * server's default for JSON, a few KiB for the sign-in forms, more for files (imports.routes.ts).
 */
export const BODY_LIMIT = {
  json: 1024 * 1024,
  form: 8 * 1024,
} as const;

/** JSON nested deeper than this is refused (400) before it is parsed. */
export const JSON_DEPTH_MAX = 64;

/** The deepest nesting of objects and arrays in a JSON text, counted until it passes `max`. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The refusal of a body nested too deep, in the one error shape. */
export function tooDeep() {
  return invalidInput('the body is nested too deeply; nothing was changed', [
    {
      where: '(body)',
      code: 'too_deep',
      params: { maximum: JSON_DEPTH_MAX },
      message: `nests objects and arrays deeper than ${JSON_DEPTH_MAX} levels`,
    },
  ]);
}

/** JSON bodies: Fastify's own parser (prototype poisoning refused), after a depth check. */
export function registerJsonParser(server: FastifyInstance): void {
  const parse = server.getDefaultJsonParser('error', 'error');
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (jsonDepthExceeds(body as string, JSON_DEPTH_MAX)) return done(tooDeep(), undefined);
    void parse(req, body as string, done);
  });
}

/**
 * An answer given before the body was read whole (401, 403, 413, 415) closes the connection: the
 * rest is never read nor inflated, and the next request on a kept-alive socket does not wait
 * behind a body nobody consumes.
 */
export function registerUnreadBodyClose(server: FastifyInstance): void {
  server.addHook('onSend', (req, reply, payload, done) => {
    if (!req.raw.complete) void reply.header('connection', 'close');
    done(null, payload);
  });
}
