import { AppError, type ErrorCode } from '../domain/errors.js';

/** Where a command writes; tests capture it. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal: progress is shown only then. */
  isTty: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: process.stdout.isTTY === true,
};

/** Exit status by error code (DESIGN §7): 2 refused input, 1 anything else. */
const EXIT: Record<ErrorCode, number> = {
  invalid_input: 2,
  not_found: 2,
  conflict: 2,
  precondition_failed: 2,
  precondition_required: 2,
  forbidden: 1,
  unauthenticated: 1,
  rate_limited: 1,
  unprocessable: 2,
  storage_full: 1,
  internal: 1,
};

/** Prints an error with every problem and returns the exit status. */
export function reportError(io: Io, err: unknown): number {
  if (err instanceof AppError) {
    io.err(`error: ${err.message}\n`);
    for (const p of err.problems) {
      io.err(
        `  ${p.where}${p.value !== undefined ? ` ${JSON.stringify(p.value)}` : ''}: ${p.message}\n`,
      );
    }
    return EXIT[err.code];
  }
  io.err(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}

/** A progress line on a terminal, silence elsewhere. */
export function progressReporter(
  io: Io,
  label: string,
): ((done: number, total: number) => void) | undefined {
  if (!io.isTty) return undefined;
  return (done, total) => {
    io.err(`\r${label}: ${done}/${total}${done >= total ? '\n' : ''}`);
  };
}
