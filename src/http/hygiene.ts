import type { FastifyInstance } from 'fastify';
import { invalidInput, type Problem } from '../domain/errors.js';

/** Control characters no posted text may hold: all but tab and the newlines of free text. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The longest text a posted field takes, in characters; a mandate file (`yaml`) aside. */
export const FIELD_MAX = 4096;
const LONG_FIELDS = new Set(['yaml']);

/** Every string of a JSON body holding a control character or too long, by its path. */
function controlProblems(value: unknown, path: string, out: Problem[]): void {
  if (typeof value === 'string') {
    if (value.length > FIELD_MAX && !LONG_FIELDS.has(path)) {
      out.push({
        where: path,
        code: 'too_long',
        params: { maximum: FIELD_MAX },
        message: `is ${value.length} characters long; at most ${FIELD_MAX}`,
      });
      return;
    }
    const m = CONTROL.exec(value);
    if (m)
      out.push({
        where: path,
        code: 'control_character',
        message: `contains the control character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position ${m.index + 1}`,
      });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => controlProblems(v, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) controlProblems(v, path ? `${path}.${k}` : k, out);
  }
}

/**
 * Posted text is refused, naming every field, when it holds NUL or another control character
 * (tab and newlines aside) or is longer than 4,096 characters: after the caller was authorised and the body checked, before any
 * handler stores it.
 */
export function registerInputHygiene(server: FastifyInstance): void {
  server.addHook('preHandler', (req, _reply, done) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object') return done();
    const problems: Problem[] = [];
    controlProblems(req.body, '', problems);
    if (problems.length === 0) return done();
    done(
      invalidInput(
        'the request holds control characters or over-long text; nothing was changed',
        problems,
      ),
    );
  });
}
