import type { SortKey } from './list.sorts.js';
import { compareText } from './text.order.js';

/** Which page of a list is asked for: where it starts, how long it is, how it is sorted. */
export interface PageRequest<C extends string> {
  offset?: number | undefined;
  limit?: number | undefined;
  sort?: SortKey<C> | undefined;
}

/** A page of a list and how many there are in all. */
export interface ListPage<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

/**
 * Sorts a list by one of its columns (`-column` descending; a missing value last either way,
 * ties kept in the list's own order) and cuts out one page of it.
 */
export function pageOf<T, C extends string>(
  rows: readonly T[],
  ask: PageRequest<C>,
  o: {
    sort: SortKey<C>;
    limit: number;
    value: (row: T, column: C) => string | number | null | undefined;
    /** How text compares (default: the one order of text, `text.order.ts`). */
    compare?: (a: string, b: string) => number;
  },
): ListPage<T> {
  const compare = o.compare ?? compareText();
  const sort = ask.sort ?? o.sort;
  const column = sort.replace(/^-/, '') as C;
  const sign = sort.startsWith('-') ? -1 : 1;
  const keyed = rows.map((row, i) => ({ row, i, v: o.value(row, column) }));
  keyed.sort((a, b) => {
    const x = a.v ?? null;
    const y = b.v ?? null;
    if (x === null || y === null) return x === y ? a.i - b.i : x === null ? 1 : -1;
    const c =
      typeof x === 'number' && typeof y === 'number' ? x - y : compare(String(x), String(y));
    return sign * c || a.i - b.i;
  });
  const offset = ask.offset ?? 0;
  const limit = ask.limit ?? o.limit;
  return {
    items: keyed.slice(offset, offset + limit).map((k) => k.row),
    total: rows.length,
    offset,
    limit,
  };
}
