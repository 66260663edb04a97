import { useTranslation } from 'react-i18next';
import { formatDay } from '../format.js';
import type { Shortage } from '../api.js';

/** The forecast per mandate that asks for replacements: demand, stock, pace and warnings. */
export function ShortageCard({ shortage }: { shortage: Shortage | null }) {
  const { t, i18n } = useTranslation();
  const day = (iso: string) => formatDay(i18n.language, new Date(iso));
  return (
    <article className="card" aria-labelledby="shortage-title">
      <h3 id="shortage-title">{t('shortage')}</h3>
      {shortage?.mandates.length === 0 && <p>{t('noReplaceMandates')}</p>}
      {shortage?.mandates.map((m) => (
        <div key={m.mandate} data-shortage={m.mandate}>
          <p>
            <strong>{m.mandate}</strong> · {m.items.join(', ')} ·{' '}
            {t('shortageLine', {
              without: m.withoutOrder,
              awaiting: m.awaitingApproval,
              available: m.available,
            })}
          </p>
          <p>
            {t('paceLine', { open: m.open, rate: m.ratePerDay })}
            {m.projectedCompletion && m.open > 0
              ? ` · ${t('lastOneBy', { date: day(m.projectedCompletion) })}`
              : ''}
          </p>
          {m.warnings.map((w) => (
            <p key={w.kind} role="note" className="warning" data-warning={w.kind}>
              {w.kind === 'short'
                ? t('shortBy', { count: w.shortfall, due: m.due ?? '—' })
                : w.kind === 'due-passed'
                  ? t('duePassedWithout', { due: m.due, count: w.open })
                  : w.projectedCompletion
                    ? t('behindPace', { date: day(w.projectedCompletion), due: m.due })
                    : t('noPace', { due: m.due })}
            </p>
          ))}
        </div>
      ))}
      {shortage && shortage.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('col_item')}</th>
              <th>{t('model')}</th>
              <th>{t('col_free')}</th>
              <th>{t('col_reserved')}</th>
              <th>{t('col_awaiting')}</th>
            </tr>
          </thead>
          <tbody>
            {shortage.items.map((i) => (
              <tr key={i.id} data-item={i.id}>
                <td>{i.id}</td>
                <td>
                  {i.manufacturer} {i.model}
                </td>
                <td>{i.stock.free}</td>
                <td>{i.stock.reserved}</td>
                <td>{i.awaitingApproval}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
