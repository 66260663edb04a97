import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Device, type Mandate, type Order, type Person } from '../api.js';
import { UnitField } from './UnitField.js';
import { NotificationLog } from './Notifications.js';
import { FindingsTimeline } from './Timeline.js';

export const personHref = (id: string) => `#/people/${encodeURIComponent(id)}`;
/** Platforms are names (iOS, Aurora…) except "other", which is a word of the console's language. */
export const platformName = (t: (k: string) => string, p: string) =>
  p === 'other' ? t('platform_other') : p;

export const deviceHref = (id: string) => `#/devices/${encodeURIComponent(id)}`;

/** Search people by name, id or email, within a unit, active or not; a person's own page. */
export function People({ mandates, selected }: { mandates: Mandate[]; selected: string | null }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [unit, setUnit] = useState('');
  const [active, setActive] = useState<'' | 'true' | 'false'>('true');
  const [results, setResults] = useState<Person[] | null>(null);
  const search = (e: FormEvent) => {
    e.preventDefault();
    api
      .people({
        ...(q ? { q } : {}),
        ...(unit ? { unit } : {}),
        ...(active ? { active } : {}),
      })
      .then(
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
        <UnitField id="people-unit" value={unit} onChange={setUnit} />
        <label htmlFor="people-active">{t('activeFilter')}</label>
        <select
          id="people-active"
          value={active}
          onChange={(e) => setActive(e.target.value as typeof active)}
        >
          <option value="true">{t('activeOnly')}</option>
          <option value="false">{t('inactiveOnly')}</option>
          <option value="">{t('everyone')}</option>
        </select>
        <button type="submit">{t('search')}</button>
      </form>
      {results && (
        <ul className="card list" aria-label={t('results')}>
          {results.length === 0 && <li>{t('nobodyFound')}</li>}
          {results.map((p) => (
            <li key={p.id}>
              <a href={personHref(p.id)} aria-current={p.id === selected ? 'page' : undefined}>
                {p.name}{' '}
                <small>
                  {p.id} · {p.unit.split('/').at(-1)}
                  {p.active ? '' : ` · ${t('inactive')}`}
                </small>
              </a>
            </li>
          ))}
        </ul>
      )}
      {selected && <PersonCard id={selected} mandates={mandates} />}
    </section>
  );
}

function PersonCard({ id, mandates }: { id: string; mandates: Mandate[] }) {
  const { t } = useTranslation();
  const [person, setPerson] = useState<Person | null | undefined>(undefined);
  const [devices, setDevices] = useState<Device[]>([]);
  useEffect(() => {
    let live = true;
    setPerson(undefined);
    api.person(id).then(
      (p) => live && setPerson(p),
      () => live && setPerson(null),
    );
    void api.devicesOf(id).then((d) => live && setDevices(d.items));
    return () => {
      live = false;
    };
  }, [id]);
  if (person === undefined) return <p>{t('loading')}</p>;
  if (person === null)
    return (
      <p role="alert" className="card error">
        {t('notFound', { id })}
      </p>
    );
  return (
    <article className="card" aria-labelledby="person-name" data-person={person.id}>
      <h3 id="person-name">{person.name}</h3>
      <p className="meta">
        {person.id} · {person.unit} {person.title ? `· ${person.title}` : ''}{' '}
        {person.supervisor && (
          <>
            · {t('supervisor')} <a href={personHref(person.supervisor)}>{person.supervisor}</a>{' '}
          </>
        )}
        {person.active ? '' : `· ${t('inactive')}`}
      </p>
      <h4>{t('devices')}</h4>
      {devices.length === 0 && <p>{t('noDevices')}</p>}
      <ul>
        {devices.map((d) => (
          <li key={d.id}>
            <a href={deviceHref(d.id)}>{d.id}</a> · {t(`class_${d.class}`)} ·{' '}
            {platformName(t, d.platform)} {d.model ? `· ${d.model}` : ''} ·{' '}
            {t(`status_${d.status}`)}
          </li>
        ))}
      </ul>
      <h4>{t('timeline')}</h4>
      <FindingsTimeline owner={person.id} mandates={mandates} />
      <h4>{t('replacements')}</h4>
      <PersonOrders person={person.id} />
      <h4>{t('messages')}</h4>
      <NotificationLog owner={person.id} />
    </article>
  );
}

/** A person's replacement orders and where each stands. */
function PersonOrders({ person }: { person: string }) {
  const { t } = useTranslation();
  const [orders, setOrders] = useState<Order[] | null>(null);
  useEffect(() => {
    api.orders({ person }).then(setOrders, () => setOrders([]));
  }, [person]);
  if (orders === null) return <p>{t('loading')}</p>;
  if (orders.length === 0) return <p>{t('noOrders')}</p>;
  return (
    <ul data-orders={person}>
      {orders.map((o) => (
        <li key={o.id}>
          <a href={deviceHref(o.device)}>{o.device}</a> → {o.item} · {t(`order_${o.state}`)}
          {o.newDevice && (
            <>
              {' '}
              · <a href={deviceHref(o.newDevice)}>{o.newDevice}</a>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
