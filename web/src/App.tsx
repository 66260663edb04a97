import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authOps } from '../../src/contract/auth.js';
import type { Permission } from '../../src/domain/access.policy.js';
import { request } from './client.js';
import { api, type Mandate, type Me } from './api.js';
import { setLanguage, type Language } from './i18n.js';
import { csvDialect, setCsvDialect } from './csv.js';
import type { CsvDialect } from '../../src/domain/csv.dialects.js';
import { SignIn } from './pages/SignIn.js';
import { MeContext } from './me.js';

// Each page is its own chunk: an official does not download the charts, the diff view or the
// logistics pages; the shell (sign-in, menu) comes first.
const Audit = lazy(() => import('./pages/Audit.js').then((m) => ({ default: m.Audit })));
const Devices = lazy(() => import('./pages/Devices.js').then((m) => ({ default: m.Devices })));
const Dashboard = lazy(() =>
  import('./pages/Dashboard.js').then((m) => ({ default: m.Dashboard })),
);
const Exemptions = lazy(() =>
  import('./pages/Exemptions.js').then((m) => ({ default: m.Exemptions })),
);
const Findings = lazy(() => import('./pages/Findings.js').then((m) => ({ default: m.Findings })));
const Logistics = lazy(() =>
  import('./pages/Logistics.js').then((m) => ({ default: m.Logistics })),
);
const Mandates = lazy(() => import('./pages/Mandates.js').then((m) => ({ default: m.Mandates })));
const MyPage = lazy(() => import('./pages/MyPage.js').then((m) => ({ default: m.MyPage })));
const Messages = lazy(() =>
  import('./pages/Notifications.js').then((m) => ({ default: m.Messages })),
);
const People = lazy(() => import('./pages/People.js').then((m) => ({ default: m.People })));
const Admin = lazy(() => import('./pages/Admin.js').then((m) => ({ default: m.Admin })));
const Search = lazy(() => import('./pages/Search.js').then((m) => ({ default: m.Search })));
const Campaigns = lazy(() =>
  import('./pages/Campaigns.js').then((m) => ({ default: m.Campaigns })),
);

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
  | 'mine'
  | 'admin';

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
  if (can('accounts.manage')) pages.push('admin');
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
  const [dialect, setDialect] = useState<CsvDialect | null>(null);
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
  // The search is open to whoever sees more than themselves; it is not in the menu.
  const searches = me !== null && me !== undefined && me.sees !== 'self';
  const page: Page | 'search' | undefined =
    where.name === 'search' && searches
      ? 'search'
      : (pages as string[]).includes(where.name)
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
        {searches && <SearchBox />}
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
          <label>
            {t('csvDialect')}{' '}
            <select
              value={dialect ?? csvDialect(i18n.language)}
              onChange={(e) => {
                const d = e.target.value as CsvDialect;
                setCsvDialect(d);
                setDialect(d);
              }}
            >
              <option value="csv">{t('csvDialect_csv')}</option>
              <option value="excel-ru">{t('csvDialect_excel-ru')}</option>
            </select>
          </label>
          {me && (
            <span className="who" data-me={me.email}>
              {me.email} · {me.roles.map((r) => t(`role_${r}`)).join(', ')} ·{' '}
              {me.sees === 'all'
                ? t('seesAll')
                : me.sees === 'self'
                  ? t('seesSelf')
                  : me.units.map((u) => u.split('/').at(-1)).join(', ')}
            </span>
          )}
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
      <MeContext.Provider value={me ?? null}>
        <main>
          <Suspense fallback={<p>{t('loading')}</p>}>
            {me === undefined ? (
              <p>{t('loading')}</p>
            ) : me === null ? (
              <SignIn onDone={refresh} />
            ) : page === 'mandates' ? (
              <Mandates
                mandates={mandates}
                canApply={can('mandates.write')}
                onApplied={() => void api.mandates().then(setMandates)}
                open={where.id}
              />
            ) : page === 'search' ? (
              <Search mandates={me.sees === 'all' ? mandates : []} />
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
            ) : page === 'admin' ? (
              <Admin />
            ) : page === 'mine' ? (
              <MyPage
                mandates={mandates.filter((m) => !m.withdrawnAt)}
                personId={me.personId ?? ''}
              />
            ) : (
              <Dashboard attestAs={can('attest-unit')} demoDay={me.demoDay} />
            )}
          </Suspense>
        </main>
      </MeContext.Provider>
    </>
  );
}

/** The top bar's search: people, devices (id, serial, IMEI, model) and mandates. */
function SearchBox() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  return (
    <form
      role="search"
      className="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (q.trim()) window.location.hash = `#/search?q=${encodeURIComponent(q.trim())}`;
      }}
    >
      <label htmlFor="global-search" className="visually-hidden">
        {t('searchLabel')}
      </label>
      <input
        id="global-search"
        type="search"
        value={q}
        placeholder={t('searchPlaceholder')}
        onChange={(e) => setQ(e.target.value)}
      />
      <button type="submit">{t('searchEverywhere')}</button>
    </form>
  );
}
