import { getFindingClosedAt } from '../store/findings.repository.js';
import {
  claimMessage,
  dropMessage,
  listDeliverable,
  listOutbox,
  countOutbox,
  markFailed,
  markSent,
  type OutboxFilter,
} from '../store/outbox.repository.js';
import { getOrderProgress } from '../store/replacement.repository.js';
import { getReport, listReports } from '../store/reports.repository.js';
import { notifyContext, type NotifierDeps } from './notify.outbox.js';
import { makePlanner } from './notify.plan.js';
import { makeReporter } from './notify.reports.js';
import { schedulerLeadership } from '../store/leadership.js';

export type { NotifierDeps };

const MAX_ATTEMPTS = 6;

/** 1, 2, 4, 8, 16 minutes between attempts. */
const backoff = (attempts: number) => 60_000 * 2 ** Math.max(0, attempts - 1);

/**
 * Reminders and escalations by e-mail and webhook, exactly once per (finding, step, recipient):
 * the planner writes what the ladders ask for into the outbox (`notify.plan`), the reporter makes
 * the recurring reports (`notify.reports`), and `deliver` claims each queued message with a
 * lease, sends it and marks it sent. With no mail configured nothing is planned.
 */
export function makeNotifier(deps: NotifierDeps) {
  const ctx = notifyContext(deps);
  let leading = false;
  const { store, clock, mailer, webhook } = ctx;
  const planner = makePlanner(ctx);
  const reporter = makeReporter(ctx);

  /** Why a message should not be sent any more, if it should not. */
  async function outdated(n: Awaited<ReturnType<typeof listDeliverable>>[number], now: number) {
    // A message about an order no longer applies once the receipt was confirmed, or the
    // approved device was handed over or the order ended.
    const about = /^order-(\d+):(collect|receipt)/.exec(n.step);
    if (about) {
      const o = await getOrderProgress(store.db, Number(about[1]));
      if (about[2] === 'collect')
        return o?.state !== 'approved'
          ? 'the device was handed over, or the order ended, before it was sent'
          : null;
      return (o?.confirmed_at ?? null) !== null
        ? 'the receipt was confirmed before it was sent'
        : null;
    }
    // A retry about a finding that has closed since is not sent.
    if (n.finding_id > 0 && n.attempts > 0) {
      const closed = await getFindingClosedAt(store.db, n.finding_id);
      if (closed !== null && closed <= now) return 'the finding closed before it was sent';
    }
    return null;
  }

  /** Sends what is queued and due; each message is claimed first, so one sender sends it. */
  async function deliver(now = clock.now()): Promise<{ sent: number; failed: number }> {
    if (!ctx.enabled) return { sent: 0, failed: 0 };
    let sent = 0;
    let failed = 0;
    for (const n of await listDeliverable(store.db, now, 200)) {
      const why = await outdated(n, now);
      if (why) {
        await dropMessage(store.db, n, why);
        continue;
      }
      if (!(await claimMessage(store.db, n, now + (deps.leaseMs ?? 120_000)))) continue;
      try {
        const deliveryId = `notification-${n.id}-${n.finding_id}`;
        if (n.channel === 'webhook') {
          if (!webhook) throw new Error('no webhook is configured any more');
          await webhook.post(JSON.parse(n.body) as object, deliveryId);
        } else {
          if (!mailer) throw new Error('no mail is configured any more');
          const report = n.report_id === null ? undefined : await getReport(store.db, n.report_id);
          await mailer.send({
            to: n.address,
            subject: n.subject,
            text: n.body,
            messageId: `<${deliveryId}@phaseout>`,
            language: n.language,
            ...(report
              ? {
                  attachments: [
                    {
                      filename: `${report.mandate_id}-${report.day}.pdf`,
                      content: Buffer.from(report.pdf),
                      contentType: 'application/pdf',
                    },
                    {
                      filename: `${report.mandate_id}-${report.day}.csv`,
                      content: Buffer.from(report.csv, 'utf8'),
                      contentType: 'text/csv; charset=utf-8',
                    },
                    ...(report.register_csv !== null
                      ? [
                          {
                            filename: `${report.mandate_id}-${report.day}-exemptions.csv`,
                            content: Buffer.from(report.register_csv, 'utf8'),
                            contentType: 'text/csv; charset=utf-8',
                          },
                        ]
                      : []),
                  ],
                }
              : {}),
          });
        }
        await markSent(store.db, n.id, now);
        sent++;
      } catch (e) {
        failed++;
        const attempts = n.attempts + 1;
        await markFailed(store.db, n.id, {
          dead: attempts >= MAX_ATTEMPTS,
          nextAt: now + backoff(attempts),
          error: e instanceof Error ? e.message.slice(0, 500) : String(e),
        });
      }
    }
    return { sent, failed };
  }

  /** One round: make the reports due, plan what is due, then send it. */
  async function tick(
    now = clock.now(),
  ): Promise<{ reports: number; planned: number; sent: number; failed: number }> {
    const reports = await reporter.makeReports(now);
    const planned = await planner.plan(now);
    return { reports, planned, ...(await deliver(now)) };
  }

  return {
    plan: (now = clock.now()) => planner.plan(now),
    deliver,
    makeReports: (now = clock.now()) => reporter.makeReports(now),
    /** A kept report, for download. */
    report: (id: number) => getReport(store.db, id),
    /** Kept reports, newest first, without their files. */
    reports: (mandate?: string) => listReports(store.db, mandate),
    tick,
    /**
     * Runs a round now and then every `everyMs` (PHASEOUT_NOTIFY_EVERY_MS, default a minute),
     * never two at once; the returned function stops it after the round in progress.
     */
    /**
     * Runs a round now and every `everyMs` while this process leads the scheduler (one process
     * at a time on PostgreSQL; another takes over within a round of the leader's death).
     */
    start(onError: (e: unknown) => void, everyMs = deps.everyMs ?? 60_000) {
      const leadership = schedulerLeadership(store);
      let running: Promise<unknown> = Promise.resolve();
      const round = () => {
        running = running
          .then(async () => {
            leading = await leadership.claim();
            if (leading) await tick();
          })
          .catch(onError);
      };
      round();
      const timer = setInterval(round, everyMs);
      return async () => {
        clearInterval(timer);
        await running;
        await leadership.release();
        leading = false;
      };
    },
    /** Whether this process runs the scheduler now (for metrics). */
    leading: () => leading,
    /** What was sent (or could not be) to whom and when, newest first. */
    log: (f: OutboxFilter = {}) => listOutbox(store.db, f),
    /** A page of the log with how many messages the filter matches. */
    logPage: async (f: OutboxFilter & { offset: number; limit: number }) => {
      const [rows, total] = await Promise.all([listOutbox(store.db, f), countOutbox(store.db, f)]);
      return { rows, total };
    },
  };
}
