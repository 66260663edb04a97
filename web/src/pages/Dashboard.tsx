import { useState } from 'react';
import { formatDay, formatMoment, numberFormat } from '../format.js';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type MandateStatus } from '../api.js';
import { useLoad } from '../data.js';
import { ActionButton } from './Action.js';
import { BurnDown } from './BurnDown.js';
import { LoadFailed } from './ListControls.js';
import { MandateUnits } from './MandateUnits.js';
import { DeviceBar } from './DeviceBar.js';
import { useRouteQuery } from './ListControls.js';
import { compareText } from '../../../src/domain/text.order.js';

const byTitle = compareText();

/** The most urgent first: more overdue, then more pending, then by title. */
function byUrgency(a: MandateStatus, b: MandateStatus): number {
  return (
    b.devices.overdue - a.devices.overdue ||
    b.devices.pending - a.devices.pending ||
    byTitle(a.title, b.title)
  );
}

/**
 * The officer's overview: each mandate's counts, phases and forecast as of any day, the most
 * urgent first. It opens on now, like every page; on the demo a button shows the story's day.
 */
export function Dashboard({
  attestAs,
  demoDay = null,
}: {
  attestAs?: boolean;
  /** On the demo, a day inside its story, offered beside "now". */
  demoDay?: string | null;
}) {
  const { t, i18n } = useTranslation();
  // The day is in the route (`#/dashboard?asOf=2023-04-02`, or `asOf=now`): a view to share.
  // Empty: now, like `status` without --as-of; a day: its 00:00 in the organisation's zone.
  const [query, set] = useRouteQuery();
  const asOf = query.asOf === 'now' ? '' : (query.asOf ?? '');
  const setAsOf = (day: string) => set({ asOf: day || 'now' });
  const loaded = useLoad('status', api.status, asOf);
  const statuses = loaded.data;
  const forbidden = loaded.error instanceof ApiError && loaded.error.status === 403;
  const [open, setOpen] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const attest = (mandate: string, phase: string, unit: string) =>
    api
      .attest({ mandate, phase, unit })
      .then((r) => setNote(r.created ? t('attestedNow') : t('attestedBefore')));
  const num = numberFormat(i18n.language);
  const date = (iso: string) => formatDay(i18n.language, new Date(iso));
  if (forbidden) return <p className="card">{t('noCounts')}</p>;
  if (loaded.failed !== null) return <LoadFailed message={loaded.failed} onRetry={loaded.retry} />;
  return (
    <section aria-labelledby="mandates-title">
      <div className="bar-row">
        <h2 id="mandates-title">{t('mandates')}</h2>
        <label>
          {t('asOf')} <input type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} />
        </label>
        {asOf && (
          <button type="button" onClick={() => setAsOf('')}>
            {t('now')}
          </button>
        )}
        {demoDay && asOf !== demoDay && (
          <button type="button" onClick={() => setAsOf(demoDay)}>
            {t('demoDay', { date: date(demoDay) })}
          </button>
        )}
      </div>
      {statuses && statuses[0] && (
        <p className="meta" data-showing={asOf ? 'day' : 'now'}>
          {asOf
            ? t('showingDay', { date: date(asOf) })
            : t('showingNow', {
                time: formatMoment(i18n.language, new Date(statuses[0].asOf)),
              })}
        </p>
      )}
      {note && <p role="status">{note}</p>}
      {statuses === null ? (
        <p>{t('loading')}</p>
      ) : statuses.length === 0 ? (
        <p>{t('noMandates')}</p>
      ) : (
        [...statuses].sort(byUrgency).map((s) => {
          const d = s.devices;
          const left = s.deadline.daysLeft;
          return (
            <article
              key={s.mandate}
              className="card mandate"
              aria-labelledby={`m-${s.mandate}`}
              data-mandate={s.mandate}
            >
              <h3 id={`m-${s.mandate}`}>{s.title}</h3>
              <p className="meta">
                <code>{s.mandate}</code> ·{' '}
                {s.due
                  ? `${t('due', { date: date(s.due) })} · ${left === null ? '' : left > 0 ? t('daysLeft', { count: left }) : left === 0 ? t('dueToday') : t('daysPast', { count: -left })}`
                  : t('noDue')}
              </p>
              <DeviceBar devices={d} />
              <dl className="counts">
                {(['overdue', 'pending', 'exempt', 'resolved'] as const).map((k) => (
                  <div key={k} className={k}>
                    <dt>{t(k)}</dt>
                    <dd data-count={k}>{num.format(d[k])}</dd>
                    {k === 'resolved' && d.lost > 0 && (
                      <dd className="muted" data-count="lost">
                        {t('ofWhichLost', { count: d.lost, n: num.format(d.lost) })}
                      </dd>
                    )}
                  </div>
                ))}
                <div className="departed" title={t('departedHint')}>
                  <dt>
                    <a href={`#/findings?mandate=${encodeURIComponent(s.mandate)}&state=departed`}>
                      {t('departed')}
                    </a>
                  </dt>
                  <dd data-count="departed">{num.format(d.departed)}</dd>
                </div>
                <div className="unassigned" title={t('unassignedHint')}>
                  <dt>
                    <a
                      href={`#/findings?mandate=${encodeURIComponent(s.mandate)}&state=unassigned`}
                    >
                      {t('unassigned')}
                    </a>
                  </dt>
                  <dd data-count="unassigned">{num.format(d.unassigned)}</dd>
                </div>
                <div>
                  <dt>{t('nonCompliant')}</dt>
                  <dd>{num.format(s.people.nonCompliant)}</dd>
                </div>
                {(d.unknown ?? 0) > 0 && (
                  <div className="unknown" title={t('unknownHint')}>
                    <dt>
                      <a href={`#/findings?mandate=${encodeURIComponent(s.mandate)}&state=unknown`}>
                        {t('unknown')}
                      </a>
                    </dt>
                    <dd data-count="unknown">{num.format(d.unknown ?? 0)}</dd>
                  </div>
                )}
              </dl>
              <ul className="phases">
                {s.phases.map((p) => (
                  <li key={p.id}>
                    {/* Nothing ever caught is "met" in the data, never on the page (DESIGN §5a). */}
                    <span
                      className={`state ${p.nothingCaught ? 'upcoming' : p.state}`}
                      data-phase-state={p.nothingCaught ? 'nothing-caught' : p.state}
                    >
                      {p.nothingCaught ? t('nothingCaughtYet') : t(`phase_${p.state}`)}
                    </span>{' '}
                    {p.title ?? p.id}
                    {p.due ? ` — ${t('due', { date: date(p.due) })}` : ''}
                    {p.graceEnds ? ` (${t('graceUntil', { date: date(p.graceEnds) })})` : ''}
                    {p.requires === 'attest'
                      ? ` (${t('attested', { attested: num.format(p.attested ?? 0), required: num.format(p.required ?? 0) })})`
                      : ''}
                    {attestAs && s.unit && p.requires === 'attest' && p.state !== 'upcoming' && (
                      <>
                        {' '}
                        <ActionButton
                          confirm={t('confirmAttest', {
                            phase: p.title ?? p.id,
                            unit: s.unit.split('/').at(-1),
                          })}
                          run={() => attest(s.mandate, p.id, s.unit!)}
                        >
                          {t('attestFor', { unit: s.unit.split('/').at(-1) })}
                        </ActionButton>
                      </>
                    )}
                  </li>
                ))}
              </ul>
              <BurnDown status={s} asOf={asOf} />
              <button
                type="button"
                aria-expanded={open === s.mandate}
                onClick={() => setOpen(open === s.mandate ? null : s.mandate)}
              >
                {t('unitsAndStragglers')}
              </button>
              {open === s.mandate && <MandateUnits status={s} asOf={asOf} />}
              <p className="forecast">
                {s.forecast.nothingCaught
                  ? t('forecastNothingCaught')
                  : s.forecast.projectedCompletion
                    ? `${t('forecast', { rate: numberFormat(i18n.language, { maximumFractionDigits: 1 }).format(s.forecast.ratePerDay), date: date(s.forecast.projectedCompletion) })} · ${s.forecast.onTrack ? t('onTrack') : t('offTrack')}`
                    : t('noForecast')}
              </p>
            </article>
          );
        })
      )}
    </section>
  );
}
