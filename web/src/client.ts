import type { z } from 'zod';
import { pathOf, type Input, type Operation, type Output } from '../../src/contract/operation.js';
import { call, query } from './api.js';

/** A call the console was about to make that the contract refuses: a mistake of the console's. */
export class ContractRefusal extends Error {}

/** What the operation's schemas refuse in this input, each as `part.field: why`. */
export function refusedByContract(op: Operation, input: object): string[] {
  const i = input as { params?: unknown; query?: unknown; body?: unknown };
  const parts: [string, z.ZodType | undefined, unknown][] = [
    ['params', op.params, i.params],
    ['query', op.query, i.query ?? {}],
    ['body', op.body, i.body],
  ];
  return parts.flatMap(([part, schema, value]) => {
    const r = schema?.safeParse(value);
    return r && !r.success
      ? r.error.issues.map((p) => `${[part, ...p.path.map(String)].join('.')}: ${p.message}`)
      : [];
  });
}

/**
 * The one typed client: calls an operation of the shared contract (`src/contract`) with its
 * params, query and body, and answers what its response schema says. The input is checked
 * against the operation's schemas first: a call the API would refuse is never sent, and says
 * why (on the page and in the browser's console).
 */
export function request<O extends Operation>(
  op: O,
  input: Input<O>,
  headers: Record<string, string> = {},
): Promise<Output<O>> {
  const refused = refusedByContract(op, input);
  if (refused.length > 0) {
    const message = `${op.operationId}: ${refused.join('; ')}`;
    console.error(`the console asked what the API refuses: ${message}`);
    return Promise.reject(new ContractRefusal(message));
  }
  const i = input as {
    params?: Record<string, unknown>;
    query?: Record<string, string | number | boolean | undefined>;
    body?: unknown;
  };
  const q = Object.fromEntries(
    Object.entries(i.query ?? {}).map(([k, v]) => [k, v === undefined ? undefined : String(v)]),
  );
  const path = pathOf(op.path, i.params).replace(/^\/api\/v1/, '') + query(q);
  return call<Output<O>>(op.method, path, i.body, headers);
}
