import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { EXEMPTION_STATES, exemptionOps as ops } from '../../../src/contract/exemptions.js';
import type { EXEMPTION_SORTS, SortKey } from '../../../src/domain/list.sorts.js';
import type { Mandate } from '../api.js';
import { request } from '../client.js';
import { refreshAll, useApi } from '../data.js';
import { deviceHref, groundName, mandateHref, personHref } from '../links.js';
import { formatDay } from '../format.js';
import { ActionButton } from './Action.js';
import { LoadFailed, Refusal, useListView } from './ListControls.js';
import { ExemptionTerms, type Terms } from './ExemptionTerms.js';

type ExemptionSort = SortKey<(typeof EXEMPTION_SORTS)[number]>;

/**
 * The approver's queue and every exemption with its state, a page at a time, sorted on the
 * server, the filters and page in the route; decisions asked to be confirmed.
 */
export function Exemptions({
  canDecide,
  canRequest,
  mandates,
}: {
  canDecide: boolean;
  canRequest: boolean;
  mandates: Mandate[];
}) {
  const { t, i18n } = useTranslation();
  const { q, sort, offset, limit, filter, pager, header } = useListView('-requested');
  const mandate = q.mandate ?? '';
  const state = q.state ?? '';
  const {
    data: page,
    failed,
    retry,
  } = useApi(ops.listExemptions, {
    query: {
      ...(mandate ? { mandate } : {}),
      ...(state ? { state } : {}),
      sort: sort as ExemptionSort,
      offset,
      limit,
    },
  });
  const title = (id: string) => mandates.find((m) => m.id === id)?.title ?? id;
  const open = Number(q.open ?? 0);
  return (
    <section aria-labelledby="ex-title">
      <h2 id="ex-title">{t('exemptions')}</h2>
      <LapsingSoon title={title} />
      {canRequest && (
        <RequestForm mandates={mandates.filter((m) => m.exemptions.allowed && !m.withdrawnAt)} />
      )}
      <div className="filters">
        <label htmlFor="ex-mandate">{t('mandate')}</label>
        <select
          id="ex-mandate"
          value={mandate}
          onChange={(e) => filter({ mandate: e.target.value })}
        >
          <option value="">{t('any')}</option>
          {mandates.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title}
            </option>
          ))}
        </select>
        <label htmlFor="ex-state">{t('state')}</label>
        <select id="ex-state" value={state} onChange={(e) => filter({ state: e.target.value })}>
          <option value="">{t('any')}</option>
          {EXEMPTION_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`exstate_${s}`)}
            </option>
          ))}
        </select>
      </div>
      {failed !== null ? (
        <LoadFailed message={failed} onRetry={retry} />
      ) : page === null ? (
        <p>{t('loading')}</p>
      ) : page.total === 0 ? (
        <p>{t('noExemptions')}</p>
      ) : (
        <>
          {pager(page)}
          <table className="card">
            <thead>
              <tr>
                <th scope="col">{t('ex_mandate')}</th>
                {header('owner', t('col_owner'))}
                {header('device', t('col_device'))}
                <th scope="col">{t('ex_ground')}</th>
                {header('until', t('ex_until'))}
                <th scope="col">{t('ex_reason')}</th>
                {header('state', t('ex_state'))}
                {header('requested', t('ex_requested'))}
                <th scope="col">
                  <span className="visually-hidden">{t('actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((e) => (
                <tr key={e.id} data-exemption={e.id} aria-current={e.id === open || undefined}>
                  <td>
                    <a href={mandateHref(e.mandate)}>{title(e.mandate)}</a>
                  </td>
                  <td>
                    {e.owner ? <a href={personHref(e.owner)}>{e.ownerName ?? e.owner}</a> : ''}
                  </td>
                  <td>
                    {e.device ? (
                      <>
                        <a href={deviceHref(e.device)}>{e.deviceName ?? e.device}</a>
                        {e.deviceName && <span className="muted"> · {e.device}</span>}
                      </>
                    ) : (
                      t('ex_wholePerson')
                    )}
                  </td>
                  <td>{groundName(t, (k) => i18n.exists(k), e.ground)}</td>
                  <td>{formatDay(i18n.language, new Date(`${e.until}T00:00:00Z`))}</td>
                  <td>{e.reason}</td>
                  <td data-state={e.state}>{t(`exstate_${e.state}`)}</td>
                  <td>{formatDay(i18n.language, new Date(e.requestedAt))}</td>
                  <td>
                    {canDecide && e.state === 'requested' && (
                      <>
                        <ActionButton
                          confirm={t('confirmApprove', { who: e.ownerName ?? e.owner ?? '' })}
                          run={() => request(ops.approveExemption, { params: { id: e.id } })}
                        >
                          {t('approve')}
                        </ActionButton>{' '}
                        <ActionButton
                          run={() => request(ops.rejectExemption, { params: { id: e.id } })}
                        >
                          {t('reject')}
                        </ActionButton>
                      </>
                    )}
                    {canDecide && e.state === 'approved' && (
                      <ActionButton
                        confirm={t('confirmRevokeExemption')}
                        run={() => request(ops.revokeExemption, { params: { id: e.id } })}
                      >
                        {t('revoke')}
                      </ActionButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** Approved exemptions that end within the next 14 days (the soonest first). */
function LapsingSoon({ title }: { title: (mandate: string) => string }) {
  const { t } = useTranslation();
  const { data } = useApi(ops.listExemptions, {
    query: { state: 'approved', sort: 'until', limit: 100 },
  });
  const soon = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const lapsing = (data?.items ?? []).filter((e) => e.until <= soon);
  if (lapsing.length === 0) return null;
  return (
    <div className="card" role="region" aria-label={t('lapsingSoon')}>
      <h3>{t('lapsingSoon')}</h3>
      <ul>
        {lapsing.map((e) => (
          <li key={e.id}>
            {title(e.mandate)} · {e.ownerName ?? e.owner} · {e.deviceName ?? e.device ?? ''} ·{' '}
            {t('ex_until')} {e.until}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** An officer's request for a device or a person (never a unit or a whole mandate). */
function RequestForm({ mandates }: { mandates: Mandate[] }) {
  const { t } = useTranslation();
  const [mandate, setMandate] = useState(mandates[0]?.id ?? '');
  const [kind, setKind] = useState<'device' | 'person'>('device');
  const [subject, setSubject] = useState('');
  const m = mandates.find((x) => x.id === mandate);
  const [terms, setTerms] = useState<Terms>({
    ground: m?.exemptions.grounds[0] ?? '',
    until: '',
    reason: '',
  });
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  if (mandates.length === 0) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setMessage(null);
    request(ops.requestExemption, { body: { mandate, [kind]: subject, ...terms } })
      .then(
        async () => {
          setMessage(t('exemptionRequested'));
          await refreshAll();
        },
        (err: Error) => setError(err),
      )
      .finally(() => setBusy(false));
  };
  return (
    <form className="card inline-form" onSubmit={submit} aria-label={t('requestExemption')}>
      <h3>{t('requestExemption')}</h3>
      {message && <p role="status">{message}</p>}
      {error && <Refusal error={error} />}
      <label>
        {t('mandate')}{' '}
        <select
          value={mandate}
          onChange={(e) => {
            setMandate(e.target.value);
            setTerms({
              ...terms,
              ground: mandates.find((x) => x.id === e.target.value)?.exemptions.grounds[0] ?? '',
            });
          }}
        >
          {mandates.map((x) => (
            <option key={x.id} value={x.id}>
              {x.title}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('exemptFor')}{' '}
        <select value={kind} onChange={(e) => setKind(e.target.value as 'device' | 'person')}>
          <option value="device">{t('aDevice')}</option>
          <option value="person">{t('aPerson')}</option>
        </select>
      </label>
      <label>
        {t('ex_subject')}{' '}
        <input required value={subject} onChange={(e) => setSubject(e.target.value)} />
      </label>
      <ExemptionTerms grounds={m?.exemptions.grounds ?? []} value={terms} onChange={setTerms} />
      <button type="submit" disabled={busy} aria-busy={busy}>
        {t('send')}
      </button>
    </form>
  );
}
