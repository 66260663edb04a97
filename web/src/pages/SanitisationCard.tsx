import { PAGE_MAX } from '../../../src/contract/operation.js';
import { useState, type FormEvent, type ReactNode } from 'react';
import { logisticsOps } from '../../../src/contract/logistics.js';
import { useApi } from '../data.js';
import { LoadFailed } from './ListControls.js';
import { useTranslation } from 'react-i18next';
import { api, type Sanitisation } from '../api.js';
import {
  DESTINATIONS,
  usualDestination,
  USUAL_TECHNIQUE,
  VERIFICATIONS,
  type Destination,
} from '../../../src/domain/replacement.rules.js';

/** Sanitisation records: recorded by an operator, verified by someone else, with certificates. */
export function SanitisationCard({
  records,
  pager,
  canHandle,
  me,
  onDone,
  onFail,
}: { records: Sanitisation[]; pager: ReactNode; canHandle: boolean; me: string } & {
  onDone: (text: string) => void;
  onFail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  return (
    <article className="card" aria-labelledby="sanitisation-title">
      <h3 id="sanitisation-title">{t('sanitisation')}</h3>
      {canHandle && <SanitiseForm onDone={onDone} onFail={onFail} />}
      {pager}
      <table>
        <thead>
          <tr>
            <th>{t('col_certificate')}</th>
            <th>{t('col_method')}</th>
            <th>{t('col_devices')}</th>
            <th>{t('col_operator')}</th>
            <th>{t('col_state')}</th>
            <th>{t('col_actions')}</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.id} data-record={r.certificate}>
              <td>{r.certificate}</td>
              <td>{t(`method_${r.method}`)}</td>
              <td>{r.devices.map((d) => d.id).join(', ')}</td>
              <td>{r.operator}</td>
              <td>
                {r.state === 'verified'
                  ? t('verifiedBy', { who: r.verifier })
                  : t('awaitingVerification')}
              </td>
              <td>
                {r.state === 'verified' ? (
                  <a
                    href={`/api/v1/sanitisations/${r.id}/certificate`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    {t('certificatePdf')}
                  </a>
                ) : r.operator !== me ? (
                  <button
                    type="button"
                    onClick={() =>
                      void api
                        .verifySanitisation(r.id)
                        .then((v) => onDone(t('verified', { certificate: v.certificate })), onFail)
                    }
                  >
                    {t('verify')}
                  </button>
                ) : (
                  <span>{t('someoneElseVerifies')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}

function SanitiseForm({
  onDone,
  onFail,
}: {
  onDone: (text: string) => void;
  onFail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  // Returned devices waiting to be wiped, oldest first; past a thousand the list says so.
  const waiting = useApi(logisticsOps.listReplacements, {
    query: { state: 'returned', sort: 'requested', limit: PAGE_MAX },
  });
  const returned = waiting.data?.items ?? [];
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [method, setMethod] = useState<Sanitisation['method']>('purge');
  // What the certificate will certify is what this form asks: the technique (the method's usual
  // one until changed), how the result was checked and where the media go, chosen here.
  const [technique, setTechnique] = useState<string | null>(null);
  const [verification, setVerification] = useState('');
  const [destination, setDestination] = useState<string | null>(null);
  const [tool, setTool] = useState('');
  const [day, setDay] = useState(new Date().toISOString().slice(0, 10));
  const [others, setOthers] = useState('');
  // Returned devices ticked, and any others typed (a wiped batch going to destruction, say).
  const listed = new Set([
    ...chosen,
    ...others
      .split(/[\s,;]+/)
      .map((x) => x.trim())
      .filter(Boolean),
  ]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void api
      .recordSanitisation({
        devices: [...listed],
        method,
        tool,
        performedOn: day,
        technique: technique ?? USUAL_TECHNIQUE[method],
        verification: verification as (typeof VERIFICATIONS)[number],
        destination: (destination ?? usualDestination(method)) as Destination,
      })
      .then((r) => onDone(t('sanitisationRecorded', { certificate: r.certificate })), onFail);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('recordSanitisation')}>
      <fieldset>
        <legend>{t('returnedDevices')}</legend>
        {waiting.failed !== null && <LoadFailed message={waiting.failed} onRetry={waiting.retry} />}
        {waiting.data && waiting.data.total > returned.length && (
          <span role="note">
            {t('returnedFirst', { shown: returned.length, total: waiting.data.total })}
          </span>
        )}
        {waiting.data && returned.length === 0 && <span>{t('noReturned')}</span>}
        {returned.map((o) => (
          <label key={o.id}>
            <input
              type="checkbox"
              checked={chosen.has(o.device)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(o.device);
                else next.delete(o.device);
                setChosen(next);
              }}
            />{' '}
            {o.device}
          </label>
        ))}
      </fieldset>
      <label>
        {t('otherDevices')} <input value={others} onChange={(e) => setOthers(e.target.value)} />
      </label>
      <label>
        {t('col_method')}{' '}
        <select
          value={method}
          onChange={(e) => setMethod(e.target.value as Sanitisation['method'])}
        >
          {['clear', 'purge', 'destroy'].map((m) => (
            <option key={m} value={m}>
              {t(`method_${m}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('technique')}{' '}
        <input
          required
          value={technique ?? USUAL_TECHNIQUE[method]}
          onChange={(e) => setTechnique(e.target.value)}
        />
      </label>
      <label>
        {t('tool')} <input required value={tool} onChange={(e) => setTool(e.target.value)} />
      </label>
      <label>
        {t('verificationMethod')}{' '}
        <select required value={verification} onChange={(e) => setVerification(e.target.value)}>
          <option value="" disabled>
            {t('choose')}
          </option>
          {VERIFICATIONS.map((v) => (
            <option key={v} value={v}>
              {t(`verification_${v}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('destination')}{' '}
        <select
          required
          value={destination ?? usualDestination(method)}
          onChange={(e) => setDestination(e.target.value)}
        >
          {DESTINATIONS.map((d) => (
            <option key={d} value={d}>
              {t(`destination_${d}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('performedOn')}{' '}
        <input type="date" required value={day} onChange={(e) => setDay(e.target.value)} />
      </label>
      <button type="submit" disabled={listed.size === 0}>
        {t('recordSanitisation')}
      </button>
    </form>
  );
}
