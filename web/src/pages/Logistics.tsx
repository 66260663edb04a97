import { useCallback, useEffect, useState, type FormEvent } from 'react';
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
import { DEVICE_CLASSES, PLATFORMS } from '../../../src/domain/device.model.js';
import { ORDER_STATES } from '../../../src/domain/replacement.rules.js';
import { platformName } from './Devices.js';
import { deviceHref, personHref } from './People.js';

/** Logistics: the forecast, the order queue with its steps, stock, sanitisation. */
export function Logistics({ canHandle, me }: { canHandle: boolean; me: string }) {
  const { t, i18n } = useTranslation();
  const day = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(iso),
    );
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
      {error && (
        <div role="alert" className="error">
          <p>{error.message}</p>
          {error.details.length > 0 && (
            <ul>
              {error.details.map((d, i) => (
                <li key={i}>
                  {d.where}
                  {d.value !== undefined ? ` “${d.value}”` : ''}: {d.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <article className="card" aria-labelledby="shortage-title">
        <h3 id="shortage-title">{t('shortage')}</h3>
        {shortage?.mandates.length === 0 && <p>{t('noReplaceMandates')}</p>}
        {shortage?.mandates.map((m) => (
          <div key={m.mandate} data-shortage={m.mandate}>
            <p>
              <strong>{m.mandate}</strong> · {m.items.join(', ')} ·{' '}
              {t('shortageLine', {
                without: m.withoutOrder,
                awaiting: m.awaitingApproval,
                available: m.available,
              })}
            </p>
            <p>
              {t('paceLine', { open: m.open, rate: m.ratePerDay })}
              {m.projectedCompletion && m.open > 0
                ? ` · ${t('lastOneBy', { date: day(m.projectedCompletion) })}`
                : ''}
            </p>
            {m.warnings.map((w) => (
              <p key={w.kind} role="note" className="warning" data-warning={w.kind}>
                {w.kind === 'short'
                  ? t('shortBy', { count: w.shortfall, due: m.due ?? '—' })
                  : w.kind === 'due-passed'
                    ? t('duePassedWithout', { due: m.due, count: w.open })
                    : w.projectedCompletion
                      ? t('behindPace', { date: day(w.projectedCompletion), due: m.due })
                      : t('noPace', { due: m.due })}
              </p>
            ))}
          </div>
        ))}
        {shortage && shortage.items.length > 0 && (
          <table>
            <thead>
              <tr>
                <th>{t('col_item')}</th>
                <th>{t('model')}</th>
                <th>{t('col_free')}</th>
                <th>{t('col_reserved')}</th>
                <th>{t('col_awaiting')}</th>
              </tr>
            </thead>
            <tbody>
              {shortage.items.map((i) => (
                <tr key={i.id} data-item={i.id}>
                  <td>{i.id}</td>
                  <td>
                    {i.manufacturer} {i.model}
                  </td>
                  <td>{i.stock.free}</td>
                  <td>{i.stock.reserved}</td>
                  <td>{i.awaitingApproval}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </article>

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

      <article className="card" aria-labelledby="catalogue-title">
        <h3 id="catalogue-title">{t('catalogue')}</h3>
        <table>
          <thead>
            <tr>
              <th>{t('col_item')}</th>
              <th>{t('class')}</th>
              <th>{t('platform')}</th>
              <th>{t('model')}</th>
              <th>{t('offeredBy')}</th>
              <th>{t('col_state')}</th>
              {canHandle && <th>{t('col_actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id} data-catalogue={i.id}>
                <td>{i.id}</td>
                <td>{t(`class_${i.class}`)}</td>
                <td>{platformName(t, i.platform)}</td>
                <td>
                  {i.manufacturer} {i.model}
                  {i.notes ? ` · ${i.notes}` : ''}
                </td>
                <td>{i.offeredBy.join(', ') || '—'}</td>
                <td>{i.active ? t('itemOffered') : t('itemWithdrawn')}</td>
                {canHandle && (
                  <td>
                    <button
                      type="button"
                      onClick={() =>
                        void api
                          .putItem(i.id, {
                            class: i.class,
                            platform: i.platform,
                            manufacturer: i.manufacturer,
                            model: i.model,
                            notes: i.notes,
                            active: !i.active,
                          })
                          .then(() => done(t('itemSaved', { id: i.id })), fail)
                      }
                    >
                      {i.active ? t('withdrawItem') : t('offerItem')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {canHandle && <CatalogueForm onDone={done} onFail={fail} />}
      </article>

      <article className="card" aria-labelledby="stock-title">
        <h3 id="stock-title">{t('stock')}</h3>
        <table>
          <thead>
            <tr>
              <th>{t('col_item')}</th>
              <th>{t('col_location')}</th>
              <th>{t('col_total')}</th>
              <th>{t('col_reserved')}</th>
              <th>{t('col_free')}</th>
            </tr>
          </thead>
          <tbody>
            {stock.map((s) => (
              <tr key={`${s.item}-${s.location}`}>
                <td>{s.item}</td>
                <td>{s.location}</td>
                <td>{s.total}</td>
                <td>{s.reserved}</td>
                <td>{s.free}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {canHandle && <ReceiveForm items={items} onDone={done} onFail={fail} />}
      </article>

      <article className="card" aria-labelledby="sanitisation-title">
        <h3 id="sanitisation-title">{t('sanitisation')}</h3>
        {canHandle && <SanitiseForm onDone={done} onFail={fail} />}
        <table>
          <thead>
            <tr>
              <th>{t('col_certificate')}</th>
              <th>{t('col_method')}</th>
              <th>{t('col_devices')}</th>
              <th>{t('col_operator')}</th>
              <th>{t('col_state')}</th>
              <th>{t('col_actions')}</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.id} data-record={r.certificate}>
                <td>{r.certificate}</td>
                <td>{t(`method_${r.method}`)}</td>
                <td>{r.devices.map((d) => d.id).join(', ')}</td>
                <td>{r.operator}</td>
                <td>
                  {r.state === 'verified'
                    ? t('verifiedBy', { who: r.verifier })
                    : t('awaitingVerification')}
                </td>
                <td>
                  {r.state === 'verified' ? (
                    <a
                      href={`/api/v1/sanitisations/${r.id}/certificate`}
                      target="_blank"
                      rel="noreferrer"
                    >
                      {t('certificatePdf')}
                    </a>
                  ) : r.operator !== me ? (
                    <button
                      type="button"
                      onClick={() =>
                        void api
                          .verifySanitisation(r.id)
                          .then((v) => done(t('verified', { certificate: v.certificate })), fail)
                      }
                    >
                      {t('verify')}
                    </button>
                  ) : (
                    <span>{t('someoneElseVerifies')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </article>
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
              : void api.order(o.id).then((d) => setHistory(d.events), onFail)
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

function ReceiveForm({
  items,
  onDone,
  onFail,
}: {
  items: CatalogueItem[];
  onDone: (text: string) => void;
  onFail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState({ id: '', item: '', location: '', serial: '' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void api
      .receive([{ ...unit, item: unit.item || (items[0]?.id ?? '') }])
      .then(() => onDone(t('received', { id: unit.id })), onFail);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('receiveStock')}>
      <label>
        {t('col_device')}{' '}
        <input
          required
          value={unit.id}
          onChange={(e) => setUnit({ ...unit, id: e.target.value })}
        />
      </label>
      <label>
        {t('col_item')}{' '}
        <select value={unit.item} onChange={(e) => setUnit({ ...unit, item: e.target.value })}>
          {items.map((i) => (
            <option key={i.id} value={i.id}>
              {i.id} ({i.manufacturer} {i.model})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('col_location')}{' '}
        <input
          required
          value={unit.location}
          onChange={(e) => setUnit({ ...unit, location: e.target.value })}
        />
      </label>
      <label>
        {t('serial')}{' '}
        <input value={unit.serial} onChange={(e) => setUnit({ ...unit, serial: e.target.value })} />
      </label>
      <button type="submit">{t('receiveStock')}</button>
      <label>
        {t('receiveCsv')}{' '}
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file)
              void file
                .text()
                .then((csv) => api.receiveCsv(csv))
                .then((r) => onDone(t('receivedCount', { count: r.received })), onFail);
          }}
        />
      </label>
    </form>
  );
}

function SanitiseForm({
  onDone,
  onFail,
}: {
  onDone: (text: string) => void;
  onFail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  const [returned, setReturned] = useState<Order[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [method, setMethod] = useState('purge');
  const [tool, setTool] = useState('');
  const [day, setDay] = useState(new Date().toISOString().slice(0, 10));
  const [others, setOthers] = useState('');
  useEffect(() => {
    void api.orders({ state: 'returned' }).then(setReturned, () => setReturned([]));
  }, []);
  // Returned devices ticked, and any others typed (a wiped batch going to destruction, say).
  const listed = new Set([
    ...chosen,
    ...others
      .split(/[\s,;]+/)
      .map((x) => x.trim())
      .filter(Boolean),
  ]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void api
      .recordSanitisation({ devices: [...listed], method, tool, performedOn: day })
      .then((r) => onDone(t('sanitisationRecorded', { certificate: r.certificate })), onFail);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('recordSanitisation')}>
      <fieldset>
        <legend>{t('returnedDevices')}</legend>
        {returned.length === 0 && <span>{t('noReturned')}</span>}
        {returned.map((o) => (
          <label key={o.id}>
            <input
              type="checkbox"
              checked={chosen.has(o.device)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(o.device);
                else next.delete(o.device);
                setChosen(next);
              }}
            />{' '}
            {o.device}
          </label>
        ))}
      </fieldset>
      <label>
        {t('otherDevices')} <input value={others} onChange={(e) => setOthers(e.target.value)} />
      </label>
      <label>
        {t('col_method')}{' '}
        <select value={method} onChange={(e) => setMethod(e.target.value)}>
          {['clear', 'purge', 'destroy'].map((m) => (
            <option key={m} value={m}>
              {t(`method_${m}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('tool')} <input required value={tool} onChange={(e) => setTool(e.target.value)} />
      </label>
      <label>
        {t('performedOn')}{' '}
        <input type="date" required value={day} onChange={(e) => setDay(e.target.value)} />
      </label>
      <button type="submit" disabled={listed.size === 0}>
        {t('recordSanitisation')}
      </button>
    </form>
  );
}

function CatalogueForm({
  onDone,
  onFail,
}: {
  onDone: (text: string) => void;
  onFail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  const [item, setItem] = useState({
    id: '',
    class: 'smartphone',
    platform: 'aurora',
    manufacturer: '',
    model: '',
    notes: '',
  });
  const set = (k: keyof typeof item) => (e: { target: { value: string } }) =>
    setItem({ ...item, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { id, notes, ...rest } = item;
    void api
      .putItem(id.trim(), { ...rest, notes: notes.trim() || null, active: true })
      .then(() => onDone(t('itemSaved', { id })), onFail);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('addItem')}>
      <label>
        {t('itemId')} <input required value={item.id} onChange={set('id')} />
      </label>
      <label>
        {t('class')}{' '}
        <select value={item.class} onChange={set('class')}>
          {DEVICE_CLASSES.map((c) => (
            <option key={c} value={c}>
              {t(`class_${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('platform')}{' '}
        <select value={item.platform} onChange={set('platform')}>
          {PLATFORMS.map((p) => (
            <option key={p} value={p}>
              {platformName(t, p)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('manufacturer')}{' '}
        <input required value={item.manufacturer} onChange={set('manufacturer')} />
      </label>
      <label>
        {t('model')} <input required value={item.model} onChange={set('model')} />
      </label>
      <label>
        {t('notes')} <input value={item.notes} onChange={set('notes')} />
      </label>
      <button type="submit">{t('addItem')}</button>
    </form>
  );
}
