import { useTranslation } from 'react-i18next';
import { formatDay } from '../format.js';
import { mandateOps } from '../../../src/contract/mandates.js';
import { recordOps } from '../../../src/contract/records.js';
import { FINDING_STATES as STATES } from '../../../src/domain/finding.columns.js';
import type { FINDING_SORTS, SortKey } from '../../../src/domain/list.sorts.js';
import { query, type Mandate } from '../api.js';
import { useApi } from '../data.js';
import { Holder, LoadFailed, unitName, useListView } from './ListControls.js';
import { deviceHref } from '../links.js';
import { UnitField } from './UnitField.js';
import { AssignDevice } from './AssignDevice.js';
import { useCan } from '../me.js';
import { csvHref } from '../csv.js';

type FindingSort = SortKey<(typeof FINDING_SORTS)[number]>;

/**
 * Findings of a mandate a page at a time, sorted on the server; the mandate, the filters, the
 * order and the page are in the route (`#/findings?mandate=…&state=overdue&sort=-opened`).
 */
export function Findings({ mandates }: { mandates: Mandate[] }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const { q, sort, offset, limit, filter, pager, header: sortable } = useListView('opened');
  const mandate = mandates.find((m) => m.id === q.mandate)?.id ?? mandates[0]?.id ?? '';
  const state = q.state ?? '';
  const unit = q.unit ?? '';
  const asOf = q.asOf ?? '';
  const {
    data: page,
    failed,
    retry,
  } = useApi(
    mandateOps.listFindings,
    mandate
      ? {
          query: {
            mandate,
            ...(state ? { state } : {}),
            ...(unit ? { unit } : {}),
            ...(asOf ? { asOf } : {}),
            sort: sort as FindingSort,
            offset,
            limit,
          },
        }
      : null,
  );
  // Devices held by nobody are assigned here: their units to choose from.
  const assigning = state === 'unassigned' && can('records.write');
  const units = useApi(recordOps.listUnits, assigning ? {} : null).data;
  const dt = (iso: string | null) => (iso ? formatDay(i18n.language, new Date(iso)) : '');
  const csv = csvHref(
    `/api/v1/findings${query({ mandate, state, unit, asOf, format: 'csv' })}`,
    i18n.language,
  );
  const header = (column: string) => sortable(column, t(`col_${column}`));
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
      {assigning && (
        <>
          <p className="muted">{t('unassignedHint')}</p>
          <datalist id="assign-units">
            {(units ?? []).map((u) => (
              <option key={u.path} value={u.path} />
            ))}
          </datalist>
        </>
      )}
      {failed !== null ? (
        <LoadFailed message={failed} onRetry={retry} />
      ) : page === null ? (
        <p>{t('loading')}</p>
      ) : (
        <>
          {pager(page)}
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
                    <Holder owner={r.owner} ownerName={r.ownerName} unit={r.unit} />
                  </td>
                  <td title={r.unit}>{unitName(r.unit)}</td>
                  <td>{dt(r.opened)}</td>
                  <td>{dt(r.closed)}</td>
                  <td data-state={r.state}>
                    {t(`state_${r.state}`)}
                    {r.reason ? `: ${r.reason}` : ''}
                    {r.state === 'unassigned' && assigning && <AssignDevice device={r.device} />}
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
