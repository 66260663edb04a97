import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Device, type Finding, type Mandate, type Person } from '../api.js';

/** Search people; a person's page shows their devices and each device's findings as a timeline. */
export function People({ mandates }: { mandates: Mandate[] }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Person[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const search = (e: FormEvent) => {
    e.preventDefault();
    api.people({ q }).then(
      (r) => setResults(r.items),
      () => setResults([]),
    );
  };
  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title">{t('page_people')}</h2>
      <form className="filters" role="search" onSubmit={search}>
        <label htmlFor="people-q">{t('searchPeople')}</label>
        <input id="people-q" value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="submit">{t('search')}</button>
      </form>
      {results && (
        <ul className="card list">
          {results.length === 0 && <li>{t('nobodyFound')}</li>}
          {results.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                aria-pressed={p.id === selected}
                onClick={() => setSelected(p.id)}
              >
                {p.name}{' '}
                <small>
                  {p.id} · {p.unit.split('/').at(-1)}
                </small>
              </button>
            </li>
          ))}
        </ul>
      )}
      {selected && <PersonCard id={selected} mandates={mandates} />}
    </section>
  );
}

interface Event {
  at: string;
  mandate: string;
  device: string;
  kind: 'opened' | 'closed';
  reason: string | null;
}

function PersonCard({ id, mandates }: { id: string; mandates: Mandate[] }) {
  const { t, i18n } = useTranslation();
  const [person, setPerson] = useState<Person | null>(null);
  const [devices, setDevices] = useState<Device[]>([]);
  const [events, setEvents] = useState<Event[] | null>(null);
  useEffect(() => {
    let live = true;
    void api.person(id).then((p) => live && setPerson(p));
    void api.devicesOf(id).then((d) => live && setDevices(d.items));
    void Promise.all(
      mandates.map((m) => api.findings(m.id, { owner: id }).catch(() => [] as Finding[])),
    ).then((all) => {
      if (!live) return;
      const list: Event[] = [];
      for (const f of all.flat()) {
        list.push({
          at: f.opened,
          mandate: f.mandate,
          device: f.device,
          kind: 'opened',
          reason: null,
        });
        if (f.closed)
          list.push({
            at: f.closed,
            mandate: f.mandate,
            device: f.device,
            kind: 'closed',
            reason: f.closeReason,
          });
      }
      setEvents(list.sort((a, b) => a.at.localeCompare(b.at)));
    });
    return () => {
      live = false;
    };
  }, [id, mandates]);
  const dt = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(iso),
    );
  const title = (m: string) => mandates.find((x) => x.id === m)?.title ?? m;
  if (!person) return <p>{t('loading')}</p>;
  return (
    <article className="card" aria-labelledby="person-name" data-person={person.id}>
      <h3 id="person-name">{person.name}</h3>
      <p className="meta">
        {person.id} · {person.unit} {person.title ? `· ${person.title}` : ''}{' '}
        {person.active ? '' : `· ${t('inactive')}`}
      </p>
      <h4>{t('devices')}</h4>
      <ul>
        {devices.map((d) => (
          <li key={d.id}>
            {d.id} · {d.class} · {d.platform} {d.model ? `· ${d.model}` : ''} · {d.status}
          </li>
        ))}
      </ul>
      <h4>{t('timeline')}</h4>
      {events === null ? (
        <p>{t('loading')}</p>
      ) : events.length === 0 ? (
        <p>{t('noFindings')}</p>
      ) : (
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
      )}
    </article>
  );
}
