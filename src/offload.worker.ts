import { parentPort, workerData } from 'node:worker_threads';
import { fixedClock } from './adapters/clock.js';
import { createApp } from './app.js';
import { AppError } from './domain/errors.js';
import type { ImportOptions } from './services/import.service.js';
import type { ApplyOptions } from './services/mandate.service.js';

/** Work the server hands a worker: the database, "now", and what to do. */
export type OffloadJob = { dbUrl: string; now: number } & (
  | { kind: 'dry-run'; text: string; options: ApplyOptions }
  | { kind: 'import'; what: 'devices' | 'people'; bytes: Uint8Array; options: ImportOptions }
);

/**
 * Heavy work in a worker thread of its own, on its own database connection: the server's event
 * loop goes on answering (on SQLite its reads go on beside the import's write transaction, WAL),
 * and the server can stop the work (terminate) — a transaction never committed goes with it.
 * The work sees the server's "now" when it was asked for.
 */
async function run(job: OffloadJob): Promise<void> {
  const app = await createApp({ dbUrl: job.dbUrl, clock: fixedClock(job.now) });
  try {
    const result =
      job.kind === 'dry-run'
        ? await app.mandates.apply(job.text, { ...job.options, dryRun: true })
        : job.what === 'devices'
          ? await app.imports.importDevices(Buffer.from(job.bytes), job.options)
          : await app.imports.importPeople(Buffer.from(job.bytes), job.options);
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

void run(workerData as OffloadJob);
