import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { refreshAll } from '../data.js';
import { Refusal } from './ListControls.js';

/**
 * A button that does something: busy while it runs (disabled, `aria-busy`), every list on screen
 * read again when it is done, a refusal shown whole beside it. A formal statement (`confirm`:
 * what it states) asks first, and is made only on "Yes".
 */
export function ActionButton({
  run,
  confirm,
  children,
  onDone,
}: {
  run: () => Promise<unknown>;
  confirm?: string;
  children: ReactNode;
  onDone?: () => void;
}) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'asking' | 'busy'>('idle');
  const [error, setError] = useState<Error | null>(null);
  const go = () => {
    setState('busy');
    setError(null);
    run().then(
      async () => {
        setState('idle');
        onDone?.();
        await refreshAll();
      },
      (e: Error) => {
        setState('idle');
        setError(e);
      },
    );
  };
  return (
    <span className="action">
      {state === 'asking' ? (
        <span role="group" className="confirm" aria-label={confirm}>
          <span>{confirm}</span>{' '}
          <button type="button" className="primary" onClick={go}>
            {t('yesConfirm')}
          </button>{' '}
          <button type="button" onClick={() => setState('idle')}>
            {t('cancel')}
          </button>
        </span>
      ) : (
        <button
          type="button"
          disabled={state === 'busy'}
          aria-busy={state === 'busy'}
          onClick={() => (confirm ? setState('asking') : go())}
        >
          {children}
        </button>
      )}
      {error && <Refusal error={error} />}
    </span>
  );
}
