import { pathOf, type Input, type Operation, type Output } from '../../src/contract/operation.js';
import { call, query } from './api.js';

/**
 * The one typed client: calls an operation of the shared contract (`src/contract`) with its
 * params, query and body, and answers what its response schema says. The types come from the
 * contract; nothing is written twice.
 */
export function request<O extends Operation>(op: O, input: Input<O>): Promise<Output<O>> {
  const i = input as {
    params?: Record<string, unknown>;
    query?: Record<string, string | number | boolean | undefined>;
    body?: unknown;
  };
  const q = Object.fromEntries(
    Object.entries(i.query ?? {}).map(([k, v]) => [k, v === undefined ? undefined : String(v)]),
  );
  const path = pathOf(op.path, i.params).replace(/^\/api\/v1/, '') + query(q);
  return call<Output<O>>(op.method, path, i.body);
}
