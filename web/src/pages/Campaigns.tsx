import { useState } from 'react';
import { formatMoment, numberFormat } from '../format.js';
import { useTranslation } from 'react-i18next';
import {
  campaignOps as ops,
  type CampaignPerson,
  type CampaignStatus,
} from '../../../src/contract/campaigns.js';
import { PAGE_MAX } from '../../../src/contract/operation.js';
import type {
  CAMPAIGN_PEOPLE_SORTS,
  CAMPAIGN_SORTS,
  SortKey,
} from '../../../src/domain/list.sorts.js';
import { query } from '../api.js';
import { request } from '../client.js';
import { refreshAll, useApi } from '../data.js';
import { ActionButton } from './Action.js';
import { LoadFailed, SearchField, unitName, useListView } from './ListControls.js';
import { personHref } from '../links.js';
import { csvHref } from '../csv.js';

type CampaignSort = SortKey<(typeof CAMPAIGN_SORTS)[number]>;

/** Declaration campaigns: progress per campaign and per person, within the reader's scope. */
export function Campaigns({ attestUnits = [] }: { attestUnits?: string[] }) {
  const { t, i18n } = useTranslation();
  const { q, sort, offset, limit, pager, filter } = useListView('-opened');
  // Whose people are shown is in the route too: reload and Back keep it.
  const open = q.people ?? null;
  const { data, failed, retry } = useApi(ops.listCampaigns, {
    query: { sort: sort as CampaignSort, offset, limit },
  });
  const list = data?.items ?? null;
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
          <Attestations list={c.attestations} />
          {attestUnits
            .filter((u) => !c.attestations.some((a) => a.unit === u))
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
          <button
            type="button"
            aria-expanded={open === c.id}
            onClick={() => filter({ people: open === c.id ? undefined : c.id })}
          >
            {open === c.id ? t('hidePeople') : t('showPeople')}
          </button>
          {open === c.id && <CampaignPeople campaign={c.id} />}
        </article>
      ))}
    </section>
  );
}

const PEOPLE_STATES = ['not-started', 'in-progress', 'confirmed'] as const;

/**
 * The people of one campaign a page at a time, searched and filtered on the server: who has not
 * started first. The view is in the route (`p`-prefixed keys); the export is the whole list.
 */
function CampaignPeople({ campaign }: { campaign: string }) {
  const { t, i18n } = useTranslation();
  const { q, sort, offset, limit, filter, pager, header } = useListView('state', 'p');
  const search = q.pq ?? '';
  const state = q.pstate ?? '';
  const page = useApi(ops.listCampaignPeople, {
    params: { id: campaign },
    query: {
      sort: sort as SortKey<(typeof CAMPAIGN_PEOPLE_SORTS)[number]>,
      offset,
      limit,
      ...(search ? { q: search } : {}),
      ...(state ? { state } : {}),
    },
  });
  const num = numberFormat(i18n.language);
  const csv = csvHref(
    `/api/v1/campaigns/${encodeURIComponent(campaign)}/people${query({ format: 'csv', q: search, state })}`,
    i18n.language,
  );
  return (
    <div data-campaign-people={campaign}>
      <div className="filters">
        <SearchField
          id={`people-of-${campaign}`}
          label={t('searchPeople')}
          value={search}
          onChange={(v) => filter({ pq: v }, { replace: true })}
        />
        <label htmlFor={`state-of-${campaign}`}>{t('state')}</label>
        <select
          id={`state-of-${campaign}`}
          value={state}
          onChange={(e) => filter({ pstate: e.target.value })}
        >
          <option value="">{t('any')}</option>
          {PEOPLE_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`declaration_${s}`)}
            </option>
          ))}
        </select>
        <a href={csv} download={`campaign-${campaign}.csv`}>
          {t('exportCsv')}
        </a>
      </div>
      {page.failed !== null ? (
        <LoadFailed message={page.failed} onRetry={page.retry} />
      ) : page.data === null ? (
        <p>{t('loading')}</p>
      ) : page.data.total === 0 ? (
        <p>{t('noPeopleFound')}</p>
      ) : (
        <>
          {pager(page.data)}
          <table>
            <caption>
              {t('peopleCount', { count: page.data.total, n: num.format(page.data.total) })}
            </caption>
            <thead>
              <tr>
                {header('name', t('personName'))}
                {header('unit', t('unit'))}
                {header('state', t('state'))}
                {header('declared', t('campaign_devicesDeclared'))}
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((p) => (
                <tr key={p.person} data-person={p.person}>
                  <td>
                    <a href={personHref(p.person)}>{p.name}</a>{' '}
                    <span className="muted">· {p.person}</span>
                  </td>
                  <td title={p.unit}>{unitName(p.unit)}</td>
                  <td data-declaration-state={p.state}>
                    {t(`declaration_${p.state}`)}
                    {p.late ? ` · ${t('declarationLate')}` : ''}
                  </td>
                  <td className="num">{p.usesNone ? t('usesNone') : num.format(p.declared)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

/** The unit heads' statements: who attested for which unit, when, and whom they named, why. */
function Attestations({ list }: { list: CampaignStatus['attestations'] }) {
  const { t, i18n } = useTranslation();
  const when = (iso: string) => formatMoment(i18n.language, new Date(iso));
  if (list.length === 0) return null;
  return (
    <table className="attestations">
      <caption>{t('campaignAttestations')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('unit')}</th>
          <th scope="col">{t('attestedBy')}</th>
          <th scope="col">{t('attestedAt')}</th>
          <th scope="col">{t('campaignExceptionsCol')}</th>
        </tr>
      </thead>
      <tbody>
        {list.map((a) => (
          <tr key={a.unit} data-attested={a.unit}>
            <td title={a.unit}>{unitName(a.unit)}</td>
            <td>
              <a href={personHref(a.by)}>{a.byName ?? a.by}</a>
            </td>
            <td className="nowrap">{when(a.at)}</td>
            <td>
              {a.exceptions.length === 0 ? (
                t('campaignNoExceptions')
              ) : (
                <details>
                  <summary>{t('campaignExceptionCount', { count: a.exceptions.length })}</summary>
                  <ul>
                    {a.exceptions.map((e) => (
                      <li key={e.person}>
                        <a href={personHref(e.person)}>{e.name ?? e.person}</a>: {e.reason}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Everyone of a unit (and below) who has not confirmed, every page of them. */
async function notConfirmed(campaign: string, unit: string): Promise<CampaignPerson[]> {
  const ask = (offset: number) =>
    request(ops.listCampaignPeople, {
      params: { id: campaign },
      query: { unit, state: 'not-started,in-progress', limit: PAGE_MAX, offset },
    });
  const first = await ask(0);
  const rest = await Promise.all(
    Array.from({ length: Math.ceil(first.total / PAGE_MAX) - 1 }, (_, i) =>
      ask((i + 1) * PAGE_MAX),
    ),
  );
  return [first, ...rest].flatMap((p) => p.items);
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
    const open = reason.trim() ? await notConfirmed(campaign, unit) : [];
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
