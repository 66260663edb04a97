import { Worker } from 'node:worker_threads';
import type { App } from '../app.js';
import { AppError, type ErrorCode, type Problem } from '../domain/errors.js';
import type { ApplyOptions, ApplyResult } from '../services/mandate.service.js';
import type { DryRunJob } from '../dry-run.worker.js';

type Answer =
  | { ok: true; result: ApplyResult }
  | { ok: false; code: ErrorCode; message: string; problems: Problem[] };

/** The worker's module: built JavaScript, or TypeScript through tsx when run from the sources. */
function startWorker(job: DryRunJob): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const file = new URL('../dry-run.worker.ts', here).href;
    return new Worker(
      `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(file)}); })`,
      { eval: true, workerData: job },
    );
  }
  return new Worker(new URL('../dry-run.worker.js', here), { workerData: job });
}

/**
 * Dry runs of mandate files off the event loop, each within a time budget: past it the worker is
 * stopped and the request refused (422), nothing applied. A database only this process can open
 * (`:memory:`) is dry-run in place.
 */
export function makeDryRunner(app: App, budgetMs: number) {
  return {
    async apply(text: string, options: ApplyOptions): Promise<ApplyResult> {
      if (app.dbUrl === ':memory:') return app.mandates.apply(text, { ...options, dryRun: true });
      const worker = startWorker({ dbUrl: app.dbUrl, now: app.clock.now(), text, options });
      let timer: NodeJS.Timeout | undefined;
      try {
        const answer = await new Promise<Answer>((resolve, reject) => {
          timer = setTimeout(() => {
            void worker.terminate();
            reject(
              new AppError(
                'unprocessable',
                `the dry run took longer than ${budgetMs / 1000} s and was stopped; nothing was applied`,
                [
                  {
                    where: 'yaml',
                    code: 'over_budget',
                    params: { seconds: budgetMs / 1000 },
                    message: 'split the file, or narrow the targets and scopes',
                  },
                ],
              ),
            );
          }, budgetMs);
          worker.once('message', (m: Answer) => resolve(m));
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`the dry run's worker stopped (exit ${code})`));
          });
        });
        if (answer.ok) return answer.result;
        throw new AppError(answer.code, answer.message, answer.problems);
      } finally {
        clearTimeout(timer);
        void worker.terminate();
      }
    },
  };
}
