import { PAGE_MAX } from '../../../src/contract/operation.js';
import { useEffect, useState, type FormEvent } from 'react';
import { refreshAll, useLoad } from '../data.js';
import { LoadFailed } from './ListControls.js';
import { ActionButton } from './Action.js';
import { formatDay } from '../format.js';
import { useTranslation } from 'react-i18next';
import { DeviceKindFields } from './DeviceKindFields.js';
import {
  campaignOps as ops,
  type CampaignPerson,
  type CampaignStatus as Campaign,
  type DeclaredModel,
} from '../../../src/contract/campaigns.js';
import { request } from '../client.js';
import { deviceHref } from '../links.js';

/** Makers suggested after those already declared in the campaign: a phone is usually one of these. */
const MAKERS = ['Apple', 'Samsung', 'Xiaomi', 'Huawei', 'Google', 'Honor', 'F+ tech', 'Nokia'];

/**
 * A declaration campaign as a task on the official's own page: what is asked and by when, a
 * short form per device, the list so far, "I use no device for work" and "my list is complete".
 */
export function CampaignTasks({ personId, onChange }: { personId: string; onChange?: () => void }) {
  const { t, i18n } = useTranslation();
  const date = (d: string) => formatDay(i18n.language, new Date(`${d}T00:00:00Z`));
  const [message, setMessage] = useState<string | null>(null);
  // The campaigns that ask something of me, with where I stand in each.
  const mine = useLoad(
    'myCampaigns',
    async (person: string) => {
      const { items: list } = await request(ops.listCampaigns, { query: { limit: PAGE_MAX } });
      const standing = await Promise.all(
        list
          .filter((c) => c.people > 0)
          .map(async (c) => ({
            campaign: c,
            me: (
              await request(ops.listCampaignPeople, {
                params: { id: c.id },
                query: { person },
              })
            ).items[0],
          })),
      );
      return standing.filter(
        (m): m is { campaign: Campaign; me: CampaignPerson } => m.me !== undefined,
      );
    },
    personId,
  );
  const asked = mine.data ?? [];
  const load = () => void refreshAll();
  // A declared device may be caught at once: the page's other tasks are read again too.
  const done = (text: string) => {
    setMessage(text);
    load();
    onChange?.();
  };
  const fail = (e: Error) => setMessage(e.message);
  if (mine.failed !== null) return <LoadFailed message={mine.failed} onRetry={mine.retry} />;
  if (asked.length === 0) return null;
  return (
    <>
      {message && <p role="status">{message}</p>}
      {asked.map(({ campaign: c, me }) => (
        <article key={c.id} className="card" data-campaign={c.id} aria-labelledby={`cmp-${c.id}`}>
          <h3 id={`cmp-${c.id}`}>{c.title}</h3>
          <p>
            {t('declareBy', { date: date(c.due) })} ·{' '}
            <strong data-declaration-state={me.state}>{t(`declaration_${me.state}`)}</strong>
            {me.late && ` · ${t('declarationLate')}`}
          </p>
          {me.devices.length > 0 ? (
            <ul>
              {(me.declaredDevices ?? me.devices.map((id) => ({ id, name: null }))).map(
                ({ id: d, name }) => (
                  <li key={d} data-declared={d}>
                    <a href={deviceHref(d)}>{name ?? d}</a>{' '}
                    {me.state !== 'confirmed' && (
                      <button
                        type="button"
                        onClick={() =>
                          void request(ops.takeBackDeclaration, {
                            params: { id: c.id, device: d },
                          }).then(() => done(t('declarationTakenBack')), fail)
                        }
                      >
                        {t('takeBack')}
                      </button>
                    )}
                  </li>
                ),
              )}
            </ul>
          ) : (
            <p>{me.usesNone ? t('usesNoDevice') : t('nothingDeclared')}</p>
          )}
          {me.state !== 'confirmed' && (
            <>
              <DeclareDevice
                campaign={c.id}
                onDone={() => done(t('deviceDeclared'))}
                onFail={fail}
              />
              <div className="actions">
                {me.devices.length === 0 && (
                  <ActionButton
                    confirm={t('confirmUsesNone')}
                    run={() =>
                      request(ops.declareDevices, {
                        params: { id: c.id },
                        body: { none: true },
                      }).then(() => done(t('declarationConfirmed')))
                    }
                  >
                    {t('useNoDevice')}
                  </ActionButton>
                )}
                {me.devices.length > 0 && (
                  <ActionButton
                    confirm={t('confirmListComplete')}
                    run={() =>
                      request(ops.declareDevices, {
                        params: { id: c.id },
                        body: { complete: true },
                      }).then(() => done(t('declarationConfirmed')))
                    }
                  >
                    {t('listComplete')}
                  </ActionButton>
                )}
              </div>
            </>
          )}
        </article>
      ))}
    </>
  );
}

function DeclareDevice({
  campaign,
  onDone,
  onFail,
}: {
  campaign: string;
  onDone: () => void;
  onFail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  // Nothing is chosen for the declarer: what they declare is what they picked.
  const empty = {
    class: '',
    platform: '',
    manufacturer: '',
    model: '',
    ownership: '',
    serial: '',
  };
  const [d, setD] = useState(empty);
  // The models most often declared in this campaign come first; picking one fills in the rest.
  const [models, setModels] = useState<DeclaredModel[]>([]);
  useEffect(() => {
    void request(ops.listDeclaredModels, { params: { id: campaign } }).then(setModels, () =>
      setModels([]),
    );
  }, [campaign]);
  const makers = [...new Set([...models.map((m) => m.manufacturer), ...MAKERS])];
  const set = (k: keyof typeof d) => (e: { target: { value: string } }) =>
    setD({ ...d, [k]: e.target.value });
  const setModel = (e: { target: { value: string } }) => {
    const model = e.target.value;
    const known = models.find((m) => m.model === model);
    setD(
      known
        ? {
            ...d,
            model,
            class: known.class,
            platform: known.platform,
            manufacturer: known.manufacturer,
          }
        : { ...d, model },
    );
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void request(ops.declareDevices, {
      params: { id: campaign },
      body: {
        devices: [
          {
            class: d.class,
            platform: d.platform,
            manufacturer: d.manufacturer || null,
            model: d.model || null,
            ownership: d.ownership,
            serial: d.serial || null,
          },
        ],
      },
    }).then(() => {
      setD(empty);
      onDone();
    }, onFail);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('declareDevice')}>
      <DeviceKindFields cls={d.class} platform={d.platform} onChange={set} />
      <label>
        {t('manufacturer')}{' '}
        <input
          required
          list={`makers-${campaign}`}
          value={d.manufacturer}
          onChange={set('manufacturer')}
        />
        <datalist id={`makers-${campaign}`}>
          {makers.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </label>
      <label>
        {t('model')}{' '}
        <input required list={`models-${campaign}`} value={d.model} onChange={setModel} />
        <datalist id={`models-${campaign}`}>
          {models.map((m) => (
            <option key={`${m.manufacturer} ${m.model}`} value={m.model}>
              {m.manufacturer} {m.model}
            </option>
          ))}
        </datalist>
      </label>
      <label>
        {t('ownership')}{' '}
        <select required value={d.ownership} onChange={set('ownership')}>
          <option value="" disabled>
            {t('choose')}
          </option>
          <option value="personal">{t('ownership_personal')}</option>
          <option value="corporate">{t('ownership_corporate')}</option>
        </select>
      </label>
      <label>
        {t('serialOptional')} <input value={d.serial} onChange={set('serial')} />
      </label>
      <button type="submit">{t('declareDevice')}</button>
    </form>
  );
}
