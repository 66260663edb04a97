import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DeviceKindFields } from './DeviceKindFields.js';
import { api, type CatalogueItem, type StockLine } from '../api.js';
import { platformName } from '../links.js';

/** The catalogue of models: offered by which mandates, added, changed and withdrawn here. */
export function CatalogueCard({
  items,
  canHandle,
  onDone,
  onFail,
}: { items: CatalogueItem[]; canHandle: boolean } & {
  onDone: (text: string) => void;
  onFail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  return (
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
                <br />
                <span className="meta" data-purposes={i.purposes.join(',')}>
                  {t('issuedFor', {
                    purposes: i.purposes.map((p) => t(`purpose_${p}`)).join(', '),
                  })}
                </span>
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
                          purposes: i.purposes,
                          active: !i.active,
                        })
                        .then(() => onDone(t('itemSaved', { id: i.id })), onFail)
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
      {canHandle && <CatalogueForm onDone={onDone} onFail={onFail} />}
    </article>
  );
}

/** Units per model and location, and receiving more one by one or from a CSV. */
export function StockCard({
  stock,
  pager,
  header,
  items,
  canHandle,
  onDone,
  onFail,
}: {
  stock: StockLine[];
  pager: ReactNode;
  header: (column: string, label: string) => ReactNode;
  items: CatalogueItem[];
  canHandle: boolean;
} & {
  onDone: (text: string) => void;
  onFail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  return (
    <article className="card" aria-labelledby="stock-title">
      <h3 id="stock-title">{t('stock')}</h3>
      {pager}
      <table>
        <thead>
          <tr>
            {header('item', t('col_item'))}
            {header('location', t('col_location'))}
            {header('total', t('col_total'))}
            <th scope="col">{t('col_reserved')}</th>
            {header('free', t('col_free'))}
          </tr>
        </thead>
        <tbody>
          {stock.map((s) => (
            <tr key={`${s.item}-${s.location}`}>
              <td title={s.item}>{s.itemName ?? s.item}</td>
              <td>{s.location}</td>
              <td>{s.total}</td>
              <td>{s.reserved}</td>
              <td>{s.free}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canHandle && <ReceiveForm items={items} onDone={onDone} onFail={onFail} />}
    </article>
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
    // Phones are issued for personal use by default: issued for official business, a
    // smartphone is what "no smartphones for official business" forbids.
    purposes: 'personal',
  });
  const set = (k: keyof typeof item) => (e: { target: { value: string } }) =>
    setItem({ ...item, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { id, notes, purposes, ...rest } = item;
    void api
      .putItem(id.trim(), {
        ...rest,
        notes: notes.trim() || null,
        purposes: purposes.split(','),
        active: true,
      })
      .then(() => onDone(t('itemSaved', { id })), onFail);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('addItem')}>
      <label>
        {t('itemId')} <input required value={item.id} onChange={set('id')} />
      </label>
      <DeviceKindFields cls={item.class} platform={item.platform} onChange={set} />
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
      <label>
        {t('purposesIssued')}{' '}
        <select value={item.purposes} onChange={set('purposes')}>
          {['personal', 'official', 'official,personal'].map((p) => (
            <option key={p} value={p}>
              {p
                .split(',')
                .map((x) => t(`purpose_${x}`))
                .join(', ')}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">{t('addItem')}</button>
    </form>
  );
}
