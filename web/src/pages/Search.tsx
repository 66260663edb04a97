import { useTranslation } from 'react-i18next';
import { recordOps } from '../../../src/contract/records.js';
import type { Mandate } from '../api.js';
import { useApi } from '../data.js';
import { deviceHref, mandateHref, personHref } from '../links.js';
import { LoadFailed, unitName, useRouteQuery } from './ListControls.js';

/**
 * What the top bar's search found (`#/search?q=…`): people by name, id or e-mail; devices by id,
 * serial, IMEI, maker or model; mandates by title or id. Each group asks the server in parallel.
 */
export function Search({ mandates }: { mandates: Mandate[] }) {
  const { t } = useTranslation();
  const [query] = useRouteQuery();
  const q = (query.q ?? '').trim();
  const people = useApi(recordOps.listPeople, q ? { query: { q, limit: 20, sort: 'name' } } : null);
  const devices = useApi(recordOps.listDevices, q ? { query: { q, limit: 20 } } : null);
  const text = q.toLowerCase();
  const found = mandates.filter(
    (m) => text && (m.title.toLowerCase().includes(text) || m.id.toLowerCase().includes(text)),
  );
  return (
    <section aria-labelledby="search-title">
      <h2 id="search-title">{t('searchFor', { q })}</h2>
      {!q && <p>{t('searchHint')}</p>}
      {q && (
        <>
          <article className="card" aria-labelledby="search-people">
            <h3 id="search-people">
              {t('page_people')}
              {people.data ? ` (${people.data.total})` : ''}
            </h3>
            {people.failed !== null ? (
              <LoadFailed message={people.failed} onRetry={people.retry} />
            ) : people.data === null ? (
              <p>{t('loading')}</p>
            ) : people.data.total === 0 ? (
              <p>{t('nothingFound')}</p>
            ) : (
              <ul data-found="people">
                {people.data.items.map((p) => (
                  <li key={p.id}>
                    <a href={personHref(p.id)}>{p.name}</a>{' '}
                    <span className="muted">
                      · {p.id} · <span title={p.unit}>{unitName(p.unit)}</span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {people.data && people.data.total > people.data.items.length && (
              <a href={`#/people?q=${encodeURIComponent(q)}`}>
                {t('seeAll', { count: people.data.total })}
              </a>
            )}
          </article>
          <article className="card" aria-labelledby="search-devices">
            <h3 id="search-devices">
              {t('page_devices')}
              {devices.data ? ` (${devices.data.total})` : ''}
            </h3>
            {devices.failed !== null ? (
              <LoadFailed message={devices.failed} onRetry={devices.retry} />
            ) : devices.data === null ? (
              <p>{t('loading')}</p>
            ) : devices.data.total === 0 ? (
              <p>{t('nothingFound')}</p>
            ) : (
              <ul data-found="devices">
                {devices.data.items.map((d) => (
                  <li key={d.id}>
                    <a href={deviceHref(d.id)}>
                      {[d.manufacturer, d.model].filter(Boolean).join(' ') || d.id}
                    </a>{' '}
                    <span className="muted">
                      · {d.id}
                      {d.serial ? ` · ${d.serial}` : ''}
                      {d.ownerName ? ` · ${d.ownerName}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {devices.data && devices.data.total > devices.data.items.length && (
              <a href={`#/devices?q=${encodeURIComponent(q)}`}>
                {t('seeAll', { count: devices.data.total })}
              </a>
            )}
          </article>
          {mandates.length > 0 && (
            <article className="card" aria-labelledby="search-mandates">
              <h3 id="search-mandates">{t('page_mandates')}</h3>
              {found.length === 0 ? (
                <p>{t('nothingFound')}</p>
              ) : (
                <ul data-found="mandates">
                  {found.map((m) => (
                    <li key={m.id}>
                      <a href={mandateHref(m.id)}>{m.title}</a>{' '}
                      <span className="muted">· {m.id}</span>
                    </li>
                  ))}
                </ul>
              )}
            </article>
          )}
        </>
      )}
    </section>
  );
}
