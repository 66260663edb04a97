import { useState } from 'react';
import { formatMomentUtc } from '../format.js';
import { useTranslation } from 'react-i18next';
import { ActionButton } from './Action.js';
import { logisticsOps, type OrderRow as OrderListRow } from '../../../src/contract/logistics.js';
import type {
  ORDER_SORTS,
  SANITISATION_SORTS,
  SortKey,
  STOCK_SORTS,
} from '../../../src/domain/list.sorts.js';
import { api, type HandoverEffect } from '../api.js';
import { refreshAll, useApi } from '../data.js';
import { ORDER_STATES } from '../../../src/domain/replacement.rules.js';
import { deviceHref, personHref } from '../links.js';
import { CatalogueCard, StockCard } from './LogisticsStock.js';
import { SanitisationCard } from './SanitisationCard.js';
import { ShortageCard } from './LogisticsShortage.js';
import { LoadFailed, Refusal, useListView } from './ListControls.js';
import { csvHref } from '../csv.js';

type OrderSort = SortKey<(typeof ORDER_SORTS)[number]>;
type StockSort = SortKey<(typeof STOCK_SORTS)[number]>;
type SanitisationSort = SortKey<(typeof SANITISATION_SORTS)[number]>;

/**
 * Logistics: the forecast, the order queue with its steps, stock, sanitisation. Each list pages
 * and sorts on the server; its view is in the route under its own keys (`o.` orders, `s.` stock,
 * `x.` sanitisation records).
 */
export function Logistics({ canHandle, me }: { canHandle: boolean; me: string }) {
  const { t, i18n } = useTranslation();
  const orders = useListView('-requested', 'o.');
  const stockView = useListView('item', 's.');
  const recordView = useListView('-performed', 'x.');
  const state = orders.q['o.state'] ?? 'requested,approved,issued';
  const open = Number(orders.q.order ?? 0);
  const shortage = useApi(logisticsOps.getReplacementShortage, {});
  // A link to one order (`#/logistics?order=12`) shows that order alone.
  const page = useApi(logisticsOps.listReplacements, {
    query: open
      ? { id: open }
      : { state, sort: orders.sort as OrderSort, offset: orders.offset, limit: orders.limit },
  });
  const stock = useApi(logisticsOps.listStock, {
    query: {
      sort: stockView.sort as StockSort,
      offset: stockView.offset,
      limit: stockView.limit,
    },
  });
  const items = useApi(logisticsOps.listCatalogue, {});
  const records = useApi(logisticsOps.listSanitisations, {
    query: {
      sort: recordView.sort as SanitisationSort,
      offset: recordView.offset,
      limit: recordView.limit,
    },
  });
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const done = (text: string) => {
    setError(null);
    setMessage(text);
    setSelected(new Set());
    void refreshAll();
  };
  const fail = (e: Error) => {
    setMessage(null);
    setError(e);
  };
  const bulk = (step: 'approve' | 'issue' | 'return') =>
    api.bulk(step, [...selected]).then((r) => done(t('bulkDone', { count: r.done.length })), fail);
  const header = (column: string, label: string) => orders.header(column, label);
  return (
    <section aria-labelledby="logistics-title">
      <h2 id="logistics-title">{t('page_logistics')}</h2>
      {message && <p role="status">{message}</p>}
      {error && <Refusal error={error} />}
      <ShortageCard shortage={shortage.data} />

      <article className="card" aria-labelledby="orders-title">
        <h3 id="orders-title">{t('orders')}</h3>
        <div className="filters">
          <label>
            {t('state')}{' '}
            <select value={state} onChange={(e) => orders.filter({ 'o.state': e.target.value })}>
              <option value="requested,approved,issued">{t('inProgress')}</option>
              {ORDER_STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`order_${s}`)}
                </option>
              ))}
            </select>
          </label>
          {open > 0 && <a href="#/logistics">{t('allOrders')}</a>}
          <a href={csvHref('/api/v1/replacements?format=csv', i18n.language)}>{t('exportCsv')}</a>
          <a href={csvHref('/api/v1/replacements/by-unit?format=csv', i18n.language)}>
            {t('exportByUnit')}
          </a>
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
        {page.failed !== null ? (
          <LoadFailed message={page.failed} onRetry={page.retry} />
        ) : page.data === null ? (
          <p>{t('loading')}</p>
        ) : page.data.total === 0 ? (
          <p>{t('noOrders')}</p>
        ) : (
          <>
            {orders.pager(page.data)}
            <table>
              <thead>
                <tr>
                  {canHandle && (
                    <th scope="col">
                      <span className="visually-hidden">{t('select')}</span>
                    </th>
                  )}
                  {header('requested', t('col_order'))}
                  {header('owner', t('col_owner'))}
                  {header('device', t('col_device'))}
                  {header('item', t('col_item'))}
                  {header('state', t('col_state'))}
                  <th scope="col">{t('col_newDevice')}</th>
                  <th scope="col">{t('col_actions')}</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((o) => (
                  <OrderRow
                    key={o.id}
                    order={o}
                    open={o.id === open}
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
          </>
        )}
      </article>

      <CatalogueCard items={items.data ?? []} canHandle={canHandle} onDone={done} onFail={fail} />
      <StockCard
        stock={stock.data?.items ?? []}
        pager={stock.data && stockView.pager(stock.data)}
        header={stockView.header}
        items={items.data ?? []}
        canHandle={canHandle}
        onDone={done}
        onFail={fail}
      />
      <SanitisationCard
        records={records.data?.items ?? []}
        pager={records.data && recordView.pager(records.data)}
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
  open,
  canHandle,
  selected,
  onSelect,
  onDone,
  onFail,
}: {
  order: OrderListRow;
  open: boolean;
  canHandle: boolean;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onDone: (text: string) => void;
  onFail: (e: Error) => void;
}) {
  const { t, i18n } = useTranslation();
  // A personal device is never taken (DESIGN §5a): its order issues the new one only.
  const personal = o.deviceOwnership === 'personal';
  const [swap, setSwap] = useState(!personal);
  const [preview, setPreview] = useState<HandoverEffect | null>(null);
  const [history, setHistory] = useState<
    { step: string; by: string; at: string; place: string | null; note: string | null }[] | null
  >(null);
  const step = (s: 'approve' | 'reject' | 'issue' | 'return' | 'writeoff', extra = {}) =>
    api.step(o.id, s, extra).then(() => onDone(t(`did_${s}`, { id: o.id })), onFail);
  // Closing an order without its old device: a personal one stays with its owner (a
  // confirmation, no reason); a corporate one is written off with a reason.
  const closeOrder = personal ? (
    <ActionButton confirm={t('closePersonalConfirm')} run={() => step('writeoff')}>
      {t('closePersonal')}
    </ActionButton>
  ) : (
    <button
      type="button"
      onClick={() => {
        const reason = window.prompt(t('writeoffReason'));
        if (reason) void step('writeoff', { reason });
      }}
    >
      {t('writeoff')}
    </button>
  );
  return (
    <tr data-order={o.id} aria-current={open || undefined}>
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
                {formatMomentUtc(i18n.language, new Date(e.at))} · {t(`step_${e.step}`)} · {e.by}
                {e.place ? ` · ${e.place}` : ''}
                {e.note ? ` · ${e.note}` : ''}
              </li>
            ))}
          </ol>
        )}
      </td>
      <td>
        <a href={personHref(o.person)}>{o.personName ?? o.person}</a>
      </td>
      <td>
        <a href={deviceHref(o.device)}>{o.deviceName ?? o.device}</a>
        {o.deviceName && <span className="muted"> · {o.device}</span>}
      </td>
      <td title={o.item}>{o.itemName ?? o.item}</td>
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
            {closeOrder}
          </>
        )}
        {canHandle && o.state === 'approved' && (
          <>
            {personal ? (
              <span className="muted" data-personal={o.device}>
                {t('personalStays')}
              </span>
            ) : (
              <label>
                <input type="checkbox" checked={swap} onChange={(e) => setSwap(e.target.checked)} />{' '}
                {t('swapToo')}
              </label>
            )}
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
            {!personal && (
              <button type="button" onClick={() => void step('return')}>
                {t('receiveReturn')}
              </button>
            )}
            {closeOrder}
          </>
        )}
      </td>
    </tr>
  );
}
