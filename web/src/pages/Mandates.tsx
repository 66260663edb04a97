import { mandateHref } from '../links.js';
import { mandateOps } from '../../../src/contract/mandates.js';
import { refreshAll, useApi } from '../data.js';
import { LoadFailed, Refusal } from './ListControls.js';
import { diffLines } from 'diff';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LadderPreviewCard } from './Notifications.js';
import { api, type ApplyResult, type Mandate, type MandateDetail } from '../api.js';

/** Mandates: their documents, versions and differences; applying a document after a preview. */
export function Mandates({
  mandates,
  canApply,
  onApplied,
  open,
}: {
  mandates: Mandate[];
  canApply: boolean;
  onApplied: () => void;
  open: string | null;
}) {
  const { t } = useTranslation();
  // The open mandate is in the route (`#/mandates/ID`): a link to it opens it.
  const selected = open ?? mandates[0]?.id ?? null;
  const setSelected = (id: string) => {
    window.location.hash = mandateHref(id);
  };
  const shown = useApi(mandateOps.getMandate, selected ? { params: { id: selected } } : null);
  const detail = shown.data;
  return (
    <section aria-labelledby="mandates-page-title">
      <h2 id="mandates-page-title">{t('page_mandates')}</h2>
      <div className="split">
        <ul className="card list" aria-label={t('page_mandates')}>
          {mandates.map((m) => (
            <li key={m.id}>
              <button
                type="button"
                aria-pressed={m.id === selected}
                onClick={() => setSelected(m.id)}
              >
                {m.title} <small>v{m.version}</small>
              </button>
            </li>
          ))}
        </ul>
        <div>
          {shown.failed !== null && <LoadFailed message={shown.failed} onRetry={shown.retry} />}
          {detail && <Versions detail={detail} />}
          {detail && <LadderPreviewCard mandate={detail.id} />}
        </div>
      </div>
      {canApply && <ApplyForm onApplied={onApplied} />}
    </section>
  );
}

function Versions({ detail }: { detail: MandateDetail }) {
  const { t } = useTranslation();
  const latest = detail.versions[detail.versions.length - 1];
  const previous = detail.versions[detail.versions.length - 2];
  return (
    <article className="card">
      <h3>{detail.title}</h3>
      <p className="meta">{t('versions', { count: detail.versions.length })}</p>
      {previous && latest ? (
        <>
          <h4>{t('changes', { from: previous.version, to: latest.version })}</h4>
          <pre className="diff">
            {diffLines(previous.source, latest.source).map((part, i) => (
              <span key={i} className={part.added ? 'added' : part.removed ? 'removed' : ''}>
                {part.value}
              </span>
            ))}
          </pre>
        </>
      ) : (
        latest && <pre className="doc">{latest.source}</pre>
      )}
    </article>
  );
}

function ApplyForm({ onApplied }: { onApplied: () => void }) {
  const { t } = useTranslation();
  const [yaml, setYaml] = useState('');
  const [preview, setPreview] = useState<ApplyResult | null>(null);
  // A refusal is shown whole: every problem the server named, at its line and column.
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<ApplyResult | null>(null);
  const run = (dryRun: boolean) =>
    api.apply(yaml, dryRun).then(
      (r) => {
        setError(null);
        if (dryRun) setPreview(r);
        else {
          setPreview(null);
          setDone(r);
          onApplied();
          // The document pane shows the version just applied (of the one mandate applied).
          void refreshAll();
          if (r.lines.length === 1) window.location.hash = mandateHref(r.lines[0]!.id);
        }
      },
      (e: unknown) => setError(e instanceof Error ? e : new Error(String(e))),
    );
  return (
    <section className="card" aria-labelledby="apply-title">
      <h3 id="apply-title">{t('applyDocument')}</h3>
      <label htmlFor="yaml">{t('yamlDocument')}</label>
      <textarea
        id="yaml"
        rows={12}
        value={yaml}
        onChange={(e) => {
          setYaml(e.target.value);
          setPreview(null);
          setDone(null);
        }}
      />
      {error && <Refusal error={error} />}
      <p>
        <button type="button" disabled={!yaml.trim()} onClick={() => void run(true)}>
          {t('preview')}
        </button>
      </p>
      {preview && (
        <div role="region" aria-label={t('preview')}>
          <ul>
            {preview.lines.map((l) => (
              <li key={l.id} data-line={l.id}>
                {t(`outcome_${l.outcome}`)} <code>{l.id}</code> v{l.version}:{' '}
                {t('wouldOpenClose', { opened: l.opened, closed: l.closed })}
                {l.sample.opened.length > 0 && (
                  <small>
                    {' '}
                    —{' '}
                    {l.sample.opened
                      .slice(0, 10)
                      .map((o) => o.device)
                      .join(', ')}
                    {l.opened > 10 ? '…' : ''}
                  </small>
                )}
              </li>
            ))}
          </ul>
          {preview.warnings.map((w) => (
            <p key={w} className="error">
              {w}
            </p>
          ))}
          <button type="button" onClick={() => void run(false)}>
            {t('confirmApply')}
          </button>
        </div>
      )}
      {done && <p role="status">{t('applied', { count: done.lines.length })}</p>}
    </section>
  );
}
