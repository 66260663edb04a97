import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  oversightOps,
  type AuditEntry,
  type AuditVerification as Verify,
} from '../../../src/contract/oversight.js';
import { request } from '../client.js';

/** The audit log and a verification of the whole chain. */
export function Audit() {
  const { t, i18n } = useTranslation();
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [verify, setVerify] = useState<Verify | null>(null);
  useEffect(() => {
    request(oversightOps.listAudit, { query: { after: 0, limit: 200 } }).then(setEntries, () =>
      setEntries([]),
    );
  }, []);
  const dt = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'UTC',
    }).format(new Date(iso));
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('audit')}</h2>
      <p>
        <button
          type="button"
          onClick={() => void request(oversightOps.verifyAudit, {}).then(setVerify)}
        >
          {t('verifyChain')}
        </button>{' '}
        {verify && (
          <span role="status" data-verify={verify.ok ? 'ok' : 'broken'}>
            {verify.ok
              ? t('chainOk', {
                  entries: verify.entries,
                  seq: verify.head?.seq ?? 0,
                  hash: verify.head?.hash.slice(0, 16) ?? '',
                })
              : t('chainBroken', {
                  seq: verify.broken?.seq ?? 0,
                  reason: verify.broken?.reason ?? '',
                })}
          </span>
        )}
      </p>
      {entries === null ? (
        <p>{t('loading')}</p>
      ) : (
        <table className="card">
          <thead>
            <tr>
              {['seq', 'at', 'actor', 'action', 'object'].map((c) => (
                <th key={c} scope="col">
                  {t(`audit_${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{dt(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>{e.object}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
