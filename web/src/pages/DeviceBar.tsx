import { useTranslation } from 'react-i18next';
import type { DeviceCounts } from '../../../src/contract/status.js';
import { numberFormat } from '../format.js';

const PARTS = ['resolved', 'departed', 'exempt', 'pending', 'overdue'] as const;

/**
 * The caught devices as one bar of their states — resolved, departed with their owner, exempt,
 * pending, overdue — so that a mandate with overdue devices, or whose devices left with their
 * owners, never looks done. Read aloud as the share resolved and the counts.
 */
export function DeviceBar({ devices, small = false }: { devices: DeviceCounts; small?: boolean }) {
  const { t, i18n } = useTranslation();
  const total = PARTS.reduce((n, k) => n + devices[k], 0);
  const percent = numberFormat(i18n.language, { style: 'percent' });
  const num = numberFormat(i18n.language);
  const label = t('progress', {
    percent: percent.format(total === 0 ? 0 : devices.resolved / total),
  });
  const parts = PARTS.filter((k) => devices[k] > 0);
  return (
    <div
      className={small ? 'progress small' : 'progress'}
      role="img"
      aria-label={
        total === 0
          ? t('nothingCaughtYet')
          : `${label}: ${parts.map((k) => `${t(k)} ${num.format(devices[k])}`).join(', ')}`
      }
    >
      {parts.map((k) => (
        <div key={k} className={k} style={{ width: `${(devices[k] / total) * 100}%` }} />
      ))}
    </div>
  );
}
