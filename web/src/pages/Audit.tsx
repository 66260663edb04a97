import { useEffect, useState } from 'react';
import { formatMomentUtc } from '../format.js';
import { useTranslation } from 'react-i18next';
import {
  oversightOps,
  type AuditEntry,
  type AuditVerification as Verify,
} from '../../../src/contract/oversight.js';
import { LoadFailed, Pager, SortHeader, useRouteQuery } from './ListControls.js';

type AuditPage = { items: AuditEntry[]; total: number; offset: number; limit: number };
import { request } from '../client.js';

/** The audit log and a verification of the whole chain. */
export function Audit() {
  const { t, i18n } = useTranslation();
  // An action in words of the reader's language ("approved an exemption"); an unknown one as kept.
  const actionName = (action: string) => {
    const key = `action_${action.replace(/[.-]/g, '_')}`;
    return i18n.exists(key) ? t(key) : action;
  };
  const [q, set] = useRouteQuery();
  const offset = Number(q.offset ?? 0) || 0;
  const limit = Number(q.limit ?? 100) || 100;
  // Newest first: what just happened is what an auditor looks for.
  const order = q.order === 'asc' ? 'asc' : 'desc';
  const [page, setPage] = useState<AuditPage | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [verify, setVerify] = useState<Verify | null>(null);
  useEffect(() => {
    let live = true;
    setFailed(null);
    request(oversightOps.listAudit, { query: { order, offset, limit } }).then(
      (p) => live && setPage(p),
      (e: Error) => live && setFailed(e.message),
    );
    return () => {
      live = false;
    };
  }, [order, offset, limit, attempt]);
  const dt = (iso: string) => formatMomentUtc(i18n.language, new Date(iso));
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
      {failed !== null ? (
        <LoadFailed message={failed} onRetry={() => setAttempt((n) => n + 1)} />
      ) : page === null ? (
        <p>{t('loading')}</p>
      ) : (
        <>
          <Pager
            total={page.total}
            offset={page.offset}
            limit={page.limit}
            onChange={(o, l) => set({ offset: o || undefined, limit: l === 100 ? undefined : l })}
          />
          <table className="card">
            <thead>
              <tr>
                <SortHeader
                  column="seq"
                  label={t('audit_seq')}
                  sort={order === 'desc' ? '-seq' : 'seq'}
                  onSort={(s) => set({ order: s === 'seq' ? 'asc' : undefined, offset: undefined })}
                />
                {['at', 'actor', 'action', 'object'].map((c) => (
                  <th key={c} scope="col">
                    {t(`audit_${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.items.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{dt(e.at)}</td>
                  <td title={e.actor}>{e.actorName ?? e.actor}</td>
                  <td data-action={e.action}>{actionName(e.action)}</td>
                  <td>{e.object}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
