import { useState } from 'react';
import { formatDay, formatMoment, numberFormat } from '../format.js';
import { useTranslation } from 'react-i18next';
import { oversightOps, type Message as Notification } from '../../../src/contract/oversight.js';
import { statusOps } from '../../../src/contract/status.js';
import { useApi } from '../data.js';
import { deviceHref, personHref } from '../links.js';
import { LoadFailed, Pager, useRouteQuery } from './ListControls.js';
import { csvHref } from '../csv.js';

/** `P14D` → "14 days"; other durations as written. */
function useDuration() {
  const { t } = useTranslation();
  return (iso: string) => {
    const days = /^P(\d+)D$/.exec(iso);
    return days ? t('days', { count: Number(days[1]) }) : iso;
  };
}

/** A ladder step in words: "reminder 3 days before", "to the unit head 3 days after". */
export function useStepName() {
  const { t } = useTranslation();
  const duration = useDuration();
  return (step: string) => {
    const [id = '', occurrence = '0'] = step.split('#');
    if (id.startsWith('digest-')) return t('stepDigest');
    if (id.startsWith('report-')) return t('stepReport');
    const remind = /^remind-(P.+)$/.exec(id);
    if (remind) return t('stepRemind', { before: duration(remind[1]!) });
    const escalate = /^escalate-(P[^-]+)-(.+)$/.exec(id);
    if (!escalate) return step;
    const text = t('stepEscalate', {
      after: duration(escalate[1]!),
      to: t(`recipient_${escalate[2]}`),
    });
    return occurrence === '0' ? text : `${text} (${t('repetition', { n: Number(occurrence) })})`;
  };
}

/** What was sent about a person's or a device's findings, newest first. */
export function NotificationLog({
  owner,
  device,
  state,
}: {
  owner?: string;
  device?: string;
  state?: Notification['state'];
}) {
  const { t, i18n } = useTranslation();
  const stepName = useStepName();
  const [at, setAt] = useState({ offset: 0, limit: 25, of: `${owner}|${device}|${state}` });
  // Another person, device or state starts from the first page.
  const of = `${owner}|${device}|${state}`;
  const { offset, limit } = at.of === of ? at : { offset: 0, limit: at.limit };
  const { data, failed, retry } = useApi(oversightOps.listNotifications, {
    query: {
      ...(owner ? { owner } : {}),
      ...(device ? { device } : {}),
      ...(state ? { state } : {}),
      offset,
      limit,
    },
  });
  const rows = data?.items ?? null;
  const dt = (iso: string | null) => (iso ? formatMoment(i18n.language, new Date(iso)) : '—');
  if (failed !== null) return <LoadFailed message={failed} onRetry={retry} />;
  if (rows === null || data === null) return <p>{t('loading')}</p>;
  if (data.total === 0) return <p>{t('noMessages')}</p>;
  return (
    <>
      {data.total > data.items.length && (
        <Pager
          total={data.total}
          offset={data.offset}
          limit={data.limit}
          onChange={(o, l) => setAt({ offset: o, limit: l, of })}
        />
      )}
      <table aria-label={t('messages')} className="messages">
        <thead>
          <tr>
            <th scope="col">{t('sentAt')}</th>
            <th scope="col">{t('step')}</th>
            <th scope="col">{t('recipient')}</th>
            <th scope="col">{t('channel')}</th>
            <th scope="col">{t('messageState')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((n) => (
            <tr key={n.id} data-notification-state={n.state}>
              <td>{dt(n.sentAt ?? n.createdAt)}</td>
              <td>
                {stepName(n.step)}
                {n.device && (
                  <>
                    {' · '}
                    <a href={deviceHref(n.device)}>{n.device}</a>
                  </>
                )}
                {!owner && n.owner && (
                  <>
                    {' · '}
                    <a href={personHref(n.owner)}>{n.ownerName ?? n.owner}</a>
                  </>
                )}
              </td>
              <td>{n.recipient === 'webhook' ? '—' : n.address || n.recipient}</td>
              <td>{t(`channel_${n.channel}`)}</td>
              <td title={n.error ?? undefined}>{t(`message_${n.state}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** A mandate's ladder and what it will send from today, in the caller's scope. */
export function LadderPreviewCard({ mandate }: { mandate: string }) {
  const { t, i18n } = useTranslation();
  const stepName = useStepName();
  const ladder = useApi(statusOps.getMandateLadder, { params: { id: mandate } });
  const p = ladder.data;
  if (ladder.failed !== null) return <LoadFailed message={ladder.failed} onRetry={ladder.retry} />;
  if (!p) return null;
  const day = (d: string) => formatDay(i18n.language, new Date(`${d}T00:00:00Z`));
  const num = numberFormat(i18n.language);
  return (
    <article className="card" aria-labelledby={`ladder-${mandate}`} data-ladder={mandate}>
      <h3 id={`ladder-${mandate}`}>{t('ladderTitle')}</h3>
      {p.steps.length === 0 ? (
        <p>{t('noLadder')}</p>
      ) : (
        <>
          <ol>
            {p.steps.map((s) => (
              <li key={s.id}>
                {stepName(s.id)}
                {s.repeat
                  ? ` · ${t('repeatEvery', { every: s.repeat.replace(/^P(\d+)D$/, '$1') })}`
                  : ''}
              </li>
            ))}
          </ol>
          <p className="meta">{t(`digest_${p.digest}`)}</p>
          <h4>{t('upcoming')}</h4>
          {p.upcoming.length === 0 ? (
            <p>{t('nothingUpcoming')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('day')}</th>
                  <th scope="col">{t('step')}</th>
                  <th scope="col">{t('openFindings')}</th>
                </tr>
              </thead>
              <tbody>
                {p.upcoming.map((u) => (
                  <tr key={`${u.day}-${u.step}`}>
                    <td>{day(u.day)}</td>
                    <td>{stepName(u.step)}</td>
                    <td>{num.format(u.findings)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </article>
  );
}

/** Everything sent, what was given up on, and the recurring reports: for officers and auditors. */
export function Messages() {
  const { t, i18n } = useTranslation();
  const [q, set] = useRouteQuery();
  const state = q.state ?? '';
  const setState = (s: string) => set({ state: s });
  const kept = useApi(oversightOps.listReports, {});
  const reports = kept.data;
  const day = (d: string) => formatDay(i18n.language, new Date(`${d}T00:00:00Z`));
  return (
    <section aria-labelledby="messages-title">
      <h2 id="messages-title">{t('page_messages')}</h2>
      <article className="card" aria-labelledby="reports-title">
        <h3 id="reports-title">{t('reports')}</h3>
        {kept.failed !== null ? (
          <LoadFailed message={kept.failed} onRetry={kept.retry} />
        ) : reports === null ? (
          <p>{t('loading')}</p>
        ) : reports.length === 0 ? (
          <p>{t('noReports')}</p>
        ) : (
          <ul>
            {reports.map((r) => (
              <li key={r.id} data-report={r.id}>
                {r.mandate} · {day(r.day)} · <a href={r.pdf}>PDF</a> ·{' '}
                <a href={csvHref(r.csv, i18n.language)}>CSV</a>
              </li>
            ))}
          </ul>
        )}
      </article>
      <article className="card" aria-labelledby="log-title">
        <h3 id="log-title">{t('messages')}</h3>
        <div className="filters">
          <label htmlFor="messages-state">{t('messageState')}</label>
          <select id="messages-state" value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{t('anyOption')}</option>
            {(['queued', 'sent', 'dead'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`message_${s}`)}
              </option>
            ))}
          </select>
        </div>
        <NotificationLog {...(state ? { state: state as Notification['state'] } : {})} />
      </article>
    </section>
  );
}
