import { useEffect, useState } from 'react';
import type { Problem } from '../api.js';
import { useTranslation } from 'react-i18next';

/** The query of the route (`#/findings?mandate=…&sort=-opened&offset=100`): a view's state. */
function readQuery(): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(window.location.hash.split('?')[1] ?? ''));
}

/**
 * A list's filters, sorting and page, kept in the route so that the view can be bookmarked,
 * shared, reloaded and gone back to. `set` changes some keys (an empty value removes one) and
 * adds a history entry.
 */
export function useRouteQuery(): [
  Record<string, string>,
  (patch: Record<string, string | number | undefined>) => void,
] {
  const [query, setQuery] = useState(readQuery);
  useEffect(() => {
    const on = () => setQuery(readQuery());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const set = (patch: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(readQuery());
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    const path = window.location.hash.split('?')[0] || '#/';
    const qs = next.toString();
    window.location.hash = `${path.replace(/^#/, '')}${qs ? `?${qs}` : ''}`;
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
  const n = (x: number) => new Intl.NumberFormat(i18n.language).format(x);
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
 * Loads what `load` answers for `args` (compared by value), again whenever they change or on
 * `retry`; a failure is kept with its message, never shown as an empty list.
 */
export function useLoad<A, T>(
  load: (args: A) => Promise<T>,
  args: A,
): { data: T | null; failed: string | null; retry: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const key = JSON.stringify(args);
  useEffect(() => {
    let live = true;
    setFailed(null);
    load(JSON.parse(key) as A).then(
      (r) => live && setData(r),
      (e: Error) => live && setFailed(e.message),
    );
    return () => {
      live = false;
    };
    // `load` is a module-level call: only the arguments and a retry load again.
  }, [key, attempt]);
  return { data, failed, retry: () => setAttempt((n) => n + 1) };
}

/** A refused request, whole: its message and every problem the server named, where and why. */
export function Refusal({ message, details }: { message: string; details: Problem[] }) {
  return (
    <div role="alert" className="error">
      <p>{message}</p>
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              {d.where}
              {d.value !== undefined ? ` “${d.value}”` : ''}: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
