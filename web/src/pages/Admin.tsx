import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { adminOps, type Settings, type Token } from '../../../src/contract/admin.js';
import type { Account } from '../../../src/contract/auth.js';
import { ROLES, type Role } from '../../../src/domain/access.policy.js';
import { request } from '../client.js';
import { LoadFailed, Refusal } from './ListControls.js';

type Outcome = { ok: string } | { error: Error } | null;

/** What a refused request said, whole: the message and every problem under it. */
function OutcomeNote({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  if ('ok' in outcome)
    return (
      <p role="status" className="ok">
        {outcome.ok}
      </p>
    );
  return <Refusal error={outcome.error} />;
}

const refused = (error: Error): Outcome => ({ error });

/** Administration: accounts, API tokens, the organisation's time zone, the channels' state. */
export function Admin() {
  const { t } = useTranslation();
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [tokens, setTokens] = useState<Token[]>([]);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const load = useCallback(() => {
    setFailed(null);
    Promise.all([
      request(adminOps.listAccounts, {}),
      request(adminOps.listTokens, {}),
      request(adminOps.getSettings, {}),
    ]).then(
      ([a, tk, s]) => {
        setAccounts(a);
        setTokens(tk);
        setSettings(s);
      },
      (e: Error) => setFailed(e.message),
    );
  }, []);
  useEffect(load, [load]);
  if (failed !== null) return <LoadFailed message={failed} onRetry={load} />;
  if (accounts === null || settings === null) return <p>{t('loading')}</p>;
  return (
    <section aria-labelledby="admin-title">
      <h2 id="admin-title">{t('page_admin')}</h2>
      <ChannelsCard settings={settings} onChanged={load} />
      <AccountsCard accounts={accounts} onChanged={load} />
      <TokensCard tokens={tokens} accounts={accounts} onChanged={load} />
    </section>
  );
}

function ChannelsCard({ settings, onChanged }: { settings: Settings; onChanged: () => void }) {
  const { t } = useTranslation();
  const [zone, setZone] = useState(settings.timeZone);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const save = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    request(adminOps.setTimeZone, { body: { timeZone: zone.trim() } })
      .then(
        (r) => {
          setOutcome({ ok: t('timeZoneSet', { zone: r.to }) });
          onChanged();
        },
        (err: Error) => setOutcome(refused(err)),
      )
      .finally(() => setBusy(false));
  };
  const c = settings.channels;
  return (
    <article className="card" aria-labelledby="channels-title">
      <h3 id="channels-title">{t('organisation')}</h3>
      <ul data-channels>
        <li data-channel="mail">{c.mail ? t('mailOn') : t('mailOff')}</li>
        <li data-channel="webhook">{c.webhook ? t('webhookOn') : t('webhookOff')}</li>
        <li data-channel="sso">{c.sso ? t('ssoOn') : t('ssoOff')}</li>
      </ul>
      <form className="inline-form" onSubmit={save} aria-label={t('timeZone')}>
        <label>
          {t('timeZone')} <input value={zone} onChange={(e) => setZone(e.target.value)} required />
        </label>
        <button type="submit" disabled={busy || zone.trim() === settings.timeZone} aria-busy={busy}>
          {t('save')}
        </button>
      </form>
      <OutcomeNote outcome={outcome} />
    </article>
  );
}

function AccountsCard({ accounts, onChanged }: { accounts: Account[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('official');
  const [units, setUnits] = useState('');
  const [personId, setPersonId] = useState('');
  const [password, setPassword] = useState('');
  const act = <T,>(run: Promise<T>, ok: (r: T) => string) => {
    setBusy(true);
    run
      .then(
        (r) => {
          setOutcome({ ok: ok(r) });
          onChanged();
        },
        (e: Error) => setOutcome(refused(e)),
      )
      .finally(() => setBusy(false));
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    act(
      request(adminOps.createAccount, {
        body: {
          email,
          roles: [role],
          units: units
            .split(';')
            .map((u) => u.trim())
            .filter(Boolean),
          personId: personId.trim() || null,
          password: password || null,
        },
      }),
      (a) => t('accountCreated', { email: a.email }),
    );
  };
  const toggle = (a: Account) => {
    if (!a.disabled && !window.confirm(t('confirmDisable', { email: a.email }))) return;
    act(
      request(adminOps.updateAccount, { params: { id: a.id }, body: { disabled: !a.disabled } }),
      (r) =>
        r.disabled
          ? t('accountDisabled', { email: r.email })
          : t('accountEnabled', { email: r.email }),
    );
  };
  const reset = (a: Account) => {
    if (!window.confirm(t('confirmReset', { email: a.email }))) return;
    act(request(adminOps.resetAccountPassword, { params: { id: a.id } }), (r) =>
      t('newPassword', { email: a.email, password: r.password }),
    );
  };
  const changeRole = (a: Account, r: Role) =>
    act(request(adminOps.updateAccount, { params: { id: a.id }, body: { roles: [r] } }), (x) =>
      t('accountChanged', { email: x.email }),
    );
  return (
    <article className="card" aria-labelledby="accounts-title">
      <h3 id="accounts-title">{t('accounts')}</h3>
      <OutcomeNote outcome={outcome} />
      <table className="card" aria-label={t('accounts')}>
        <thead>
          <tr>
            <th scope="col">{t('email')}</th>
            <th scope="col">{t('role')}</th>
            <th scope="col">{t('col_unit')}</th>
            <th scope="col">{t('person')}</th>
            <th scope="col">{t('col_actions')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.id} data-account={a.email}>
              <td>
                {a.email}
                {a.disabled ? ` · ${t('disabled')}` : ''}
              </td>
              <td>
                <select
                  aria-label={t('roleOf', { email: a.email })}
                  value={a.roles[0]}
                  disabled={busy || a.disabled}
                  onChange={(e) => changeRole(a, e.target.value as Role)}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(`role_${r}`)}
                    </option>
                  ))}
                </select>
                {a.roles.length > 1 ? ` +${a.roles.length - 1}` : ''}
              </td>
              <td>{a.units.map((u) => u.split('/').at(-1)).join(', ')}</td>
              <td>
                {a.personId ? (
                  <a href={`#/people/${encodeURIComponent(a.personId)}`}>{a.personId}</a>
                ) : (
                  ''
                )}
              </td>
              <td className="actions">
                <button type="button" disabled={busy} onClick={() => toggle(a)}>
                  {a.disabled ? t('enable') : t('disable')}
                </button>
                <button type="button" disabled={busy || a.disabled} onClick={() => reset(a)}>
                  {t('resetPassword')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={create} aria-label={t('newAccount')}>
        <label>
          {t('email')}{' '}
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          {t('role')}{' '}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role_${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('unitsHeaded')} <input value={units} onChange={(e) => setUnits(e.target.value)} />
        </label>
        <label>
          {t('person')} <input value={personId} onChange={(e) => setPersonId(e.target.value)} />
        </label>
        <label>
          {t('password')}{' '}
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" disabled={busy} aria-busy={busy}>
          {t('createAccount')}
        </button>
      </form>
    </article>
  );
}

function TokensCard({
  tokens,
  accounts,
  onChanged,
}: {
  tokens: Token[];
  accounts: Account[];
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const active = accounts.filter((a) => !a.disabled);
  const [account, setAccount] = useState(active[0]?.email ?? '');
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('P90D');
  const [readOnly, setReadOnly] = useState(true);
  const create = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setSecret(null);
    request(adminOps.createToken, {
      body: { account, name, ...(expires ? { expires } : {}), readOnly },
    })
      .then(
        (r) => {
          setSecret(r.token);
          setOutcome({ ok: t('tokenCreated', { name }) });
          onChanged();
        },
        (err: Error) => setOutcome(refused(err)),
      )
      .finally(() => setBusy(false));
  };
  const revoke = (tk: Token) => {
    if (!window.confirm(t('confirmRevoke', { name: tk.name }))) return;
    setBusy(true);
    request(adminOps.revokeToken, { params: { id: tk.id } })
      .then(
        () => {
          setOutcome({ ok: t('tokenRevoked', { name: tk.name }) });
          onChanged();
        },
        (err: Error) => setOutcome(refused(err)),
      )
      .finally(() => setBusy(false));
  };
  const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');
  return (
    <article className="card" aria-labelledby="tokens-title">
      <h3 id="tokens-title">{t('tokens')}</h3>
      <OutcomeNote outcome={outcome} />
      {secret && (
        <p role="note" className="warning" data-secret>
          {t('tokenOnce')} <code>{secret}</code>
        </p>
      )}
      {tokens.length === 0 ? (
        <p>{t('noTokens')}</p>
      ) : (
        <table className="card" aria-label={t('tokens')}>
          <thead>
            <tr>
              <th scope="col">{t('tokenName')}</th>
              <th scope="col">{t('email')}</th>
              <th scope="col">{t('tokenKind')}</th>
              <th scope="col">{t('expires')}</th>
              <th scope="col">{t('col_actions')}</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((tk) => (
              <tr key={tk.id} data-token={tk.name}>
                <td>{tk.name}</td>
                <td>{tk.account}</td>
                <td>
                  {tk.readOnly ? t('readOnly') : t('readWrite')}
                  {tk.scope === 'scim' ? ' · SCIM' : ''}
                </td>
                <td>
                  {tk.revokedAt ? t('revokedOn', { day: day(tk.revokedAt) }) : day(tk.expiresAt)}
                </td>
                <td>
                  {!tk.revokedAt && (
                    <button type="button" disabled={busy} onClick={() => revoke(tk)}>
                      {t('revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={create} aria-label={t('newToken')}>
        <label>
          {t('tokenAccount')}{' '}
          <select value={account} onChange={(e) => setAccount(e.target.value)}>
            {active.map((a) => (
              <option key={a.id} value={a.email}>
                {a.email}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tokenName')} <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          {t('expiresAfter')} <input value={expires} onChange={(e) => setExpires(e.target.value)} />
        </label>
        <label>
          <input
            type="checkbox"
            checked={readOnly}
            onChange={(e) => setReadOnly(e.target.checked)}
          />{' '}
          {t('readOnly')}
        </label>
        <button type="submit" disabled={busy} aria-busy={busy}>
          {t('createToken')}
        </button>
      </form>
    </article>
  );
}
