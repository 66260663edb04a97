import { useState } from 'react';
import { PAGE_MAX } from '../../../src/contract/operation.js';
import { mandateOps } from '../../../src/contract/mandates.js';
import { useApi, useLoad } from '../data.js';
import { Holder, LoadFailed } from './ListControls.js';
import { DeviceBar } from './DeviceBar.js';
import { numberFormat } from '../format.js';
import { useTranslation } from 'react-i18next';
import type { FindingRow } from '../../../src/contract/mandates.js';
import { api, type MandateStatus } from '../api.js';
import { deviceHref } from '../links.js';
import { compareText } from '../../../src/domain/text.order.js';

/** Units of one mandate with progress bars, drilling down the tree; the worst stragglers. */
export function MandateUnits({ status, asOf }: { status: MandateStatus; asOf: string }) {
  const { t, i18n } = useTranslation();
  const base = status.unit;
  const [path, setPath] = useState<string | undefined>(base);
  const depth = path ? path.split('/').length + 1 : 2;
  // The units under the one shown and its worst stragglers, read in parallel.
  const counts = useLoad(
    'unitCounts',
    (a: Parameters<typeof api.statusOf>[1]) => api.statusOf(status.mandate, a),
    {
      asOf,
      depth,
      ...(path ? { unit: path } : {}),
    },
  );
  const worst = useApi(mandateOps.listFindings, {
    query: {
      mandate: status.mandate,
      ...(asOf ? { asOf } : {}),
      state: 'overdue,pending',
      ...(path ? { unit: path } : {}),
      sort: 'state',
      limit: 10,
    },
  });
  const units = counts.data?.units.filter((u) => u.unit !== path) ?? null;
  const stragglers = worst.data?.items ?? null;
  const num = numberFormat(i18n.language);
  const up = path && path !== base ? path.split('/').slice(0, -1).join('/') || undefined : null;
  return (
    <section className="card" aria-labelledby={`units-${status.mandate}`}>
      <h4 id={`units-${status.mandate}`}>
        {t('byUnit', { unit: path ?? t('wholeOrganisation') })}
      </h4>
      {up !== null && (
        <button type="button" onClick={() => setPath(up)}>
          {t('upOneLevel')}
        </button>
      )}
      {counts.failed !== null ? (
        <LoadFailed message={counts.failed} onRetry={counts.retry} />
      ) : units === null ? (
        <p>{t('loading')}</p>
      ) : units.length === 0 && path ? (
        <PeopleOfUnit mandate={status.mandate} unit={path} asOf={asOf} />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('unit')}</th>
              <th scope="col">{t('progressCol')}</th>
              <th scope="col">{t('overdue')}</th>
              <th scope="col">{t('pending')}</th>
              <th scope="col">{t('departed')}</th>
              <th scope="col">{t('nonCompliant')}</th>
            </tr>
          </thead>
          <tbody>
            {units.map((u) => {
              return (
                <tr key={u.unit} data-unit={u.unit}>
                  <td>
                    <button type="button" className="link" onClick={() => setPath(u.unit)}>
                      {u.unit.split('/').at(-1)}
                    </button>
                  </td>
                  <td>
                    <DeviceBar devices={u.devices} small />
                  </td>
                  <td>{num.format(u.devices.overdue)}</td>
                  <td>{num.format(u.devices.pending)}</td>
                  <td data-count="departed">{num.format(u.devices.departed)}</td>
                  <td>{num.format(u.people.nonCompliant)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h4>{t('stragglers')}</h4>
      {worst.failed !== null ? (
        <LoadFailed message={worst.failed} onRetry={worst.retry} />
      ) : stragglers === null ? (
        <p>{t('loading')}</p>
      ) : stragglers.length === 0 ? (
        <p>{t('noStragglers')}</p>
      ) : (
        <ol className="stragglers">
          {stragglers.map((f) => (
            <li key={f.device}>
              <Holder owner={f.owner} ownerName={f.ownerName} unit={f.unit} /> ·{' '}
              <a href={deviceHref(f.device)}>{f.deviceName ?? f.device}</a>{' '}
              <span className="muted">· {f.device}</span> ·{' '}
              <span title={f.unit}>{f.unit.split('/').at(-1)}</span> · {t(`state_${f.state}`)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

const OPEN = ['overdue', 'pending', 'exempt'] as const;

/** Each affected person of a unit with their devices resolved and their worst state, worst first. */
async function peopleOfUnit(o: { mandate: string; unit: string; asOf: string }) {
  const { mandate, unit, asOf } = o;
  // Every finding of the unit, a thousand at a time (the pages after the first in parallel).
  const first = await api.findings(mandate, { unit, asOf, limit: PAGE_MAX, sort: 'owner' });
  const rest = await Promise.all(
    Array.from({ length: Math.ceil(first.total / PAGE_MAX) - 1 }, (_, i) =>
      api.findings(mandate, {
        unit,
        asOf,
        limit: PAGE_MAX,
        sort: 'owner',
        offset: (i + 1) * PAGE_MAX,
      }),
    ),
  );
  const by = new Map<string, FindingRow[]>();
  // Devices a unit holds (no person) are listed under the unit, as one line.
  for (const f of [first, ...rest].flatMap((p) => p.items)) {
    const key = f.owner ?? `unit:${f.unit}`;
    by.set(key, [...(by.get(key) ?? []), f]);
  }
  const list = [...by].map(([owner, fs]) => {
    const worst = OPEN.find((s) => fs.some((f) => f.state === s));
    return {
      owner,
      name: fs[0]?.ownerName ?? owner,
      unit: fs[0]?.unit ?? unit,
      held: fs[0]?.owner === null,
      total: fs.length,
      // A device that left with its owner is not resolved (DESIGN §5a).
      resolved: fs.filter(
        (f) => !(OPEN as readonly string[]).includes(f.state) && f.state !== 'departed',
      ).length,
      state: worst ?? 'compliant',
    };
  });
  const rank = (s: string) => [...OPEN, 'compliant'].indexOf(s);
  const byName = compareText();
  return list.sort((a, b) => rank(a.state) - rank(b.state) || byName(a.name, b.name));
}

/** The bottom of the drill-down: each affected person of a unit, worst first. */
function PeopleOfUnit({ mandate, unit, asOf }: { mandate: string; unit: string; asOf: string }) {
  const { t, i18n } = useTranslation();
  const loaded = useLoad('people-of-unit', peopleOfUnit, { mandate, unit, asOf });
  const rows = loaded.data;
  const num = numberFormat(i18n.language);
  if (loaded.failed !== null) return <LoadFailed message={loaded.failed} onRetry={loaded.retry} />;
  if (rows === null) return <p>{t('loading')}</p>;
  return (
    <table aria-label={t('peopleInUnit', { unit: unit.split('/').at(-1) })} data-people-of={unit}>
      <thead>
        <tr>
          <th scope="col">{t('person')}</th>
          <th scope="col">{t('devicesResolved')}</th>
          <th scope="col">{t('personState')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.owner} data-person={r.owner} data-state={r.state}>
            <td>
              <Holder owner={r.held ? null : r.owner} ownerName={r.name} unit={r.unit} />
            </td>
            <td>
              {num.format(r.resolved)} / {num.format(r.total)}
            </td>
            <td>{r.state === 'compliant' ? t('personCompliant') : t(`state_${r.state}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
