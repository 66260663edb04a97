import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Finding, type MandateStatus, type UnitCounts } from '../api.js';
import { BurnDown } from './BurnDown.js';

/** Units of one mandate with progress bars, drilling down the tree; the worst stragglers. */
export function MandateUnits({ status, asOf }: { status: MandateStatus; asOf: string }) {
  const { t, i18n } = useTranslation();
  const base = status.unit;
  const [path, setPath] = useState<string | undefined>(base);
  const depth = path ? path.split('/').length + 1 : 2;
  const [units, setUnits] = useState<UnitCounts[] | null>(null);
  const [stragglers, setStragglers] = useState<Finding[]>([]);
  useEffect(() => {
    let live = true;
    api.statusOf(status.mandate, { asOf, depth, ...(path ? { unit: path } : {}) }).then(
      (s) => live && setUnits(s.units.filter((u) => u.unit !== path)),
      () => live && setUnits([]),
    );
    api
      .findings(status.mandate, { asOf, state: 'overdue,pending', ...(path ? { unit: path } : {}) })
      .then(
        (f) => live && setStragglers(f.slice(0, 10)),
        () => live && setStragglers([]),
      );
    return () => {
      live = false;
    };
  }, [status.mandate, asOf, path, depth]);
  const num = new Intl.NumberFormat(i18n.language);
  const up = path && path !== base ? path.split('/').slice(0, -1).join('/') || undefined : null;
  return (
    <section className="card" aria-labelledby={`units-${status.mandate}`}>
      {base === undefined && <BurnDown status={status} asOf={asOf} />}
      <h4 id={`units-${status.mandate}`}>
        {t('byUnit', { unit: path ?? t('wholeOrganisation') })}
      </h4>
      {up !== null && (
        <button type="button" onClick={() => setPath(up)}>
          {t('upOneLevel')}
        </button>
      )}
      {units === null ? (
        <p>{t('loading')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('unit')}</th>
              <th scope="col">{t('progressCol')}</th>
              <th scope="col">{t('overdue')}</th>
              <th scope="col">{t('pending')}</th>
              <th scope="col">{t('nonCompliant')}</th>
            </tr>
          </thead>
          <tbody>
            {units.map((u) => {
              const total =
                u.devices.pending + u.devices.overdue + u.devices.exempt + u.devices.resolved;
              const share = total === 0 ? 1 : u.devices.resolved / total;
              return (
                <tr key={u.unit} data-unit={u.unit}>
                  <td>
                    <button type="button" className="link" onClick={() => setPath(u.unit)}>
                      {u.unit.split('/').at(-1)}
                    </button>
                  </td>
                  <td>
                    <div
                      className="progress small"
                      role="img"
                      aria-label={new Intl.NumberFormat(i18n.language, { style: 'percent' }).format(
                        share,
                      )}
                    >
                      <div style={{ width: `${Math.round(share * 100)}%` }} />
                    </div>
                  </td>
                  <td>{num.format(u.devices.overdue)}</td>
                  <td>{num.format(u.devices.pending)}</td>
                  <td>{num.format(u.people.nonCompliant)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h4>{t('stragglers')}</h4>
      {stragglers.length === 0 ? (
        <p>{t('noStragglers')}</p>
      ) : (
        <ol className="stragglers">
          {stragglers.map((f) => (
            <li key={f.device}>
              {f.owner} · {f.device} · {f.unit.split('/').at(-1)} · {t(`state_${f.state}`)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
