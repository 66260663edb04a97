import type { ProblemCode } from './problem.codes.js';

/** The closed set of error codes; the edges map them to HTTP and exit statuses. */
export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'precondition_failed',
  'precondition_required',
  'forbidden',
  'unauthenticated',
  'rate_limited',
  'unprocessable',
  'storage_full',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem in an input: where it is and why it is wrong. */
export interface Problem {
  /** File, line, column or document path: whatever locates the problem. */
  where: string;
  message: string;
  value?: string;
  /** A stable name for what is wrong (`required`, `too_long`…), for a reader in any language. */
  code: ProblemCode;
  /** What the message's numbers and names are, by name (`{ maximum: 1024 }`). */
  params?: Record<string, string | number>;
}

/** The one error type services throw. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** What a schema library reports about one complaint (zod's issue shape). */
interface SchemaIssue {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  expected?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  origin?: unknown;
  format?: unknown;
  values?: readonly unknown[];
  keys?: readonly string[];
  params?: Record<string, unknown>;
}

/** A schema complaint's stable code and its numbers and names (zod's issue codes). */
export function codeOf(i: SchemaIssue): Pick<Problem, 'code' | 'params'> {
  const text = (x: unknown) => (typeof x === 'number' ? x : String(x));
  switch (i.code) {
    case 'invalid_type':
      return /received undefined/.test(i.message)
        ? { code: 'required' }
        : { code: 'invalid_type', params: { expected: text(i.expected) } };
    case 'too_small':
      return { code: 'too_small', params: { minimum: text(i.minimum), origin: text(i.origin) } };
    case 'too_big':
      return { code: 'too_big', params: { maximum: text(i.maximum), origin: text(i.origin) } };
    case 'invalid_format':
      return { code: 'invalid_format', params: { format: text(i.format) } };
    case 'invalid_value':
      return { code: 'not_one_of', params: { values: (i.values ?? []).map(String).join(', ') } };
    case 'unrecognized_keys':
      return { code: 'unknown_keys', params: { keys: (i.keys ?? []).join(', ') } };
    default:
      // A complaint of no known kind is told by its words.
      if (typeof i.params?.code !== 'string')
        return { code: 'invalid', params: { detail: i.message } };
      // A rule of ours names its code and numbers in the issue's params.
      const { code, ...rest } = i.params;
      return {
        code: code as ProblemCode,
        ...(Object.keys(rest).length ? { params: rest as Record<string, string | number> } : {}),
      };
  }
}

/**
 * The one way a schema's complaints become problems: each at its path (dotted, under `prefix`),
 * or at `whole` when it is about the whole input; `hint` adds to a message.
 */
export function problemsOf(
  err: { issues: readonly SchemaIssue[] },
  o: {
    prefix?: string;
    whole?: string;
    hint?: (issue: SchemaIssue) => string | undefined;
    /** Items of a list as `devices[0].item` rather than `devices.0.item`. */
    brackets?: boolean;
  } = {},
): Problem[] {
  return err.issues.map((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    const where = o.brackets
      ? [o.prefix ?? '', ...path]
          .map((x) => (typeof x === 'number' ? `[${x}]` : x === '' ? '' : `.${x}`))
          .join('')
          .replace(/^\./, '')
      : [o.prefix ?? '', ...path].filter((x) => x !== '').join('.');
    const hint = o.hint?.(i);
    return {
      where: where || (o.whole ?? '(body)'),
      message: `${i.message}${hint ?? ''}`,
      // A hint adds words the code would not carry: the message is then the whole story.
      ...(hint ? { code: 'invalid', params: { detail: `${i.message}${hint}` } } : codeOf(i)),
    };
  });
}

/** Refused input with every problem listed. */
export function invalidInput(message: string, problems: Problem[] = []): AppError {
  return new AppError('invalid_input', message, problems);
}
