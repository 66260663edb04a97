import type { FastifyInstance } from 'fastify';
import { invalidInput, type Problem } from '../domain/errors.js';
import { controlCharacterProblem, tooLongProblem } from '../domain/import.rules.js';

/** The longest text a posted field takes, in characters; a mandate file (`yaml`) aside. */
export const FIELD_MAX = 4096;
const LONG_FIELDS = new Set(['yaml']);

/** Every string of a JSON body holding a control character or too long, by its path. */
function controlProblems(value: unknown, path: string, out: Problem[]): void {
  if (typeof value === 'string') {
    const why =
      (LONG_FIELDS.has(path) ? null : tooLongProblem(value, FIELD_MAX)) ??
      controlCharacterProblem(value, true);
    if (why) out.push({ where: path, ...why });
  } else if (ArrayBuffer.isView(value)) {
    // A file posted as bytes (CSV imports): its import checks every cell, naming its line.
    return;
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
