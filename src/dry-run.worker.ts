import { parentPort, workerData } from 'node:worker_threads';
import { fixedClock } from './adapters/clock.js';
import { createApp } from './app.js';
import { AppError } from './domain/errors.js';
import type { ApplyOptions } from './services/mandate.service.js';

/** What the server hands a dry run: the database, "now", the file and how to apply it. */
export interface DryRunJob {
  dbUrl: string;
  now: number;
  text: string;
  options: ApplyOptions;
}

/**
 * A mandate file's dry run in a worker thread of its own, on its own database connection: the
 * server's event loop goes on answering while it runs, and the server can stop it (terminate)
 * when it runs past its budget — the transaction, never committed, goes with it.
 */
async function run(job: DryRunJob): Promise<void> {
  const app = await createApp({ dbUrl: job.dbUrl, clock: fixedClock(job.now) });
  try {
    const result = await app.mandates.apply(job.text, { ...job.options, dryRun: true });
    parentPort!.postMessage({ ok: true, result });
  } catch (e) {
    parentPort!.postMessage(
      e instanceof AppError
        ? { ok: false, code: e.code, message: e.message, problems: e.problems }
        : { ok: false, code: 'internal', message: (e as Error).message, problems: [] },
    );
  } finally {
    await app.close();
  }
}

void run(workerData as DryRunJob);
