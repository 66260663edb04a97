import { Worker } from 'node:worker_threads';
import type { App } from '../app.js';
import { AppError, type ErrorCode, type Problem } from '../domain/errors.js';
import type { ImportOptions, ImportResult } from '../services/import.service.js';
import type { ApplyOptions, ApplyResult } from '../services/mandate.service.js';
import type { OffloadJob } from '../offload.worker.js';

type Answer<T> =
  { ok: true; result: T } | { ok: false; code: ErrorCode; message: string; problems: Problem[] };

/** Distributes Omit over the job kinds. */
type Job = OffloadJob extends infer J
  ? J extends unknown
    ? Omit<J, 'dbUrl' | 'now'>
    : never
  : never;

/** The worker's module: built JavaScript, or TypeScript through tsx when run from the sources. */
function startWorker(job: OffloadJob): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const file = new URL('../offload.worker.ts', here).href;
    return new Worker(
      `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(file)}); })`,
      { eval: true, workerData: job },
    );
  }
  return new Worker(new URL('../offload.worker.js', here), { workerData: job });
}

/**
 * Heavy work off the event loop, each job in a worker thread on its own connection: dry runs of
 * mandate files within a time budget (past it the worker is stopped and the request refused,
 * 422, nothing applied), and imports (all or nothing as ever; the server goes on answering
 * meanwhile). A database only this process can open (`:memory:`) is worked in place.
 */
export type Offloader = ReturnType<typeof makeOffloader>;

export function makeOffloader(app: App, budgetMs: number) {
  async function run<T>(job: Job, budget: number | null): Promise<T> {
    const worker = startWorker({ ...job, dbUrl: app.dbUrl, now: app.clock.now() });
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await new Promise<Answer<T>>((resolve, reject) => {
        if (budget !== null)
          timer = setTimeout(() => {
            void worker.terminate();
            reject(
              new AppError(
                'unprocessable',
                `the dry run took longer than ${budget / 1000} s and was stopped; nothing was applied`,
                [
                  {
                    where: 'yaml',
                    code: 'over_budget',
                    params: { seconds: budget / 1000 },
                    message: 'split the file, or narrow the targets and scopes',
                  },
                ],
              ),
            );
          }, budget);
        worker.once('message', (m: Answer<T>) => resolve(m));
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`the worker stopped (exit ${code})`));
        });
      });
      if (answer.ok) return answer.result;
      throw new AppError(answer.code, answer.message, answer.problems);
    } finally {
      clearTimeout(timer);
      void worker.terminate();
    }
  }

  return {
    dryRun(text: string, options: ApplyOptions): Promise<ApplyResult> {
      if (app.dbUrl === ':memory:') return app.mandates.apply(text, { ...options, dryRun: true });
      return run({ kind: 'dry-run', text, options }, budgetMs);
    },

    importFile(
      what: 'devices' | 'people',
      bytes: Buffer,
      options: ImportOptions,
    ): Promise<ImportResult> {
      if (app.dbUrl === ':memory:')
        return what === 'devices'
          ? app.imports.importDevices(bytes, options)
          : app.imports.importPeople(bytes, options);
      // Timed here: the worker's own timings are heard by nobody.
      return app.timings.time('import', what, () =>
        run({ kind: 'import', what, bytes, options }, null),
      );
    },
  };
}
