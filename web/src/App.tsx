import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authOps } from '../../src/contract/auth.js';
import type { Permission } from '../../src/domain/access.policy.js';
import { request } from './client.js';
import { api, type Mandate, type Me } from './api.js';
import { setLanguage, type Language } from './i18n.js';
import { Audit } from './pages/Audit.js';
import { Devices } from './pages/Devices.js';
import { Dashboard } from './pages/Dashboard.js';
import { Exemptions } from './pages/Exemptions.js';
import { Findings } from './pages/Findings.js';
import { Logistics } from './pages/Logistics.js';
import { Mandates } from './pages/Mandates.js';
import { MyPage } from './pages/MyPage.js';
import { Messages } from './pages/Notifications.js';
import { People } from './pages/People.js';
import { SignIn } from './pages/SignIn.js';
import { Campaigns } from './pages/Campaigns.js';

type Page =
  | 'dashboard'
  | 'mandates'
  | 'findings'
  | 'people'
  | 'devices'
  | 'exemptions'
  | 'audit'
  | 'messages'
  | 'logistics'
  | 'campaigns'
  | 'mine';

/** The pages an account may open, in menu order: from what the server says it may do and see. */
function pagesFor(me: Me): Page[] {
  const can = (p: Permission) => me.capabilities.includes(p);
  const pages: Page[] = [];
  if (me.sees !== 'self') pages.push('dashboard');
  if (me.sees === 'all') pages.push('mandates');
  if (me.sees !== 'self') pages.push('findings', 'people', 'devices');
  if (me.sees === 'all') pages.push('logistics');
  if (can('campaigns.manage') || can('attest-unit') || can('audit.read')) pages.push('campaigns');
  if (me.personId !== null && can('declare')) pages.push('mine');
  pages.push('exemptions');
  if (me.sees === 'all') pages.push('messages');
  if (can('audit.read')) pages.push('audit');
  return pages;
}

/** `#/people/ID` → the page and the object it shows, if any. */
function route(): { name: string; id: string | null } {
  const path = window.location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  const [name = '', ...rest] = path.split('/');
  return { name, id: rest.length ? decodeURIComponent(rest.join('/')) : null };
}

/** Signed in or not; the header with the menu, the language switch and sign-out. */
export function App() {
  const { t, i18n } = useTranslation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [mandates, setMandates] = useState<Mandate[]>([]);
  const [where, setWhere] = useState(route());
  const refresh = useCallback(() => {
    api.me().then(
      (m) => {
        setMe(m);
        void api.mandates().then(setMandates);
      },
      () => setMe(null),
    );
  }, []);
  useEffect(refresh, [refresh]);
  useEffect(() => {
    const on = () => {
      const next = route();
      // Another page or another record opens at its top, not where the last one was scrolled.
      setWhere((was) => {
        if (was.name !== next.name || was.id !== next.id) window.scrollTo(0, 0);
        return next;
      });
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const pages = me ? pagesFor(me) : [];
  const can = (p: Permission) => me?.capabilities.includes(p) ?? false;
  const page: Page | undefined = (pages as string[]).includes(where.name)
    ? (where.name as Page)
    : pages[0];
  return (
    <>
      <header className="top">
        <h1>{t('appName')}</h1>
        {me && (
          <nav aria-label={t('menu')}>
            {pages.map((p) => (
              <a key={p} href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>
                {t(`page_${p}`)}
              </a>
            ))}
          </nav>
        )}
        <div className="tools">
          <label>
            {t('language')}{' '}
            <select
              value={i18n.language}
              onChange={(e) => {
                const lang = e.target.value as Language;
                void setLanguage(lang);
                // Remembered on the account too, so that messages to you come in it.
                if (me)
                  void request(authOps.setMyLanguage, { body: { language: lang } }).catch(
                    () => undefined,
                  );
              }}
            >
              <option value="en">English</option>
              <option value="ru">Русский</option>
            </select>
          </label>
          {me && (
            <button
              type="button"
              onClick={() => void request(authOps.signOut, {}).finally(() => setMe(null))}
            >
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
        ) : page === 'mandates' ? (
          <Mandates
            mandates={mandates}
            canApply={can('mandates.write')}
            onApplied={() => void api.mandates().then(setMandates)}
          />
        ) : page === 'people' ? (
          <People mandates={mandates} selected={where.id} />
        ) : page === 'devices' ? (
          <Devices mandates={mandates} selected={where.id} />
        ) : page === 'findings' ? (
          <Findings mandates={mandates} />
        ) : page === 'exemptions' ? (
          <Exemptions
            canDecide={can('exemptions.decide')}
            canRequest={can('act-for-others')}
            mandates={mandates}
          />
        ) : page === 'messages' ? (
          <Messages />
        ) : page === 'logistics' ? (
          <Logistics canHandle={can('logistics')} me={me.email} />
        ) : page === 'campaigns' ? (
          <Campaigns attestUnits={can('attest-unit') ? me.units : []} />
        ) : page === 'audit' ? (
          <Audit />
        ) : page === 'mine' ? (
          <MyPage mandates={mandates.filter((m) => !m.withdrawnAt)} personId={me.personId ?? ''} />
        ) : (
          <Dashboard attestAs={can('attest-unit')} />
        )}
      </main>
    </>
  );
}
