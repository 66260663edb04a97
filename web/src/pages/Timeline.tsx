import { useEffect, useState } from 'react';
import { dateFormat } from '../format.js';
import { useTranslation } from 'react-i18next';
import { api, type Finding, type Mandate } from '../api.js';

interface Event {
  at: string;
  mandate: string;
  device: string;
  kind: 'opened' | 'closed';
  reason: string | null;
}

/** Every finding's opening and closing, oldest first. */
function eventsOf(findings: Finding[]): Event[] {
  const list: Event[] = [];
  for (const f of findings) {
    list.push({ at: f.opened, mandate: f.mandate, device: f.device, kind: 'opened', reason: null });
    if (f.closed)
      list.push({
        at: f.closed,
        mandate: f.mandate,
        device: f.device,
        kind: 'closed',
        reason: f.closeReason,
      });
  }
  return list.sort((a, b) => a.at.localeCompare(b.at));
}

/** The findings' history of one person or one device, across every mandate, as a timeline. */
export function FindingsTimeline({
  owner,
  device,
  mandates,
}: {
  owner?: string;
  device?: string;
  mandates: Mandate[];
}) {
  const { t, i18n } = useTranslation();
  const [events, setEvents] = useState<Event[] | null>(null);
  useEffect(() => {
    let live = true;
    setEvents(null);
    const filter = owner !== undefined ? { owner } : device !== undefined ? { device } : {};
    void Promise.all(
      mandates.map((m) =>
        api
          .findings(m.id, { ...filter, limit: 1000 })
          .then((p): Finding[] => p.items)
          .catch(() => [] as Finding[]),
      ),
    ).then((all) => live && setEvents(eventsOf(all.flat())));
    return () => {
      live = false;
    };
  }, [owner, device, mandates]);
  const dt = (iso: string) =>
    dateFormat(i18n.language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
  const title = (m: string) => mandates.find((x) => x.id === m)?.title ?? m;
  if (events === null) return <p>{t('loading')}</p>;
  if (events.length === 0) return <p>{t('noFindings')}</p>;
  return (
    <ol className="timeline">
      {events.map((e, i) => (
        <li key={i} data-event={e.kind}>
          <time dateTime={e.at}>{dt(e.at)}</time> —{' '}
          {e.kind === 'opened'
            ? t('eventOpened', { mandate: title(e.mandate), device: e.device })
            : t('eventClosed', {
                mandate: title(e.mandate),
                device: e.device,
                reason: t(`reason_${e.reason ?? 'none'}`),
              })}
        </li>
      ))}
    </ol>
  );
}
