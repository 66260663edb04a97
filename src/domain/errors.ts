/** The closed set of error codes; the edges map them to HTTP and exit statuses. */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'precondition_required'
  | 'forbidden'
  | 'unauthenticated'
  | 'rate_limited'
  | 'unprocessable'
  | 'internal';

/** One problem in an input: where it is and why it is wrong. */
export interface Problem {
  /** File, line, column or document path: whatever locates the problem. */
  where: string;
  message: string;
  value?: string;
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
    return {
      where: where || (o.whole ?? '(body)'),
      message: `${i.message}${o.hint?.(i) ?? ''}`,
    };
  });
}

/** Refused input with every problem listed. */
export function invalidInput(message: string, problems: Problem[] = []): AppError {
  return new AppError('invalid_input', message, problems);
}
