import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { App } from '../app.js';
import { openFindingsByMandate, outboxHealth } from '../store/ops.repository.js';

/** The server's metrics in Prometheus form, one registry per server. */
export interface Metrics {
  registry: Registry;
  /** One answered request: its route's pattern (never its path or query), method and status. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  close(): void;
}

export function makeMetrics(app: App): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'phaseout_' });
  const requests = new Histogram({
    name: 'phaseout_http_request_duration_seconds',
    help: 'Time to answer a request, by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const work = new Histogram({
    name: 'phaseout_work_duration_seconds',
    help: 'Time of imports (people, devices) and mandate applications (write, dry_run), by outcome',
    labelNames: ['work', 'kind', 'outcome'] as const,
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const stopListening = app.timings.listen((t) =>
    work.observe({ work: t.work, kind: t.kind, outcome: t.outcome }, t.seconds),
  );
  // What the database holds is read when scraped, once for the three outbox gauges.
  let outbox: Promise<Awaited<ReturnType<typeof outboxHealth>>> | null = null;
  const readOutbox = () => (outbox ??= outboxHealth(app.store.db).finally(() => (outbox = null)));
  new Gauge({
    name: 'phaseout_outbox_depth',
    help: 'Messages waiting to be sent (queued or being sent)',
    registers: [registry],
    async collect() {
      this.set((await readOutbox()).waiting);
    },
  });
  new Gauge({
    name: 'phaseout_outbox_oldest_age_seconds',
    help: 'Age of the oldest message waiting to be sent (0 when none waits)',
    registers: [registry],
    async collect() {
      const oldest = (await readOutbox()).oldestCreatedAt;
      this.set(oldest === null ? 0 : Math.max(0, (app.clock.now() - oldest) / 1000));
    },
  });
  new Gauge({
    name: 'phaseout_outbox_dead_letters',
    help: 'Messages given up after their last attempt',
    registers: [registry],
    async collect() {
      this.set((await readOutbox()).dead);
    },
  });
  new Gauge({
    name: 'phaseout_open_findings',
    help: 'Findings open now, by mandate',
    labelNames: ['mandate'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await openFindingsByMandate(app.store.db))
        this.set({ mandate: r.mandate }, r.open);
    },
  });
  new Gauge({
    name: 'phaseout_scheduler_leader',
    help: 'Whether this process runs the notification scheduler now (1) or stands by (0)',
    registers: [registry],
    collect() {
      this.set(app.notifier.leading() ? 1 : 0);
    },
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.observe({ method, route, status: String(status) }, seconds);
    },
    close() {
      stopListening();
      registry.clear();
    },
  };
}
