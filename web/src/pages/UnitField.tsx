import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';

/** A unit filter: type a path, with the units in your scope offered as you type. */
export function UnitField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (unit: string) => void;
}) {
  const { t } = useTranslation();
  const [units, setUnits] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    api.units().then(
      (u) => live && setUnits(u.map((x) => x.path)),
      () => live && setUnits([]),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <>
      <label htmlFor={id}>{t('unit')}</label>
      <input
        id={id}
        list={`${id}-list`}
        value={value}
        placeholder={t('anyUnit')}
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id={`${id}-list`}>
        {units.map((u) => (
          <option key={u} value={u} />
        ))}
      </datalist>
    </>
  );
}
