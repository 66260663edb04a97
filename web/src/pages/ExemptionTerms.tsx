import { useTranslation } from 'react-i18next';
import { groundName } from '../links.js';

/** What every exemption request states: a ground from the mandate, an end date, a reason. */
export interface Terms {
  ground: string;
  until: string;
  reason: string;
}

/** The fields of an exemption request, shared by the official's and the officer's forms. */
export function ExemptionTerms({
  grounds,
  value,
  onChange,
}: {
  grounds: string[];
  value: Terms;
  onChange: (v: Terms) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <label>
        {t('ex_ground')}{' '}
        <select
          value={value.ground}
          onChange={(e) => onChange({ ...value, ground: e.target.value })}
        >
          {grounds.map((g) => (
            <option key={g} value={g}>
              {groundName(t, (k) => i18n.exists(k), g)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('ex_until')}{' '}
        <input
          type="date"
          required
          value={value.until}
          onChange={(e) => onChange({ ...value, until: e.target.value })}
        />
      </label>
      <label>
        {t('ex_reason')}{' '}
        <input
          required
          value={value.reason}
          onChange={(e) => onChange({ ...value, reason: e.target.value })}
        />
      </label>
    </>
  );
}
