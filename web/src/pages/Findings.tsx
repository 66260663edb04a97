import { useEffect, useState } from 'react';
import { deviceHref, personHref } from './People.js';
import { UnitField } from './UnitField.js';
import { useTranslation } from 'react-i18next';
import { writeCsv } from '../../../src/adapters/csv-write.js';
import {
  FINDING_COLUMNS as COLUMNS,
  FINDING_STATES as STATES,
} from '../../../src/domain/finding.columns.js';
import { api, type Finding, type Mandate } from '../api.js';

/** Findings of a mandate with filters (state, unit, as of) and CSV export. */
export function Findings({ mandates }: { mandates: Mandate[] }) {
  const { t, i18n } = useTranslation();
  // `#/findings?mandate=…&state=…` opens the page with those filters (the overview links here).
  const query = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const [mandate, setMandate] = useState(
    mandates.find((m) => m.id === query.get('mandate'))?.id ?? mandates[0]?.id ?? '',
  );
  const [state, setState] = useState(query.get('state') ?? '');
  const [unit, setUnit] = useState('');
  const [asOf, setAsOf] = useState('');
  const [rows, setRows] = useState<Finding[] | null>(null);
  useEffect(() => {
    if (!mandate) return;
    let live = true;
    api
      .findings(mandate, {
        ...(state ? { state } : {}),
        ...(unit ? { unit } : {}),
        ...(asOf ? { asOf } : {}),
      })
      .then(
        (r) => live && setRows(r),
        () => live && setRows([]),
      );
    return () => {
      live = false;
    };
  }, [mandate, state, unit, asOf]);
  const exportCsv = () => {
    const text = writeCsv(
      COLUMNS,
      (rows ?? []).map((r) => COLUMNS.map((c) => r[c])),
    );
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    a.download = `findings-${mandate}.csv`;
    a.click();
  };
  const dt = (iso: string | null) =>
    iso
      ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' }).format(
          new Date(iso),
        )
      : '';
  return (
    <section aria-labelledby="findings-title">
      <h2 id="findings-title">{t('findings')}</h2>
      <div className="filters">
        <label htmlFor="f-mandate">{t('mandate')}</label>
        <select id="f-mandate" value={mandate} onChange={(e) => setMandate(e.target.value)}>
          {mandates.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title}
            </option>
          ))}
        </select>
        <label htmlFor="f-state">{t('state')}</label>
        <select id="f-state" value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">{t('any')}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(`state_${s}`)}
            </option>
          ))}
        </select>
        <UnitField id="findings-unit" value={unit} onChange={setUnit} />
        <label>
          {t('asOf')} <input type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} />
        </label>
        <button type="button" onClick={exportCsv} disabled={!rows?.length}>
          {t('exportCsv')}
        </button>
      </div>
      {rows === null ? (
        <p>{t('loading')}</p>
      ) : (
        <table className="card">
          <caption>{t('findingsCount', { count: rows.length })}</caption>
          <thead>
            <tr>
              {(['device', 'owner', 'unit', 'opened', 'closed', 'state'] as const).map((c) => (
                <th key={c} scope="col">
                  {t(`col_${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 500).map((r) => (
              <tr key={`${r.device}-${r.opened}`}>
                <td>
                  <a href={deviceHref(r.device)}>{r.device}</a>
                </td>
                <td>
                  <a href={personHref(r.owner)}>{r.owner}</a>
                </td>
                <td>{r.unit}</td>
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
      )}
    </section>
  );
}
