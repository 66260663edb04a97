import { useTranslation } from 'react-i18next';
import { DEVICE_CLASSES, PLATFORMS } from '../../../src/domain/device.model.js';
import { platformName } from '../links.js';

/** The class and platform selects of a device form (a catalogue item, a declared device). */
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
        <select value={cls} onChange={onChange('class')}>
          {DEVICE_CLASSES.map((c) => (
            <option key={c} value={c}>
              {t(`class_${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('platform')}{' '}
        <select value={platform} onChange={onChange('platform')}>
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
