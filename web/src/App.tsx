import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Me } from './api.js';
import { setLanguage, type Language } from './i18n.js';
import { Dashboard } from './pages/Dashboard.js';
import { SignIn } from './pages/SignIn.js';

/** Signed in or not; the header with the language switch and sign-out. */
export function App() {
  const { t, i18n } = useTranslation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = useCallback(() => {
    api.me().then(setMe, () => setMe(null));
  }, []);
  useEffect(refresh, [refresh]);

  return (
    <>
      <header className="top">
        <h1>{t('appName')}</h1>
        <div className="tools">
          <label>
            {t('language')}{' '}
            <select
              value={i18n.language}
              onChange={(e) => void setLanguage(e.target.value as Language)}
            >
              <option value="en">English</option>
              <option value="ru">Русский</option>
            </select>
          </label>
          {me && (
            <button type="button" onClick={() => void api.logout().finally(() => setMe(null))}>
              {t('signOut')}
            </button>
          )}
        </div>
      </header>
      <main>
        {me === undefined ? (
          <p>{t('loading')}</p>
        ) : me === null ? (
          <SignIn onDone={refresh} />
        ) : (
          <Dashboard />
        )}
      </main>
    </>
  );
}
