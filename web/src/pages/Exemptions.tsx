import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { exemptionOps as ops, type Exemption } from '../../../src/contract/exemptions.js';
import type { Mandate } from '../api.js';
import { request } from '../client.js';
import { ExemptionTerms, type Terms } from './ExemptionTerms.js';

/** The approver's queue, and every exemption with its state; decisions in one click. */
export function Exemptions({
  canDecide,
  canRequest,
  mandates,
}: {
  canDecide: boolean;
  canRequest: boolean;
  mandates: Mandate[];
}) {
  const { t } = useTranslation();
  const [items, setItems] = useState<Exemption[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    request(ops.listExemptions, {}).then(setItems, () => setItems([]));
  }, []);
  useEffect(load, [load]);
  const act = (id: number, action: 'approve' | 'reject' | 'revoke') =>
    request(ops[`${action}Exemption`], { params: { id } }).then(
      () => {
        setError(null);
        load();
      },
      (e: Error) => setError(e.message),
    );
  return (
    <section aria-labelledby="ex-title">
      <h2 id="ex-title">{t('exemptions')}</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {items && <LapsingSoon items={items} />}
      {canRequest && (
        <RequestForm
          mandates={mandates.filter((m) => m.exemptions.allowed && !m.withdrawnAt)}
          onDone={load}
        />
      )}
      {items === null ? (
        <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('noExemptions')}</p>
      ) : (
        <table className="card">
          <thead>
            <tr>
              {['mandate', 'subject', 'ground', 'until', 'reason', 'state', ''].map((c) => (
                <th key={c} scope="col">
                  {c ? t(`ex_${c}`) : ''}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-exemption={e.id}>
                <td>{e.mandate}</td>
                <td>{e.device ?? e.person}</td>
                <td>{e.ground}</td>
                <td>{e.until}</td>
                <td>{e.reason}</td>
                <td data-state={e.state}>{t(`exstate_${e.state}`)}</td>
                <td>
                  {canDecide && e.state === 'requested' && (
                    <>
                      <button type="button" onClick={() => void act(e.id, 'approve')}>
                        {t('approve')}
                      </button>{' '}
                      <button type="button" onClick={() => void act(e.id, 'reject')}>
                        {t('reject')}
                      </button>
                    </>
                  )}
                  {canDecide && e.state === 'approved' && (
                    <button type="button" onClick={() => void act(e.id, 'revoke')}>
                      {t('revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Approved exemptions that end within the next 14 days. */
function LapsingSoon({ items }: { items: Exemption[] }) {
  const { t } = useTranslation();
  const soon = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const lapsing = items.filter((e) => e.state === 'approved' && e.until <= soon);
  if (lapsing.length === 0) return null;
  return (
    <div className="card" role="region" aria-label={t('lapsingSoon')}>
      <h3>{t('lapsingSoon')}</h3>
      <ul>
        {lapsing.map((e) => (
          <li key={e.id}>
            {e.mandate} · {e.device ?? e.person} · {t('ex_until')} {e.until}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** An officer's request for a device or a person (never a unit or a whole mandate). */
function RequestForm({ mandates, onDone }: { mandates: Mandate[]; onDone: () => void }) {
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
  if (mandates.length === 0) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    request(ops.requestExemption, { body: { mandate, [kind]: subject, ...terms } }).then(
      () => {
        setMessage(t('exemptionRequested'));
        onDone();
      },
      (err: Error) => setMessage(err.message),
    );
  };
  return (
    <form className="card inline-form" onSubmit={submit} aria-label={t('requestExemption')}>
      <h3>{t('requestExemption')}</h3>
      {message && <p role="status">{message}</p>}
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
      <button type="submit">{t('send')}</button>
    </form>
  );
}
