import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FINDING_STATES as STATES } from '../../../src/domain/finding.columns.js';
import type { FindingPage } from '../../../src/contract/mandates.js';
import type { z } from 'zod';
import { api, query, type Mandate } from '../api.js';
import { LoadFailed, Pager, SortHeader, useRouteQuery } from './ListControls.js';
import { deviceHref, personHref } from './People.js';
import { UnitField } from './UnitField.js';

type Page = z.output<typeof FindingPage>;

/** The last segment of a unit path: its name; the whole path is on hover. */
const unitName = (path: string) => path.split('/').pop() ?? path;

/**
 * Findings of a mandate a page at a time, sorted on the server; the mandate, the filters, the
 * order and the page are in the route (`#/findings?mandate=…&state=overdue&sort=-opened`).
 */
export function Findings({ mandates }: { mandates: Mandate[] }) {
  const { t, i18n } = useTranslation();
  const [q, set] = useRouteQuery();
  const mandate = mandates.find((m) => m.id === q.mandate)?.id ?? mandates[0]?.id ?? '';
  const state = q.state ?? '';
  const unit = q.unit ?? '';
  const asOf = q.asOf ?? '';
  const sort = q.sort ?? 'opened';
  const offset = Number(q.offset ?? 0) || 0;
  const limit = Number(q.limit ?? 100) || 100;
  const [page, setPage] = useState<Page | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!mandate) return;
    let live = true;
    setFailed(null);
    api
      .findings(mandate, {
        ...(state ? { state } : {}),
        ...(unit ? { unit } : {}),
        ...(asOf ? { asOf } : {}),
        sort,
        offset,
        limit,
      })
      .then(
        (r) => live && setPage(r),
        (e: Error) => live && setFailed(e.message),
      );
    return () => {
      live = false;
    };
  }, [mandate, state, unit, asOf, sort, offset, limit, attempt]);
  const dt = (iso: string | null) =>
    iso
      ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' }).format(
          new Date(iso),
        )
      : '';
  // A new filter starts from the first page.
  const filter = (patch: Record<string, string>) => set({ ...patch, offset: undefined });
  const csv = `/api/v1/findings${query({ mandate, state, unit, asOf, format: 'csv' })}`;
  const header = (column: string) => (
    <SortHeader
      key={column}
      column={column}
      label={t(`col_${column}`)}
      sort={sort}
      onSort={(s) => filter({ sort: s })}
    />
  );
  return (
    <section aria-labelledby="findings-title">
      <h2 id="findings-title">{t('findings')}</h2>
      <div className="filters">
        <label htmlFor="f-mandate">{t('mandate')}</label>
        <select
          id="f-mandate"
          value={mandate}
          onChange={(e) => filter({ mandate: e.target.value })}
        >
          {mandates.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title}
            </option>
          ))}
        </select>
        <label htmlFor="f-state">{t('state')}</label>
        <select id="f-state" value={state} onChange={(e) => filter({ state: e.target.value })}>
          <option value="">{t('any')}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(`state_${s}`)}
            </option>
          ))}
        </select>
        <UnitField id="findings-unit" value={unit} onChange={(u) => filter({ unit: u })} />
        <label>
          {t('asOf')}{' '}
          <input type="date" value={asOf} onChange={(e) => filter({ asOf: e.target.value })} />
        </label>
        <a href={csv} download={`findings-${mandate}.csv`}>
          {t('exportCsv')}
        </a>
      </div>
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
          <table className="card" aria-busy={false}>
            <caption>{t('findingsCount', { count: page.total })}</caption>
            <thead>
              <tr>{['device', 'owner', 'unit', 'opened', 'closed', 'state'].map(header)}</tr>
            </thead>
            <tbody>
              {page.items.map((r) => (
                <tr key={`${r.device}-${r.opened}`}>
                  <td>
                    <a href={deviceHref(r.device)}>{r.deviceName ?? r.device}</a>
                    {r.deviceName && <span className="muted"> · {r.device}</span>}
                  </td>
                  <td>
                    <a href={personHref(r.owner)}>{r.ownerName ?? r.owner}</a>
                  </td>
                  <td title={r.unit}>{unitName(r.unit)}</td>
                  <td>{dt(r.opened)}</td>
                  <td>{dt(r.closed)}</td>
                  <td data-state={r.state}>
                    {t(`state_${r.state}`)}
                    {r.reason ? `: ${r.reason}` : ''}
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
