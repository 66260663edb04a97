import { useState, type FormEvent } from 'react';
import { formatDay, formatMoment, formatMomentUtc, timeAgo } from '../format.js';
import { useTranslation } from 'react-i18next';
import { DEVICE_CLASSES, DEVICE_STATUSES, PLATFORMS } from '../../../src/domain/device.model.js';
import { logisticsOps } from '../../../src/contract/logistics.js';
import { recordOps } from '../../../src/contract/records.js';
import { refreshAll, useApi, useLoad } from '../data.js';
import { removalOps } from '../../../src/contract/removals.js';
import { request } from '../client.js';
import { useCan, useMe } from '../me.js';
import { api, ApiError, type Device, type Mandate } from '../api.js';
import { deviceHref, personHref, platformName } from '../links.js';
import { NotificationLog } from './Notifications.js';
import { FindingsTimeline } from './Timeline.js';
import { UnitField } from './UnitField.js';
import {
  Breadcrumb,
  LoadFailed,
  Pager,
  Refusal,
  rememberList,
  SortHeader,
  unitName,
  useRouteQuery,
} from './ListControls.js';

type DeviceQuery = Parameters<typeof api.devices>[0];
const FILTERS = ['q', 'class', 'platform', 'status', 'unit'] as const;

/**
 * Devices a page at a time: search by id, serial, IMEI, model or maker, filter by class,
 * platform, status and unit, sorted on the server; all of it in the route. A device's page is a
 * route of its own.
 */
export function Devices({ mandates, selected }: { mandates: Mandate[]; selected: string | null }) {
  const { t } = useTranslation();
  const [query, set] = useRouteQuery();
  if (selected)
    return (
      <section aria-labelledby="device-id">
        <Breadcrumb page="devices" label={t('page_devices')} />
        <DeviceCard id={selected} mandates={mandates} />
      </section>
    );
  rememberList('devices');
  const filter: DeviceQuery = {
    ...Object.fromEntries(FILTERS.flatMap((k) => (query[k] ? [[k, query[k]]] : []))),
    sort: (query.sort ?? 'id') as NonNullable<DeviceQuery['sort']>,
    offset: Number(query.offset ?? 0) || 0,
    limit: Number(query.limit ?? 50) || 50,
  };
  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">{t('page_devices')}</h2>
      <DeviceSearch query={query} onSearch={(patch) => set({ ...patch, offset: undefined })} />
      <DeviceList
        filter={filter}
        onSort={(s) => set({ sort: s === 'id' ? undefined : s, offset: undefined })}
        onPage={(o, l) => set({ offset: o || undefined, limit: l === 50 ? undefined : l })}
      />
    </section>
  );
}

function DeviceSearch({
  query,
  onSearch,
}: {
  query: Record<string, string>;
  onSearch: (patch: Record<string, string | undefined>) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState(query.q ?? '');
  const [unit, setUnit] = useState(query.unit ?? '');
  const choice = (
    k: 'class' | 'platform' | 'status',
    label: string,
    values: readonly string[],
    text: (v: string) => string,
  ) => (
    <>
      <label htmlFor={`devices-${k}`}>{label}</label>
      <select
        id={`devices-${k}`}
        value={query[k] ?? ''}
        onChange={(e) => onSearch({ [k]: e.target.value || undefined })}
      >
        <option value="">{t('anyOption')}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {text(v)}
          </option>
        ))}
      </select>
    </>
  );
  const search = (e: FormEvent) => {
    e.preventDefault();
    onSearch({ q: q.trim() || undefined, unit: unit || undefined });
  };
  return (
    <form className="filters" role="search" onSubmit={search}>
      <label htmlFor="devices-q">{t('searchDevices')}</label>
      <input id="devices-q" value={q} onChange={(e) => setQ(e.target.value)} />
      {choice('class', t('class'), DEVICE_CLASSES, (v) => t(`class_${v}`))}
      {choice('platform', t('platform'), PLATFORMS, (v) => platformName(t, v))}
      {choice('status', t('status'), DEVICE_STATUSES, (v) => t(`status_${v}`))}
      <UnitField id="devices-unit" value={unit} onChange={setUnit} />
      <button type="submit">{t('search')}</button>
    </form>
  );
}

function DeviceList({
  filter,
  onSort,
  onPage,
}: {
  filter: DeviceQuery;
  onSort: (sort: string) => void;
  onPage: (offset: number, limit: number) => void;
}) {
  const { t } = useTranslation();
  const { data: page, failed, retry } = useLoad('devices', api.devices, filter);
  if (failed !== null) return <LoadFailed message={failed} onRetry={retry} />;
  if (page === null) return <p>{t('loading')}</p>;
  const header = (column: string, label: string) => (
    <SortHeader column={column} label={label} sort={filter.sort ?? 'id'} onSort={onSort} />
  );
  return (
    <>
      <Pager total={page.total} offset={page.offset} limit={page.limit} onChange={onPage} />
      {page.items.length === 0 ? (
        <p className="card">{t('noDevicesFound')}</p>
      ) : (
        <table className="card" aria-label={t('results')}>
          <thead>
            <tr>
              {header('id', t('device'))}
              {header('model', t('col_model'))}
              <th scope="col">{t('class')}</th>
              {header('platform', t('platform'))}
              <th scope="col">{t('status')}</th>
              {header('owner', t('owner'))}
            </tr>
          </thead>
          <tbody>
            {page.items.map((d) => (
              <tr key={d.id} data-device={d.id}>
                <td>
                  <a href={deviceHref(d.id)}>{d.id}</a>
                </td>
                <td>{[d.manufacturer, d.model].filter(Boolean).join(' ')}</td>
                <td>{t(`class_${d.class}`)}</td>
                <td>{platformName(t, d.platform)}</td>
                <td>{t(`status_${d.status}`)}</td>
                <td>
                  {d.owner ? <a href={personHref(d.owner)}>{d.ownerName ?? d.owner}</a> : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function DeviceCard({ id, mandates }: { id: string; mandates: Mandate[] }) {
  const { t, i18n } = useTranslation();
  const found = useApi(recordOps.getDevice, { params: { id } });
  const device = found.data;
  const missing = found.error instanceof ApiError && found.error.status === 404;
  if (!missing && found.failed !== null)
    return <LoadFailed message={found.failed} onRetry={found.retry} />;
  if (device === null && !missing) return <p>{t('loading')}</p>;
  if (device === null)
    return (
      <p role="alert" className="card error">
        {t('notFound', { id })}
      </p>
    );
  const rows: [string, React.ReactNode][] = [
    [t('class'), t(`class_${device.class}`)],
    [t('platform'), [platformName(t, device.platform), device.osVersion].filter(Boolean).join(' ')],
    [t('model'), [device.manufacturer, device.model].filter(Boolean).join(' ') || '—'],
    [t('serial'), device.serial ?? '—'],
    [t('ownership'), device.ownership ? t(`ownership_${device.ownership}`) : '—'],
    [t('purposes'), device.purposes.map((p) => t(`purpose_${p}`)).join(', ') || '—'],
    [t('status'), t(`status_${device.status}`)],
    [
      t('owner'),
      device.owner ? (
        <a href={personHref(device.owner)}>{device.ownerName ?? device.owner}</a>
      ) : (
        '—'
      ),
    ],
    [
      t('custodianUnit'),
      device.unit ? (
        <a href={`#/devices?unit=${encodeURIComponent(device.unit)}`} title={device.unit}>
          {unitName(device.unit)}
        </a>
      ) : (
        '—'
      ),
    ],
    [t('changedAt'), formatDay(i18n.language, new Date(device.changedAt))],
  ];
  return (
    <article className="card" aria-labelledby="device-id" data-device={device.id}>
      <h3 id="device-id">{device.id}</h3>
      <dl className="facts">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <h4>{t('sources')}</h4>
      <DeviceSources device={device} />
      {device.ownership === 'personal' && (
        <>
          <h4>{t('dataRemovals')}</h4>
          <DataRemovals device={device.id} />
        </>
      )}
      <h4>{t('timeline')}</h4>
      <FindingsTimeline device={device.id} mandates={mandates} />
      <h4>{t('custody')}</h4>
      <CustodyChain device={device.id} />
      <h4>{t('messages')}</h4>
      <NotificationLog device={device.id} />
    </article>
  );
}

/** Which systems report the device and when they last did; a source that stopped is marked. */
function DeviceSources({ device }: { device: Device }) {
  const { t, i18n } = useTranslation();
  const list = device.sources ?? [];
  if (list.length === 0) return <p>{t('noSources')}</p>;
  const day = (iso: string) => formatDay(i18n.language, new Date(iso));
  // Sources that name different owners disagree: the device keeps the one the rule gives.
  const owners = new Set(list.flatMap((s) => (s.reportedOwner ? [s.reportedOwner] : [])));
  return (
    <>
      {owners.size > 1 && (
        <p className="warning" role="note" data-owner-conflict={device.id}>
          {t('ownerConflict', { owner: device.owner ?? '—' })}
        </p>
      )}
      <table data-sources={device.id}>
        <thead>
          <tr>
            <th scope="col">{t('sourceName')}</th>
            <th scope="col">{t('sourceSaysOwner')}</th>
            <th scope="col">{t('sourceLastSeen')}</th>
            <th scope="col">{t('sourceLastContact')}</th>
            <th scope="col">{t('sourceNotReported')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((s) => (
            <tr key={s.source} data-source={s.source}>
              <td>{s.source}</td>
              <td>
                {s.reportedOwner === undefined ? (
                  '—'
                ) : s.reportedOwner === null ? (
                  t('nobody')
                ) : (
                  <a href={personHref(s.reportedOwner)}>{s.reportedOwner}</a>
                )}
              </td>
              <td className="nowrap">{day(s.lastSeen)}</td>
              <td className="nowrap" data-last-contact={s.lastContact ?? ''}>
                {s.lastContact ? (
                  <time dateTime={s.lastContact} title={s.lastContact}>
                    {timeAgo(i18n.language, s.lastContact)}
                  </time>
                ) : (
                  '—'
                )}
              </td>
              <td className={s.notReportedSince ? 'warning' : undefined}>
                {s.notReportedSince
                  ? `${day(s.notReportedSince)} (${t('sourceStillCounted')})`
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Every handover of the device: from, to, place, time, who recorded it. */
function CustodyChain({ device }: { device: string }) {
  const { t, i18n } = useTranslation();
  const custody = useApi(logisticsOps.getCustody, { params: { id: device } });
  const chain = custody.data;
  if (custody.failed !== null)
    return <LoadFailed message={custody.failed} onRetry={custody.retry} />;
  if (chain === null) return <p>{t('loading')}</p>;
  if (chain.length === 0) return <p>{t('noCustody')}</p>;
  const party = (p: string) => {
    const [kind, ...rest] = p.split(':');
    const name = rest.join(':');
    if (kind === 'person') return <a href={personHref(name)}>{name}</a>;
    if (kind === 'stock') return t('party_stock', { location: name });
    return t(`party_${kind}`);
  };
  return (
    <ol className="custody" data-custody={device}>
      {chain.map((c, i) => (
        <li key={i}>
          {formatMomentUtc(i18n.language, new Date(c.at))} · {t(`custody_${c.kind}`)}:{' '}
          {party(c.from)} → {party(c.to)}
          {c.place ? ` · ${c.place}` : ''} · {t('recordedBy', { who: c.recordedBy })}
        </li>
      ))}
    </ol>
  );
}

/**
 * The removals of the organisation's data from a personal device (DESIGN §5a): the device is its
 * owner's; what the organisation put on it is removed, recorded by one person, verified by another.
 */
function DataRemovals({ device }: { device: string }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const me = useMe();
  const list = useApi(removalOps.listDataRemovals, { query: { device } });
  const [method, setMethod] = useState('');
  const [day, setDay] = useState(new Date().toISOString().slice(0, 10));
  const [error, setError] = useState<Error | null>(null);
  const when = (iso: string) => formatMoment(i18n.language, new Date(iso));
  const onDay = (d: string) => formatDay(i18n.language, new Date(`${d}T00:00:00Z`));
  const done = () => {
    setError(null);
    setMethod('');
    void refreshAll();
  };
  if (list.failed !== null) return <LoadFailed message={list.failed} onRetry={list.retry} />;
  if (list.data === null) return <p>{t('loading')}</p>;
  return (
    <div data-removals={device}>
      {error && <Refusal error={error} />}
      {list.data.items.length === 0 ? (
        <p>{t('noDataRemovals')}</p>
      ) : (
        <ul>
          {list.data.items.map((r) => (
            <li key={r.id} data-removal={r.id} data-state={r.state}>
              {r.method} · {onDay(r.performedOn)} · {t('recordedBy', { who: r.recordedBy })} ·{' '}
              {r.verifiedBy && r.verifiedAt ? (
                t('verifiedByAt', { who: r.verifiedBy, when: when(r.verifiedAt) })
              ) : can('sanitisation.verify') && me?.email !== r.recordedBy ? (
                <button
                  type="button"
                  onClick={() =>
                    void request(removalOps.verifyDataRemoval, { params: { id: r.id } }).then(
                      done,
                      (e: Error) => setError(e),
                    )
                  }
                >
                  {t('verify')}
                </button>
              ) : (
                t('awaitingVerification')
              )}
            </li>
          ))}
        </ul>
      )}
      {can('logistics') && (
        <form
          className="inline-form"
          aria-label={t('recordDataRemoval')}
          onSubmit={(e) => {
            e.preventDefault();
            void request(removalOps.recordDataRemoval, {
              params: { id: device },
              body: { method, performedOn: day },
            }).then(done, (err: Error) => setError(err));
          }}
        >
          <label>
            {t('dataRemovalMethod')}{' '}
            <input
              required
              value={method}
              placeholder={t('dataRemovalMethodHint')}
              onChange={(e) => setMethod(e.target.value)}
            />
          </label>
          <label>
            {t('performedOn')}{' '}
            <input type="date" required value={day} onChange={(e) => setDay(e.target.value)} />
          </label>
          <button type="submit">{t('recordDataRemoval')}</button>
        </form>
      )}
    </div>
  );
}
