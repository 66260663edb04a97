import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { refreshAll } from '../data.js';
import { Refusal } from './ListControls.js';

/**
 * Gives a device the order would catch but nobody holds to a person (id or e-mail) or to a
 * unit's custody (DESIGN §5a): from then on it is caught, and its reminders reach someone.
 */
export function AssignDevice({ device }: { device: string }) {
  const { t } = useTranslation();
  const [person, setPerson] = useState('');
  const [unit, setUnit] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if ((person.trim() === '') === (unit.trim() === '')) {
      setError(new Error(t('assignOne')));
      return;
    }
    setBusy(true);
    try {
      await api.assignDevice(
        device,
        person.trim() ? { owner: await personId(person.trim()) } : { unit: unit.trim() },
      );
      await refreshAll();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const id = `assign-${device}`;
  return (
    <form
      className="assign"
      aria-label={t('assignTo', { device })}
      onSubmit={(e) => void submit(e)}
    >
      <label htmlFor={`${id}-person`}>{t('assignPerson')}</label>{' '}
      <input
        id={`${id}-person`}
        value={person}
        size={14}
        onChange={(e) => setPerson(e.target.value)}
      />{' '}
      <label htmlFor={`${id}-unit`}>{t('assignUnit')}</label>{' '}
      <input
        id={`${id}-unit`}
        value={unit}
        size={28}
        list="assign-units"
        onChange={(e) => setUnit(e.target.value)}
      />{' '}
      <button type="submit" disabled={busy}>
        {t('assign')}
      </button>
      {error && <Refusal error={error} />}
    </form>
  );
}

/** A person's id from what was typed: an e-mail is looked up, anything else is taken as an id. */
async function personId(typed: string): Promise<string> {
  if (!typed.includes('@')) return typed;
  const found = await api.people({ q: typed, limit: 5 });
  const hit = found.items.find((p) => p.email?.toLowerCase() === typed.toLowerCase());
  return hit?.id ?? typed;
}
