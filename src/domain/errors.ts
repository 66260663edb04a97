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

/** Refused input with every problem listed. */
export function invalidInput(message: string, problems: Problem[] = []): AppError {
  return new AppError('invalid_input', message, problems);
}
