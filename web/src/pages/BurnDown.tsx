import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { mandateOps } from '../../../src/contract/mandates.js';
import type { MandateStatus } from '../api.js';
import { useApi } from '../data.js';
import { LoadFailed } from './ListControls.js';
import { dateFormat, formatDay, numberFormat } from '../format.js';

const sec = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;
const TWO_WEEKS = 14 * 86_400;

/**
 * Open devices over time within the reader's scope, the due date, and the forecast line to
 * completion (uPlot). The time axis is the campaign's: from the issue day to two weeks past the
 * due date, or to the day shown if that is later; a forecast further out runs off its edge.
 */
export function BurnDown({ status, asOf }: { status: MandateStatus; asOf: string }) {
  const { t, i18n } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const series = useApi(mandateOps.getStatusSeries, {
    query: { mandate: status.mandate, ...(asOf ? { asOf } : {}) },
  });
  const points = series.data?.points ?? null;
  useEffect(() => {
    if (!box.current || !points || points.length === 0) return;
    const xs = points.map((p) => sec(p.day));
    const open: (number | null)[] = points.map((p) => p.open);
    const forecast: (number | null)[] = points.map(() => null);
    const projected = status.forecast.projectedCompletion;
    if (projected && Date.parse(projected) / 1000 > xs[xs.length - 1]!) {
      forecast[forecast.length - 1] = open[open.length - 1] ?? null;
      xs.push(Date.parse(projected) / 1000);
      open.push(null);
      forecast.push(0);
    }
    const due = status.due ? sec(status.due) + 86_400 : null;
    const last = sec(points[points.length - 1]!.day);
    const num = numberFormat(i18n.language);
    const shortDay = dateFormat(i18n.language === 'en' ? 'en-GB' : i18n.language, {
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    });
    const chart = new uPlot(
      {
        width: box.current.clientWidth || 800,
        height: 220,
        scales: {
          x: {
            time: true,
            range: (_u, min) => [min, Math.max(last, due === null ? last : due + TWO_WEEKS)],
          },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        // Legend and axes in the reader's language: days as `7 Dec` / `7 дек.`, counts grouped.
        series: [
          {
            label: t('chartDay'),
            value: (_u, v) => (v == null ? '—' : formatDay(i18n.language, new Date(v * 1000))),
          },
          {
            label: t('openDevices'),
            stroke: '#1565c0',
            width: 2,
            value: (_u, v) => (v == null ? '—' : num.format(v)),
          },
          {
            label: t('forecastLine'),
            stroke: '#8a6d00',
            dash: [6, 4],
            spanGaps: true,
            value: (_u, v) => (v == null ? '—' : num.format(Math.round(v))),
          },
        ],
        axes: [
          { values: (_u, splits) => splits.map((v) => shortDay.format(new Date(v * 1000))) },
          { values: (_u, splits) => splits.map((v) => num.format(v)) },
        ],
        legend: { show: true },
        hooks: {
          draw: [
            (u) => {
              if (due === null) return;
              const x = u.valToPos(due, 'x', true);
              const c = u.ctx;
              c.save();
              c.strokeStyle = '#b71c1c';
              c.setLineDash([4, 4]);
              c.beginPath();
              c.moveTo(x, u.bbox.top);
              c.lineTo(x, u.bbox.top + u.bbox.height);
              c.stroke();
              c.restore();
            },
          ],
        },
      },
      [xs, open, forecast],
      box.current,
    );
    return () => chart.destroy();
  }, [points, status.due, status.forecast.projectedCompletion, t, i18n.language]);
  return (
    <figure className="burndown" aria-label={t('burnDown')}>
      <figcaption>
        {t('burnDown')}
        {status.due ? ` · ${t('dueLine')}` : ''}
      </figcaption>
      {series.failed !== null && <LoadFailed message={series.failed} onRetry={series.retry} />}
      {points !== null && points.length === 0 && <p>{t('noSeries')}</p>}
      <div ref={box} data-points={points?.length ?? 0} />
    </figure>
  );
}
