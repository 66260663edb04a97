import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Exemption } from '../api.js';

/** The approver's queue, and every exemption with its state; decisions in one click. */
export function Exemptions({ canDecide }: { canDecide: boolean }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<Exemption[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api.exemptions().then(setItems, () => setItems([]));
  }, []);
  useEffect(load, [load]);
  const act = (id: number, action: 'approve' | 'reject' | 'revoke') =>
    api.decide(id, action).then(
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
