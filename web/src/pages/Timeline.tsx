import { PAGE_MAX } from '../../../src/contract/operation.js';
import { useLoad } from '../data.js';
import { LoadFailed } from './ListControls.js';
import { formatDay } from '../format.js';
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
  const loaded = useLoad(
    'timeline',
    async (o: { owner?: string; device?: string; ids: string[] }) => {
      const filter =
        o.owner !== undefined
          ? { owner: o.owner }
          : o.device !== undefined
            ? { device: o.device }
            : {};
      const pages = await Promise.all(
        o.ids.map((id) => api.findings(id, { ...filter, limit: PAGE_MAX })),
      );
      return eventsOf(pages.flatMap((p) => p.items));
    },
    { owner, device, ids: mandates.map((m) => m.id) },
  );
  const events = loaded.data;
  const dt = (iso: string) => formatDay(i18n.language, new Date(iso));
  const title = (m: string) => mandates.find((x) => x.id === m)?.title ?? m;
  if (loaded.failed !== null) return <LoadFailed message={loaded.failed} onRetry={loaded.retry} />;
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
