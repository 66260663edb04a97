import { AppError } from '../domain/errors.js';

/** The heavy work an operator watches: imports and mandate applications. */
export type Work = 'import' | 'apply';

/** One piece of work done: how long it took and how it ended (a refusal changed nothing). */
export interface Timing {
  work: Work;
  kind: string;
  seconds: number;
  outcome: 'ok' | 'refused' | 'failed';
}

/** Times heavy work and tells whoever listens (the server's metrics); costs nothing unheard. */
export interface Timings {
  time<T>(work: Work, kind: string, fn: () => Promise<T>): Promise<T>;
  listen(fn: (t: Timing) => void): () => void;
}

export function makeTimings(): Timings {
  const listeners = new Set<(t: Timing) => void>();
  const tell = (t: Timing): void => {
    for (const fn of listeners) fn(t);
  };
  return {
    async time(work, kind, fn) {
      const start = process.hrtime.bigint();
      const seconds = (): number => Number(process.hrtime.bigint() - start) / 1e9;
      try {
        const result = await fn();
        tell({ work, kind, seconds: seconds(), outcome: 'ok' });
        return result;
      } catch (err) {
        tell({
          work,
          kind,
          seconds: seconds(),
          outcome: err instanceof AppError ? 'refused' : 'failed',
        });
        throw err;
      }
    },
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
