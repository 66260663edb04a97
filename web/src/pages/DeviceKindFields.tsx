import { useTranslation } from 'react-i18next';
import { DEVICE_CLASSES, PLATFORMS } from '../../../src/domain/device.model.js';
import { platformName } from '../links.js';

/**
 * The class and platform selects of a device form (a catalogue item, a declared device); empty
 * values show "choose…" and must be chosen: a form never declares what nobody picked.
 */
export function DeviceKindFields({
  cls,
  platform,
  onChange,
}: {
  cls: string;
  platform: string;
  onChange: (field: 'class' | 'platform') => (e: { target: { value: string } }) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('class')}{' '}
        <select required value={cls} onChange={onChange('class')}>
          {cls === '' && (
            <option value="" disabled>
              {t('choose')}
            </option>
          )}
          {DEVICE_CLASSES.map((c) => (
            <option key={c} value={c}>
              {t(`class_${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('platform')}{' '}
        <select required value={platform} onChange={onChange('platform')}>
          {platform === '' && (
            <option value="" disabled>
              {t('choose')}
            </option>
          )}
          {PLATFORMS.map((p) => (
            <option key={p} value={p}>
              {platformName(t, p)}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
