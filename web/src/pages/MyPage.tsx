import { PAGE_MAX } from '../../../src/contract/operation.js';
import { useState, type FormEvent } from 'react';
import { logisticsOps } from '../../../src/contract/logistics.js';
import { refreshAll, useApi, useLoad } from '../data.js';
import { LoadFailed } from './ListControls.js';
import { formatDay } from '../format.js';
import { platformName } from '../links.js';
import { useTranslation } from 'react-i18next';
import { ActionButton } from './Action.js';
import { NotificationLog } from './Notifications.js';
import { api, type CatalogueItem, type Mandate } from '../api.js';
import type { FindingRow } from '../../../src/contract/mandates.js';
import { ExemptionTerms, type Terms } from './ExemptionTerms.js';
import { CampaignTasks } from './CampaignTask.js';
import { exemptionOps } from '../../../src/contract/exemptions.js';
import { request } from '../client.js';

interface Asked {
  mandate: Mandate;
  finding: FindingRow;
}

/**
 * What is asked of me (the person the account is linked to), for which device, by when; and what
 * I can do about it. A unit head sees their own page too, not their unit's.
 */
export function MyPage({ mandates, personId }: { mandates: Mandate[]; personId: string }) {
  const { t, i18n } = useTranslation();
  const [message, setMessage] = useState<string | null>(null);
  // Which task's exemption form is open, by mandate and device (the tasks are read afresh).
  const [form, setForm] = useState<string | null>(null);
  const keyOf = (a: Asked) => `${a.mandate.id}|${a.finding.device}`;
  // Orders, the catalogue and what each mandate asks of me, read in parallel.
  const ordersOf = useApi(logisticsOps.listReplacements, {
    query: { person: personId, limit: PAGE_MAX },
  });
  const items = useApi(logisticsOps.listCatalogue, {});
  const found = useLoad(
    'asked',
    ({ ids, person }: { ids: string[]; person: string }) =>
      Promise.all(
        ids.map((id) =>
          api.findings(id, { state: 'pending,overdue,exempt', owner: person, limit: PAGE_MAX }),
        ),
      ),
    { ids: mandates.map((m) => m.id), person: personId },
  );
  const asked: Asked[] | null =
    found.data?.flatMap((page, i) =>
      page.items.map((finding) => ({ mandate: mandates[i]!, finding })),
    ) ?? null;
  const orders = ordersOf.data?.items ?? [];
  const catalogue = items.data ?? [];
  const load = () => void refreshAll();
  const failed = found.failed ?? ordersOf.failed ?? items.failed;
  const date = (d: string) => formatDay(i18n.language, new Date(`${d}T00:00:00Z`));
  const device = (a: Asked) =>
    a.finding.deviceName ? `${a.finding.deviceName} (${a.finding.device})` : a.finding.device;
  /** What to do, in plain words: the mandate's action on this device. */
  const todo = (a: Asked) => t(`todo_${a.mandate.action}`, { device: device(a) });
  /** By when, and how many days are left or how late it is: as the server counts (zone, grace). */
  const deadline = (a: Asked) => {
    if (a.finding.state === 'exempt') return t('todoExempt');
    const { lastDay, daysLeft: days } = a.mandate.deadline;
    if (!lastDay || days === null) return t('noDue');
    const by = date(lastDay);
    return days > 0
      ? t('todoLeft', { date: by, count: days })
      : days === 0
        ? t('todoToday', { date: by })
        : t('todoLate', { date: by, count: -days });
  };
  const orderOf = (a: Asked) =>
    orders.find(
      (o) => o.device === a.finding.device && !['rejected', 'cancelled'].includes(o.state),
    );
  const itemName = (id: string) => {
    const c = catalogue.find((x) => x.id === id);
    return c ? `${c.manufacturer} ${c.model}` : id;
  };
  const stop = (a: Asked) =>
    api.noOfficialUse(a.finding.device).then(() => {
      setMessage(t('statementKept'));
      load();
    });
  return (
    <section aria-labelledby="mine-title">
      <h2 id="mine-title">{t('myPage')}</h2>
      {message && <p role="status">{message}</p>}
      <CampaignTasks personId={personId} onChange={load} />
      {failed !== null ? (
        <LoadFailed
          message={failed}
          onRetry={() => {
            found.retry();
            ordersOf.retry();
            items.retry();
          }}
        />
      ) : asked === null ? (
        <p>{t('loading')}</p>
      ) : asked.length === 0 ? (
        <p>{t('nothingAsked')}</p>
      ) : (
        asked.map((a) => (
          <article
            key={`${a.mandate.id}-${a.finding.device}`}
            className="card"
            data-asked={a.finding.device}
          >
            <h3>{todo(a)}</h3>
            <p className="meta">
              {a.mandate.title} ·{' '}
              <strong data-state={a.finding.state}>{t(`state_${a.finding.state}`)}</strong>
            </p>
            <p data-deadline>{deadline(a)}</p>
            {a.mandate.action !== 'restrict-use' && a.finding.deviceOwnership === 'personal' && (
              <p data-personal>{t('personalKeep')}</p>
            )}
            {orderOf(a) && (
              <p data-order-state={orderOf(a)!.state}>
                {t(`todoOrder_${orderOf(a)!.state}`, { item: itemName(orderOf(a)!.item) })}
              </p>
            )}
            <div className="actions">
              {a.mandate.exemptions.allowed && a.finding.state !== 'exempt' && (
                <button type="button" onClick={() => setForm(keyOf(a))}>
                  {t('requestExemption')}
                </button>
              )}
              {a.mandate.action === 'replace' &&
                !orders.some(
                  (o) =>
                    o.device === a.finding.device && !['rejected', 'cancelled'].includes(o.state),
                ) && (
                  <ReplacementRequest
                    asked={a}
                    offered={catalogue.filter(
                      (c) => c.active && c.offeredBy.includes(a.mandate.id),
                    )}
                    onDone={(m) => {
                      setMessage(m);
                      load();
                    }}
                  />
                )}
              {(a.mandate.action === 'restrict-use' ||
                a.finding.deviceOwnership === 'personal') && (
                <ActionButton confirm={t('confirmNoOfficialUse')} run={() => stop(a)}>
                  {t('noOfficialUse')}
                </ActionButton>
              )}
            </div>
            {form === keyOf(a) && (
              <ExemptionForm
                asked={a}
                onDone={(m) => {
                  setForm(null);
                  setMessage(m);
                  load();
                }}
              />
            )}
          </article>
        ))
      )}
      <section className="card" aria-labelledby="my-replacements">
        <h3 id="my-replacements">{t('myReplacements')}</h3>
        {orders.length === 0 ? (
          <p>{t('noOrders')}</p>
        ) : (
          <ul>
            {orders.map((o) => (
              <li key={o.id} data-order={o.id}>
                {t('myOrder', {
                  device: o.deviceName ? `${o.device} (${o.deviceName})` : o.device,
                  item: o.itemName ?? o.item,
                })}{' '}
                · <strong data-state={o.state}>{t(`order_${o.state}`)}</strong>
                {o.newDevice && o.issuedAt && <> · {t('yourNewDevice', { device: o.newDevice })}</>}
                {o.reason && <> · {o.reason}</>}
                {o.issuedAt &&
                  !o.confirmedAt &&
                  ['issued', 'returned', 'sanitised'].includes(o.state) && (
                    <button
                      type="button"
                      onClick={() =>
                        void api.step(o.id, 'confirm').then(
                          () => {
                            setMessage(t('receiptConfirmed'));
                            load();
                          },
                          (e: Error) => setMessage(e.message),
                        )
                      }
                    >
                      {t('confirmReceipt')}
                    </button>
                  )}
                {['requested', 'approved'].includes(o.state) && (
                  <button
                    type="button"
                    onClick={() =>
                      void api.step(o.id, 'cancel').then(load, (e: Error) => setMessage(e.message))
                    }
                  >
                    {t('cancelRequest')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="my-messages">
        <h3 id="my-messages">{t('messages')}</h3>
        <NotificationLog />
      </section>
    </section>
  );
}

function ExemptionForm({ asked, onDone }: { asked: Asked; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const grounds = asked.mandate.exemptions.grounds;
  const [terms, setTerms] = useState<Terms>({ ground: grounds[0] ?? '', until: '', reason: '' });
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    request(exemptionOps.requestExemption, {
      body: { mandate: asked.mandate.id, device: asked.finding.device, ...terms },
    }).then(
      () => onDone(t('exemptionRequested')),
      (err: Error) => setError(err.message),
    );
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('requestExemption')}>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ExemptionTerms grounds={grounds} value={terms} onChange={setTerms} />
      <button type="submit">{t('send')}</button>
    </form>
  );
}

function ReplacementRequest({
  asked,
  offered,
  onDone,
}: {
  asked: Asked;
  offered: CatalogueItem[];
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation();
  // One model on offer is the choice; of several, none is chosen until the official chooses.
  const [item, setItem] = useState(offered.length === 1 ? offered[0]!.id : '');
  const [error, setError] = useState<string | null>(null);
  if (offered.length === 0) return <span>{t('nothingOffered')}</span>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!item) return;
    api.requestReplacement(asked.finding.device, item).then(
      () => onDone(t('replacementRequested')),
      (err: Error) => setError(err.message),
    );
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('requestReplacement')}>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <label>
        {t('replacementModel')}{' '}
        <select required value={item} onChange={(e) => setItem(e.target.value)}>
          {offered.length > 1 && (
            <option value="" disabled>
              {t('chooseModel')}
            </option>
          )}
          {offered.map((i) => (
            <option key={i.id} value={i.id}>
              {i.manufacturer} {i.model} ({platformName(t, i.platform)})
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!item}>
        {t('requestReplacement')}
      </button>
    </form>
  );
}
