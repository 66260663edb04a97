import { PAGE_MAX } from '../../../src/contract/operation.js';
import { useState, type FormEvent } from 'react';
import { logisticsOps } from '../../../src/contract/logistics.js';
import { recordOps } from '../../../src/contract/records.js';
import { useApi, useLoad } from '../data.js';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Mandate } from '../api.js';
import { deviceHref, orderHref, personHref, platformName } from '../links.js';
import { UnitField } from './UnitField.js';
import {
  Breadcrumb,
  LoadFailed,
  Pager,
  rememberList,
  SortHeader,
  useRouteQuery,
} from './ListControls.js';
import { NotificationLog } from './Notifications.js';
import { FindingsTimeline } from './Timeline.js';

/**
 * People a page at a time: search by name, id or e-mail, within a unit, active or not; sorted on
 * the server; the search, order and page are in the route. A person's page is a route of its own.
 */
export function People({ mandates, selected }: { mandates: Mandate[]; selected: string | null }) {
  const { t } = useTranslation();
  const [query, set] = useRouteQuery();
  if (selected)
    return (
      <section aria-labelledby="person-name">
        <Breadcrumb page="people" label={t('page_people')} />
        <PersonCard id={selected} mandates={mandates} />
      </section>
    );
  rememberList('people');
  const active = (query.active ?? 'true') as '' | 'true' | 'false' | 'any';
  const sort = (query.sort ?? 'name') as PeopleSort;
  const offset = Number(query.offset ?? 0) || 0;
  const limit = Number(query.limit ?? 50) || 50;
  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title">{t('page_people')}</h2>
      <PeopleSearch query={query} onSearch={(patch) => set({ ...patch, offset: undefined })} />
      <PeopleList
        filter={{
          ...(query.q ? { q: query.q } : {}),
          ...(query.unit ? { unit: query.unit } : {}),
          ...(active !== 'any' && active !== '' ? { active } : {}),
          sort,
          offset,
          limit,
        }}
        onSort={(s) => set({ sort: s === 'name' ? undefined : s, offset: undefined })}
        onPage={(o, l) => set({ offset: o || undefined, limit: l === 50 ? undefined : l })}
      />
    </section>
  );
}

type PeopleSort = NonNullable<Parameters<typeof api.people>[0]['sort']>;

function PeopleSearch({
  query,
  onSearch,
}: {
  query: Record<string, string>;
  onSearch: (patch: Record<string, string | undefined>) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState(query.q ?? '');
  const [unit, setUnit] = useState(query.unit ?? '');
  const search = (e: FormEvent) => {
    e.preventDefault();
    onSearch({ q: q.trim() || undefined, unit: unit || undefined });
  };
  return (
    <form className="filters" role="search" onSubmit={search}>
      <label htmlFor="people-q">{t('searchPeople')}</label>
      <input id="people-q" value={q} onChange={(e) => setQ(e.target.value)} />
      <UnitField id="people-unit" value={unit} onChange={setUnit} />
      <label htmlFor="people-active">{t('activeFilter')}</label>
      <select
        id="people-active"
        value={query.active ?? 'true'}
        onChange={(e) =>
          onSearch({ active: e.target.value === 'true' ? undefined : e.target.value })
        }
      >
        <option value="true">{t('activeOnly')}</option>
        <option value="false">{t('inactiveOnly')}</option>
        <option value="any">{t('everyone')}</option>
      </select>
      <button type="submit">{t('search')}</button>
    </form>
  );
}

function PeopleList({
  filter,
  onSort,
  onPage,
}: {
  filter: Parameters<typeof api.people>[0] & { sort: PeopleSort; offset: number; limit: number };
  onSort: (sort: string) => void;
  onPage: (offset: number, limit: number) => void;
}) {
  const { t } = useTranslation();
  const { data: page, failed, retry } = useLoad('people', api.people, filter);
  if (failed !== null) return <LoadFailed message={failed} onRetry={retry} />;
  if (page === null) return <p>{t('loading')}</p>;
  const header = (column: string, label: string) => (
    <SortHeader column={column} label={label} sort={filter.sort} onSort={onSort} />
  );
  return (
    <>
      <Pager total={page.total} offset={page.offset} limit={page.limit} onChange={onPage} />
      {page.items.length === 0 ? (
        <p className="card">{t('nobodyFound')}</p>
      ) : (
        <table className="card" aria-label={t('results')}>
          <thead>
            <tr>
              {header('name', t('col_name'))}
              {header('id', t('col_id'))}
              {header('unit', t('col_unit'))}
              <th scope="col">{t('col_title')}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((p) => (
              <tr key={p.id} data-person={p.id}>
                <td>
                  <a href={personHref(p.id)}>{p.name}</a>
                  {p.active ? '' : ` · ${t('inactive')}`}
                </td>
                <td>{p.id}</td>
                <td title={p.unit}>{p.unit.split('/').at(-1)}</td>
                <td>{p.title ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function PersonCard({ id, mandates }: { id: string; mandates: Mandate[] }) {
  const { t } = useTranslation();
  const found = useApi(recordOps.getPerson, { params: { id } });
  const theirs = useApi(recordOps.listDevices, { query: { owner: id, limit: PAGE_MAX } });
  const person = found.data;
  if (found.error instanceof ApiError && found.error.status === 404)
    return (
      <p role="alert" className="card error">
        {t('notFound', { id })}
      </p>
    );
  if (found.failed !== null) return <LoadFailed message={found.failed} onRetry={found.retry} />;
  if (person === null) return <p>{t('loading')}</p>;
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
      {theirs.failed !== null ? (
        <LoadFailed message={theirs.failed} onRetry={theirs.retry} />
      ) : theirs.data === null ? (
        <p>{t('loading')}</p>
      ) : theirs.data.items.length === 0 ? (
        <p>{t('noDevices')}</p>
      ) : (
        <>
          {theirs.data.total > theirs.data.items.length && (
            <p role="note">
              {t('firstOf', { shown: theirs.data.items.length, total: theirs.data.total })}
            </p>
          )}
          <ul data-devices-of={person.id}>
            {theirs.data.items.map((d) => (
              <li key={d.id}>
                <a href={deviceHref(d.id)}>{d.id}</a> · {t(`class_${d.class}`)} ·{' '}
                {platformName(t, d.platform)} {d.model ? `· ${d.model}` : ''} ·{' '}
                {t(`status_${d.status}`)}
              </li>
            ))}
          </ul>
        </>
      )}
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
  const theirs = useApi(logisticsOps.listReplacements, { query: { person, limit: PAGE_MAX } });
  const orders = theirs.data?.items ?? null;
  if (theirs.failed !== null) return <LoadFailed message={theirs.failed} onRetry={theirs.retry} />;
  if (orders === null) return <p>{t('loading')}</p>;
  if (orders.length === 0) return <p>{t('noOrders')}</p>;
  return (
    <ul data-orders={person}>
      {orders.map((o) => (
        <li key={o.id}>
          <a href={orderHref(o.id)}>{t('orderNumber', { id: o.id })}</a>:{' '}
          <a href={deviceHref(o.device)}>{o.deviceName ?? o.device}</a>
          {o.deviceName && <span className="muted"> · {o.device}</span>} → {o.itemName ?? o.item} ·{' '}
          {t(`order_${o.state}`)}
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
