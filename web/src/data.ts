import { QueryClient, useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { Input, Operation, Output } from '../../src/contract/operation.js';
import { request } from './client.js';

/**
 * The console's cache of what the API answered (TanStack Query): a page's calls run in
 * parallel, a failure is kept with its message (never an empty list) and can be retried, and
 * every list on screen is read again after an action (`refreshAll`).
 */
export const queries = new QueryClient({
  defaultOptions: {
    queries: { retry: false, refetchOnWindowFocus: false, staleTime: 2_000 },
  },
});

/** Reads every list and record on screen again: after an action changed something. */
export function refreshAll(): Promise<void> {
  return queries.invalidateQueries();
}

/** What a load answered: the data, or the failure's message, and a way to try again. */
export interface Loaded<T> {
  data: T | null;
  failed: string | null;
  error: Error | null;
  loading: boolean;
  retry: () => void;
}

/**
 * Calls an operation of the contract with its input (compared by value) and keeps the answer;
 * `null` input waits (nothing to ask yet).
 */
export function useApi<O extends Operation>(op: O, input: Input<O> | null): Loaded<Output<O>> {
  return loaded(
    useQuery({
      queryKey: [op.operationId, input],
      queryFn: () => request(op, input!),
      enabled: input !== null,
    }),
  );
}

/** Loads what `load` answers for `args` under a name (for calls that are more than one request). */
export function useLoad<A, T>(name: string, load: (args: A) => Promise<T>, args: A): Loaded<T> {
  return loaded(useQuery({ queryKey: [name, args], queryFn: () => load(args) }));
}

function loaded<T>(q: UseQueryResult<T>): Loaded<T> {
  return {
    data: q.data ?? null,
    failed: q.error ? q.error.message : null,
    error: q.error,
    loading: q.isFetching,
    retry: () => void q.refetch(),
  };
}
