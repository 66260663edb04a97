import { useEffect, useState } from 'react';
import { numberFormat } from '../format.js';
import { useTranslation } from 'react-i18next';
import { writeCsv } from '../../../src/adapters/csv-write.js';
import { campaignOps as ops, type CampaignPerson } from '../../../src/contract/campaigns.js';
import type { CAMPAIGN_SORTS, SortKey } from '../../../src/domain/list.sorts.js';
import { request } from '../client.js';
import { refreshAll, useApi } from '../data.js';
import { ActionButton } from './Action.js';
import { LoadFailed, useListView } from './ListControls.js';
import { personHref } from '../links.js';

type CampaignSort = SortKey<(typeof CAMPAIGN_SORTS)[number]>;

/** Declaration campaigns: progress per campaign and per person, within the reader's scope. */
export function Campaigns({ attestUnits = [] }: { attestUnits?: string[] }) {
  const { t, i18n } = useTranslation();
  const { sort, offset, limit, pager, filter } = useListView('-opened');
  const { data, failed, retry } = useApi(ops.listCampaigns, {
    query: { sort: sort as CampaignSort, offset, limit },
  });
  const list = data?.items ?? null;
  const [open, setOpen] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const load = () => void refreshAll();
  const num = numberFormat(i18n.language);
  if (failed !== null) return <LoadFailed message={failed} onRetry={retry} />;
  if (list === null || data === null) return <p>{t('loading')}</p>;
  return (
    <section aria-labelledby="campaigns-title">
      <h2 id="campaigns-title">{t('page_campaigns')}</h2>
      {note && <p role="status">{note}</p>}
      {data.total === 0 ? (
        <p>{t('noCampaigns')}</p>
      ) : (
        <div className="filters">
          <label htmlFor="campaign-sort">{t('sortByLabel')}</label>
          <select
            id="campaign-sort"
            value={sort}
            onChange={(e) => filter({ sort: e.target.value })}
          >
            {['-opened', 'opened', 'due', '-due', 'title'].map((s) => (
              <option key={s} value={s}>
                {t(`campaignSort_${s}`)}
              </option>
            ))}
          </select>
          {pager(data)}
        </div>
      )}
      {list.map((c) => (
        <article key={c.id} className="card" data-campaign={c.id} aria-labelledby={`c-${c.id}`}>
          <h3 id={`c-${c.id}`}>{c.title}</h3>
          <p className="meta">
            <code>{c.id}</code> · {t('declareByShort', { date: c.due })}
          </p>
          <div
            className="progress"
            role="img"
            aria-label={t('confirmedShare', { confirmed: c.confirmed, people: c.people })}
          >
            <div
              style={{ width: `${c.people ? Math.round((c.confirmed / c.people) * 100) : 100}%` }}
            />
          </div>
          <dl className="counts">
            {(
              [
                'people',
                'confirmed',
                'inProgress',
                'notStarted',
                'devicesDeclared',
                'late',
              ] as const
            ).map((k) => (
              <div key={k}>
                <dt>{t(`campaign_${k}`)}</dt>
                <dd data-count={k}>{num.format(c[k])}</dd>
              </div>
            ))}
          </dl>
          {(c.attestations ?? []).map((a) => (
            <p key={a.unit} data-attested={a.unit}>
              {t('campaignAttested', { unit: a.unit, by: a.by })}
              {a.exceptions.length > 0 &&
                ` (${t('campaignExceptions', { people: a.exceptions.map((e) => `${e.person}: ${e.reason}`).join('; ') })})`}
            </p>
          ))}
          {attestUnits
            .filter((u) => !(c.attestations ?? []).some((a) => a.unit === u))
            .map((u) => (
              <AttestUnit
                key={u}
                campaign={c.id}
                unit={u}
                onDone={(text) => {
                  setNote(text);
                  load();
                }}
              />
            ))}
          <button type="button" onClick={() => setOpen(open === c.id ? null : c.id)}>
            {open === c.id ? t('hidePeople') : t('showPeople')}
          </button>
          {open === c.id && <CampaignPeople campaign={c.id} />}
        </article>
      ))}
    </section>
  );
}

function CampaignPeople({ campaign }: { campaign: string }) {
  const { t } = useTranslation();
  const [people, setPeople] = useState<CampaignPerson[] | null>(null);
  useEffect(() => {
    void request(ops.listCampaignPeople, { params: { id: campaign } }).then(setPeople, () =>
      setPeople([]),
    );
  }, [campaign]);
  if (people === null) return <p>{t('loading')}</p>;
  const columns = ['person', 'name', 'unit', 'state', 'declared', 'confirmedAt', 'late'] as const;
  const exportCsv = () => {
    const text = writeCsv(
      columns,
      people.map((p) => columns.map((c) => p[c])),
    );
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    a.download = `campaign-${campaign}.csv`;
    a.click();
  };
  // Who has not started first, then who has not confirmed.
  const order = { 'not-started': 0, 'in-progress': 1, confirmed: 2 } as const;
  const sorted = [...people].sort((a, b) => order[a.state] - order[b.state]);
  return (
    <>
      <button type="button" onClick={exportCsv}>
        {t('exportCsv')}
      </button>
      <table data-campaign-people={campaign}>
        <thead>
          <tr>
            <th scope="col">{t('personName')}</th>
            <th scope="col">{t('unit')}</th>
            <th scope="col">{t('state')}</th>
            <th scope="col">{t('campaign_devicesDeclared')}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((p) => (
            <tr key={p.person} data-person={p.person}>
              <td>
                <a href={personHref(p.person)}>{p.name}</a>
              </td>
              <td title={p.unit}>{p.unit.split('/').at(-1)}</td>
              <td data-declaration-state={p.state}>
                {t(`declaration_${p.state}`)}
                {p.late ? ` · ${t('declarationLate')}` : ''}
              </td>
              <td>{p.usesNone ? t('usesNone') : p.declared}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** A unit head attests for their unit: everyone has declared, or those who have not are named. */
function AttestUnit({
  campaign,
  unit,
  onDone,
}: {
  campaign: string;
  unit: string;
  onDone: (text: string) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const attest = async () => {
    const open = reason.trim()
      ? (await request(ops.listCampaignPeople, { params: { id: campaign } })).filter(
          (p) => p.state !== 'confirmed' && (p.unit === unit || p.unit.startsWith(`${unit}/`)),
        )
      : [];
    await request(ops.attestCampaign, {
      params: { id: campaign },
      body: { unit, exceptions: open.map((p) => ({ person: p.person, reason: reason.trim() })) },
    });
    onDone(t('campaignAttestedNow', { unit }));
  };
  return (
    <div className="inline-form" data-attest={unit}>
      <label>
        {t('campaignExceptionReason')}{' '}
        <input value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <ActionButton
        confirm={t('confirmCampaignAttest', { unit: unit.split('/').at(-1) })}
        run={attest}
      >
        {t('campaignAttest', { unit: unit.split('/').at(-1) })}
      </ActionButton>
    </div>
  );
}
