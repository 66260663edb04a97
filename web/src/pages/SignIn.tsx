import { useEffect, useState, type FormEvent } from 'react';
import { authOps } from '../../../src/contract/auth.js';
import { request } from '../client.js';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';

/** Sign-in with a password, and with single sign-on when the server has it configured. */
export function SignIn({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failed, setFailed] = useState(false);
  const [sso, setSso] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    request(authOps.signInMethods, {}).then(
      (m) => live && setSso(m.sso),
      () => live && setSso(null),
    );
    return () => {
      live = false;
    };
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    api.login(email, password).then(onDone, () => setFailed(true));
  };
  return (
    <form className="card signin" onSubmit={submit} aria-labelledby="signin-title">
      <h2 id="signin-title">{t('signIn')}</h2>
      {failed && (
        <p role="alert" className="error">
          {t('wrongPassword')}
        </p>
      )}
      {sso && (
        <>
          <a className="button" href={sso}>
            {t('signInSso')}
          </a>
          <p className="meta">{t('orPassword')}</p>
        </>
      )}
      <label htmlFor="email">{t('email')}</label>
      <input
        id="email"
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <label htmlFor="password">{t('password')}</label>
      <input
        id="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit">{t('signIn')}</button>
    </form>
  );
}
