import { useEffect, useState, type ReactNode } from 'react';
import { numberFormat } from '../format.js';
import { ApiError } from '../api.js';
import { useTranslation } from 'react-i18next';

/** The query of the route (`#/findings?mandate=…&sort=-opened&offset=100`): a view's state. */
function readQuery(): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(window.location.hash.split('?')[1] ?? ''));
}

/**
 * A list's filters, sorting and page, kept in the route so that the view can be bookmarked,
 * shared, reloaded and gone back to. `set` changes some keys (an empty value removes one) and
 * adds a history entry — or, with `replace` (typing in a search), changes the current one.
 */
export function useRouteQuery(): [
  Record<string, string>,
  (patch: Record<string, string | number | undefined>, o?: { replace?: boolean }) => void,
] {
  const [query, setQuery] = useState(readQuery);
  useEffect(() => {
    const on = () => setQuery(readQuery());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const set = (
    patch: Record<string, string | number | undefined>,
    o: { replace?: boolean } = {},
  ) => {
    const next = new URLSearchParams(readQuery());
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    const path = window.location.hash.split('?')[0] || '#/';
    const qs = next.toString();
    const hash = `${path.replace(/^#/, '')}${qs ? `?${qs}` : ''}`;
    if (!o.replace) {
      window.location.hash = hash;
      return;
    }
    history.replaceState(history.state, '', `#${hash}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  return [query, set];
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;

/** "1–100 of 1,378", the previous and next page, and the page size. */
export function Pager({
  total,
  offset,
  limit,
  onChange,
}: {
  total: number;
  offset: number;
  limit: number;
  onChange: (offset: number, limit: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const n = (x: number) => numberFormat(i18n.language).format(x);
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={t('pages')}>
      <span role="status" data-range={`${first}-${last}/${total}`}>
        {t('range', { first: n(first), last: n(last), total: n(total) })}
      </span>
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit), limit)}
      >
        {t('previousPage')}
      </button>
      <button
        type="button"
        disabled={offset + limit >= total}
        onClick={() => onChange(offset + limit, limit)}
      >
        {t('nextPage')}
      </button>
      <label>
        {t('pageSize')}{' '}
        <select value={limit} onChange={(e) => onChange(0, Number(e.target.value))}>
          {PAGE_SIZES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
    </nav>
  );
}

/**
 * A column header that sorts: a click sorts by it ascending, a second click descending; the
 * current order is announced (`aria-sort`).
 */
export function SortHeader({
  column,
  label,
  sort,
  onSort,
}: {
  column: string;
  label: string;
  sort: string;
  onSort: (sort: string) => void;
}) {
  const { t } = useTranslation();
  const current = sort.replace(/^-/, '') === column;
  const descending = current && sort.startsWith('-');
  return (
    <th
      scope="col"
      aria-sort={current ? (descending ? 'descending' : 'ascending') : 'none'}
      data-column={column}
    >
      <button
        type="button"
        className="sort"
        title={t('sortBy', { column: label })}
        onClick={() => onSort(current && !descending ? `-${column}` : column)}
      >
        {label}
        <span aria-hidden="true">{current ? (descending ? ' ▼' : ' ▲') : ''}</span>
      </button>
    </th>
  );
}

/** A failed load says so and offers to try again: never an empty list. */
export function LoadFailed({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div role="alert" className="error">
      <p>{t('loadFailed', { message })}</p>
      <button type="button" onClick={onRetry}>
        {t('retry')}
      </button>
    </div>
  );
}

/**
 * A search of a list, typed: the list is asked again 300 ms after the last key, and the route
 * keeps the words without an entry in the history per letter.
 */
export function SearchField({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (q: string) => void;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onChange(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" value={text} onChange={(e) => setText(e.target.value)} />
    </>
  );
}

/** The last view of each list (its route with filters, order and page), to go back to. */
const lastList = new Map<string, string>();

/** Remembers the list's current view (call while it is shown). */
export function rememberList(page: string): void {
  lastList.set(page, window.location.hash);
}

/** The way back from a record's page to its list, as it was left. */
export function Breadcrumb({ page, label }: { page: string; label: string }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('breadcrumb')} className="breadcrumb">
      <a href={lastList.get(page) ?? `#/${page}`}>← {label}</a>
    </nav>
  );
}

/**
 * A refused request, whole and in the reader's language: what kind of refusal it was (from its
 * stable code), the server's own words, and every problem it named, where and why (translated
 * from the problem's code and numbers where the console knows the code).
 */
export function Refusal({ error }: { error: Error }) {
  const { t, i18n } = useTranslation();
  const api = error instanceof ApiError ? error : null;
  const english = i18n.language.startsWith('en');
  const heading = api && i18n.exists(`err_${api.code}`) ? t(`err_${api.code}`) : null;
  return (
    <div role="alert" className="error" data-code={api?.code}>
      {heading ? (
        <p>
          {heading}
          {english ? `: ${error.message}` : ''}
          {!english && (
            <>
              {' '}
              <span className="muted" lang="en">
                ({error.message})
              </span>
            </>
          )}
        </p>
      ) : (
        <p>{error.message}</p>
      )}
      {api && api.details.length > 0 && (
        <ul>
          {api.details.map((d, i) => (
            <li key={i} data-where={d.where} data-code={d.code}>
              <code>{d.where}</code>
              {d.value !== undefined ? ` “${d.value}”` : ''}:{' '}
              {d.code && i18n.exists(`problem_${d.code}`) ? (
                t(`problem_${d.code}`, d.params ?? {})
              ) : (
                <span lang="en">{d.message}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * One list's view kept in the route: its filters, order and page (keys under `prefix` when a
 * page shows several lists), with its pager and sortable headers.
 */
export function useListView(defaultSort: string, prefix = '') {
  const [q, set] = useRouteQuery();
  const key = (k: string) => `${prefix}${k}`;
  const sort = q[key('sort')] ?? defaultSort;
  const offset = Number(q[key('offset')] ?? 0) || 0;
  const limit = Number(q[key('limit')] ?? 100) || 100;
  /** A new filter or order starts from the first page. */
  const filter = (patch: Record<string, string | undefined>, o: { replace?: boolean } = {}) =>
    set({ ...patch, [key('offset')]: undefined }, o);
  return {
    q,
    sort,
    offset,
    limit,
    filter,
    pager: (page: { total: number; offset: number; limit: number }): ReactNode => (
      <Pager
        total={page.total}
        offset={page.offset}
        limit={page.limit}
        onChange={(o, l) =>
          set({ [key('offset')]: o || undefined, [key('limit')]: l === 100 ? undefined : l })
        }
      />
    ),
    header: (column: string, label: string): ReactNode => (
      <SortHeader
        key={column}
        column={column}
        label={label}
        sort={sort}
        onSort={(s) => filter({ [key('sort')]: s })}
      />
    ),
  };
}

/** The last segment of a unit path: its name; the whole path is on hover. */
export const unitName = (path: string) => path.split('/').pop() ?? path;

/**
 * Who holds a caught device: its owner, by name, or — no person holding it (DESIGN §5a) — its
 * custodian unit, linking to the unit's devices.
 */
export function Holder({
  owner,
  ownerName,
  unit,
}: {
  owner: string | null;
  ownerName?: string | null;
  unit: string;
}) {
  const { t } = useTranslation();
  if (owner) return <a href={`#/people/${encodeURIComponent(owner)}`}>{ownerName ?? owner}</a>;
  // Held by nobody (DESIGN §5a): no person, no unit.
  if (!unit) return <span className="muted">{t('heldByNobody')}</span>;
  return (
    <a href={`#/devices?unit=${encodeURIComponent(unit)}`} title={unit} data-held-by={unit}>
      {t('heldByUnit', { unit: unitName(unit) })}
    </a>
  );
}
