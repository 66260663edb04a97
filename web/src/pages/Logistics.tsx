import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  api,
  ApiError,
  type Problem,
  type CatalogueItem,
  type HandoverEffect,
  type Order,
  type Sanitisation,
  type Shortage,
  type StockLine,
} from '../api.js';
import { ORDER_STATES } from '../../../src/domain/replacement.rules.js';
import { deviceHref, personHref } from './People.js';
import { CatalogueCard, StockCard } from './LogisticsStock.js';
import { SanitisationCard } from './SanitisationCard.js';
import { ShortageCard } from './LogisticsShortage.js';
import { Refusal } from './ListControls.js';

/** Logistics: the forecast, the order queue with its steps, stock, sanitisation. */
export function Logistics({ canHandle, me }: { canHandle: boolean; me: string }) {
  const { t } = useTranslation();
  const [shortage, setShortage] = useState<Shortage | null>(null);
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [stock, setStock] = useState<StockLine[]>([]);
  const [items, setItems] = useState<CatalogueItem[]>([]);
  const [records, setRecords] = useState<Sanitisation[]>([]);
  const [state, setState] = useState<string>('requested,approved,issued');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; details: Problem[] } | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const load = useCallback(() => {
    void api.shortage().then(setShortage, () => setShortage(null));
    void api.orders({ state }).then(setOrders, () => setOrders([]));
    void api.stock().then(setStock, () => setStock([]));
    void api.catalogue().then(setItems, () => setItems([]));
    void api.sanitisations().then(setRecords, () => setRecords([]));
    setSelected(new Set());
  }, [state]);
  useEffect(load, [load]);
  const done = (text: string) => {
    setError(null);
    setMessage(text);
    load();
  };
  const fail = (e: Error) => {
    setMessage(null);
    setError({ message: e.message, details: e instanceof ApiError ? e.details : [] });
  };
  const bulk = (step: 'approve' | 'issue' | 'return') =>
    api.bulk(step, [...selected]).then((r) => done(t('bulkDone', { count: r.done.length })), fail);
  return (
    <section aria-labelledby="logistics-title">
      <h2 id="logistics-title">{t('page_logistics')}</h2>
      {message && <p role="status">{message}</p>}
      {error && <Refusal message={error.message} details={error.details} />}
      <ShortageCard shortage={shortage} />

      <article className="card" aria-labelledby="orders-title">
        <h3 id="orders-title">{t('orders')}</h3>
        <div className="filters">
          <label>
            {t('state')}{' '}
            <select value={state} onChange={(e) => setState(e.target.value)}>
              <option value="requested,approved,issued">{t('inProgress')}</option>
              {ORDER_STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`order_${s}`)}
                </option>
              ))}
            </select>
          </label>
          <a href="/api/v1/replacements?format=csv">{t('exportCsv')}</a>
          <a href="/api/v1/replacements/by-unit?format=csv">{t('exportByUnit')}</a>
        </div>
        {canHandle && selected.size > 0 && (
          <div className="actions">
            <span>{t('selectedCount', { count: selected.size })}</span>
            <button type="button" onClick={() => void bulk('approve')}>
              {t('approveSelected')}
            </button>
            <button type="button" onClick={() => void bulk('issue')}>
              {t('issueSelected')}
            </button>
            <button type="button" onClick={() => void bulk('return')}>
              {t('returnSelected')}
            </button>
          </div>
        )}
        {orders === null ? (
          <p>{t('loading')}</p>
        ) : orders.length === 0 ? (
          <p>{t('noOrders')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                {canHandle && <th aria-label={t('select')} />}
                <th>{t('col_order')}</th>
                <th>{t('col_owner')}</th>
                <th>{t('col_device')}</th>
                <th>{t('col_item')}</th>
                <th>{t('col_state')}</th>
                <th>{t('col_newDevice')}</th>
                <th>{t('col_actions')}</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <OrderRow
                  key={o.id}
                  order={o}
                  canHandle={canHandle}
                  selected={selected.has(o.id)}
                  onSelect={(on) => {
                    const next = new Set(selected);
                    if (on) next.add(o.id);
                    else next.delete(o.id);
                    setSelected(next);
                  }}
                  onDone={done}
                  onFail={fail}
                />
              ))}
            </tbody>
          </table>
        )}
      </article>

      <CatalogueCard items={items} canHandle={canHandle} onDone={done} onFail={fail} />
      <StockCard stock={stock} items={items} canHandle={canHandle} onDone={done} onFail={fail} />
      <SanitisationCard
        records={records}
        canHandle={canHandle}
        me={me}
        onDone={done}
        onFail={fail}
      />
    </section>
  );
}

function OrderRow({
  order: o,
  canHandle,
  selected,
  onSelect,
  onDone,
  onFail,
}: {
  order: Order;
  canHandle: boolean;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onDone: (text: string) => void;
  onFail: (e: Error) => void;
}) {
  const { t, i18n } = useTranslation();
  const [swap, setSwap] = useState(true);
  const [preview, setPreview] = useState<HandoverEffect | null>(null);
  const [history, setHistory] = useState<
    { step: string; by: string; at: string; place: string | null; note: string | null }[] | null
  >(null);
  const step = (s: 'approve' | 'reject' | 'issue' | 'return' | 'writeoff', extra = {}) =>
    api.step(o.id, s, extra).then(() => onDone(t(`did_${s}`, { id: o.id })), onFail);
  return (
    <tr data-order={o.id}>
      {canHandle && (
        <td>
          <input
            type="checkbox"
            aria-label={t('selectOrder', { id: o.id })}
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
          />
        </td>
      )}
      <td>
        <button
          type="button"
          className="link"
          aria-expanded={history !== null}
          aria-label={t('orderHistory', { id: o.id })}
          onClick={() =>
            history
              ? setHistory(null)
              : void api.order(o.id).then((d) => setHistory(d.events ?? []), onFail)
          }
        >
          {o.id}
        </button>
        {history && (
          <ol className="history" data-history={o.id}>
            {history.map((e, i) => (
              <li key={i}>
                {new Intl.DateTimeFormat(i18n.language, {
                  dateStyle: 'medium',
                  timeStyle: 'short',
                  timeZone: 'UTC',
                }).format(new Date(e.at))}{' '}
                · {t(`step_${e.step}`)} · {e.by}
                {e.place ? ` · ${e.place}` : ''}
                {e.note ? ` · ${e.note}` : ''}
              </li>
            ))}
          </ol>
        )}
      </td>
      <td>
        <a href={personHref(o.person)}>{o.person}</a>
      </td>
      <td>
        <a href={deviceHref(o.device)}>{o.device}</a>
      </td>
      <td>{o.item}</td>
      <td data-state={o.state}>
        {t(`order_${o.state}`)}
        {o.issuedAt && !o.confirmedAt && ['issued', 'returned', 'sanitised'].includes(o.state)
          ? ` · ${t('unconfirmed')}`
          : ''}
        {o.override && (
          <span className="warning" data-override title={o.override.reason}>
            {' '}
            · {t('overridden', { by: o.override.by, reason: o.override.reason })}
          </span>
        )}
      </td>
      <td>{o.newDevice ? <a href={deviceHref(o.newDevice)}>{o.newDevice}</a> : '—'}</td>
      <td className="actions">
        {canHandle && o.state === 'requested' && (
          <>
            <button type="button" onClick={() => void step('approve')}>
              {t('approve')}
            </button>
            <button
              type="button"
              onClick={() => {
                const reason = window.prompt(t('rejectReason'));
                if (reason) void step('reject', { reason });
              }}
            >
              {t('reject')}
            </button>
          </>
        )}
        {canHandle && o.state === 'approved' && (
          <>
            <label>
              <input type="checkbox" checked={swap} onChange={(e) => setSwap(e.target.checked)} />{' '}
              {t('swapToo')}
            </label>
            <button
              type="button"
              onClick={() => void api.preview(o.id, swap).then(setPreview, onFail)}
            >
              {t('previewEffect')}
            </button>
            <button type="button" onClick={() => void step('issue', { swap })}>
              {swap ? t('issueAndSwap') : t('issue')}
            </button>
            {preview && (
              <div className="preview" role="note" data-preview={o.id}>
                {preview.opened.map((f) => (
                  <p key={`o-${f.mandate}`} className="warning">
                    {t('previewOpens', { title: f.title, device: f.device })}
                  </p>
                ))}
                {preview.closed.map((f) => (
                  <p key={`c-${f.mandate}`}>
                    {t('previewCloses', { title: f.title, device: f.device })}
                  </p>
                ))}
                {preview.opened.length + preview.closed.length === 0 && (
                  <p>{t('previewNothing')}</p>
                )}
              </div>
            )}
          </>
        )}
        {canHandle && o.state === 'issued' && (
          <>
            <button type="button" onClick={() => void step('return')}>
              {t('receiveReturn')}
            </button>
            <button
              type="button"
              onClick={() => {
                const reason = window.prompt(t('writeoffReason'));
                if (reason) void step('writeoff', { reason });
              }}
            >
              {t('writeoff')}
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
