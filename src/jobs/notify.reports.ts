import { getAuditHead } from '../store/audit.repository.js';
import { Duration } from 'luxon';
import { reportCsv, reportPdf } from '../adapters/report.js';
import { composeReport, type Language } from '../domain/notify.messages.js';
import { scopeOf } from '../domain/scope.js';
import { addDuration, dayOf, formatInstant, startOfDay } from '../domain/time.js';
import { campaignsForReport } from '../services/campaign.service.js';
import { loadActiveMandates } from '../services/evaluation.service.js';
import { exemptionRegisterAt } from '../services/exemption.service.js';
import { exemptionRegisterCsv } from '../services/register.csv.js';
import { getTimeZone } from '../services/settings.service.js';
import { listAttestations } from '../store/attestations.repository.js';
import { insertOutboxRows } from '../store/outbox.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import { hasReport, insertReport } from '../store/reports.repository.js';
import { writeTransaction } from '../store/transaction.js';
import { outboxRows, type NotifyContext } from './notify.outbox.js';

/** Recurring reports: made on each mandate's schedule, kept, mailed and posted. */
export function makeReporter(ctx: NotifyContext) {
  const { store, status } = ctx;
  /**
   * The latest report each mandate's `reports` schedule asks for by `now`, made once (a unique
   * day per mandate) and kept; mailed to its `to` addresses and posted to the webhook. After
   * downtime only the latest is made, not every missed one.
   */
  async function makeReports(now: number): Promise<number> {
    const zone = await getTimeZone(store.db);
    let made = 0;
    for (const m of await loadActiveMandates(store.db, zone)) {
      const r = m.doc.spec.reports;
      if (!r) continue;
      let at = startOfDay(r.from ?? m.doc.metadata.issuedAt, zone);
      if (now < at) continue;
      const every = Duration.fromISO(r.every);
      for (
        let next = addDuration(at, every, zone);
        next <= now;
        next = addDuration(at, every, zone)
      )
        at = next;
      const day = dayOf(at, zone);
      if (await hasReport(store.db, m.id, day)) continue;
      const s = await status.status(m.id, { asOf: day, byUnit: true, depth: 3 });
      const csv = reportCsv(s);
      const register = await exemptionRegisterAt(store.db, m.id, at);
      const attested = (await listAttestations(store.db, { mandate: m.id })).filter(
        (a) => a.attested_at <= at,
      );
      const names = await getPeopleByIds(
        store.db,
        attested.map((a) => a.by_person_id),
      );
      const campaigns = await campaignsForReport(store.db, scopeOf(m.doc), at);
      const head = await getAuditHead(store.db);
      const pdf = await reportPdf(s, day, ctx.language, new Date(now), {
        campaigns,
        audit: { entries: head?.seq ?? 0, head: head?.hash ?? null },
        exemptions: register.filter((e) => e.state === 'approved'),
        attestations: attested.map((a) => ({
          phase: a.phase_id,
          unit: a.unit,
          person: a.person_id,
          byName: names.get(a.by_person_id)?.name ?? a.by_person_id,
          at: formatInstant(a.attested_at),
          note: a.note,
        })),
      });
      const registerCsv = exemptionRegisterCsv(register);
      made += await writeTransaction(store, async (tx) => {
        const id = await insertReport(tx, {
          mandate_id: m.id,
          day,
          as_of: at,
          created_at: now,
          csv,
          pdf,
          register_csv: registerCsv,
        });
        if (id === null) return 0;
        const compose = (language: Language) =>
          composeReport(
            {
              mandateTitle: m.doc.metadata.title,
              day,
              devices: s.devices,
              people: s.people,
              nothingCaught: s.forecast.nothingCaught === true,
              campaigns,
            },
            language,
          );
        const text = compose(ctx.language);
        const links = ctx.baseUrl
          ? {
              pdf: `${ctx.baseUrl}/api/v1/reports/${id}/pdf`,
              csv: `${ctx.baseUrl}/api/v1/reports/${id}/csv`,
            }
          : null;
        if (ctx.enabled)
          await insertOutboxRows(
            tx,
            outboxRows(
              ctx,
              {
                finding_id: 0,
                mandate_id: m.id,
                device_id: '',
                owner_id: '',
                step: `report-${m.id}-${day}`,
                language: ctx.language,
                subject: text.subject,
                due_at: at,
                created_at: now,
                report_id: id,
              },
              r.to.map((address) => ({ key: `report:${address}`, address, language: null })),
              compose,
              {
                event: 'report',
                mandate: m.id,
                day,
                report: id,
                devices: s.devices,
                people: s.people,
                campaigns: campaigns.map((c) => ({
                  id: c.id,
                  title: c.title,
                  due: c.due,
                  people: c.people,
                  confirmed: c.confirmed,
                  inProgress: c.inProgress,
                  notStarted: c.notStarted,
                  late: c.late,
                  devicesDeclared: c.devicesDeclared,
                })),
                subject: text.subject,
                links,
              },
            ),
          );
        return 1;
      });
    }
    return made;
  }

  return { makeReports };
}
