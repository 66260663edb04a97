import { z } from 'zod';
import { CSV_DIALECTS } from '../domain/csv.dialects.js';
import { readImei } from '../domain/imei.js';

/**
 * The API's contract, written once: each operation's method, path, request and answer schemas
 * (zod). The server registers its routes from these (`http/contract.ts`, a Fastify type
 * provider), services return the inferred types, and the console calls through one typed client
 * (`web/src/client.ts`). Free of Node APIs: the console bundles it.
 */

/** The scalars every part of the contract speaks in. */
export const instant = z.string().meta({ description: 'an ISO 8601 instant' });
export const day = z.string().meta({ description: 'a day, YYYY-MM-DD' });
export const moment = z.string().meta({ description: 'a day or a time; default now' });
export const count = z.number().int();

/** One problem in a request: where it is and why it is wrong. */
export const Problem = z.object({
  where: z.string(),
  message: z.string(),
  value: z.string().optional(),
  code: z
    .string()
    .optional()
    .meta({ description: 'stable: required, too_small, too_big, not_one_of, unknown_keys, …' }),
  params: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .optional()
    .meta({ description: 'the numbers and names of the message, for translating it' }),
});
export type Problem = z.output<typeof Problem>;

/** Every error answer: a stable code, a message, the request's id, and the problems. */
export const ErrorBody = z.object({
  error: z
    .string()
    .meta({ description: 'a code: invalid_input, not_found, conflict, forbidden, …' }),
  message: z.string(),
  requestId: z.string(),
  details: z.array(Problem).optional().meta({ description: 'the first 1,000 problems' }),
  more: z
    .number()
    .int()
    .optional()
    .meta({ description: 'how many problems there are beyond the first 1,000' }),
});

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Operation<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  operationId: string;
  method: Method;
  /** With `{name}` parameters, as OpenAPI writes them. */
  path: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** The body's media types when it is not JSON (a CSV file: `text/csv`). */
  consumes?: string[];
  /** The largest body it takes, in bytes once decoded (gzip, deflate, br); default 1 MiB. */
  bodyLimit?: number;
  /** Request headers the operation reads (documented and checked). */
  headers?: z.ZodType;
  /** The success status and what it answers (`z.null()` with 204). */
  status: 200 | 201 | 204;
  /** Another success status the handler may choose (`reply.code`), with the same answer. */
  also?: 200 | 201;
  response: R;
  /** A short description of the success answer. */
  answers: string;
}

/** Declares an operation, keeping its schemas' types. */
export function operation<
  P extends z.ZodType = z.ZodNever,
  Q extends z.ZodType = z.ZodNever,
  B extends z.ZodType = z.ZodNever,
  R extends z.ZodType = z.ZodType,
>(op: Operation<P, Q, B, R>): Operation<P, Q, B, R> {
  return op;
}

/** A page of a list: its items, how many there are in all, where the page starts, its size. */
export const Page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int().meta({ description: 'how many match, on every page' }),
    offset: z.number().int(),
    limit: z.number().int(),
  });

/** How a list is sorted: one of its columns, descending with a leading `-`. */
export const sortOf = <C extends string>(columns: readonly C[]) => {
  const keys: [C | `-${C}`, ...(C | `-${C}`)[]] = [
    columns[0]!,
    ...columns.slice(1),
    ...columns.map((c): `-${C}` => `-${c}`),
  ];
  return z.enum(keys);
};

/** The dialect of a CSV answer (`domain/csv.dialects.ts`). */
export const csvDialect = z.enum(CSV_DIALECTS).optional().meta({
  description: '`excel-ru`: `;`-separated UTF-8 with a byte-order mark, as Russian Excel opens it',
});

/** A list that may answer CSV: `format=csv`, in a dialect. */
export const csvFormat = { format: z.enum(['json', 'csv']).optional(), dialect: csvDialect };

/**
 * The query of a paged list: where the page starts, its size (at most 1,000) and its order;
 * `about` names the defaults.
 */
export const paging = <C extends string>(columns: readonly C[], about: string) => ({
  sort: sortOf(columns).optional().meta({ description: about }),
  offset: pageOffset,
  limit: pageLimit,
});

/** The longest page any list answers: the console asks no more than this. */
export const PAGE_MAX = 1000;

/** Where a page starts, and how long it is (at most 1,000; 100 unless said). */
export const pageOffset = z.coerce.number().int().min(0).optional();
export const pageLimit = z.coerce
  .number()
  .int()
  .min(1)
  .max(PAGE_MAX)
  .optional()
  .meta({ description: 'default 100' });

/** A yes/no query parameter: `true`, `false` (also `1`, `0`, `yes`, `no`). */
export const queryFlag = () => z.stringbool();

/** What an operation takes, as its caller writes it. */
export type Input<O> =
  O extends Operation<infer P, infer Q, infer B, z.ZodType>
    ? ([P] extends [z.ZodNever] ? object : { params: z.input<P> }) &
        ([Q] extends [z.ZodNever] ? object : { query?: z.input<Q> }) &
        ([B] extends [z.ZodNever] ? object : { body: z.input<B> })
    : never;

/** What an operation answers. */
export type Output<O> =
  O extends Operation<z.ZodType, z.ZodType, z.ZodType, infer R> ? z.output<R> : never;

/** A path with its `{name}` parameters filled in, each encoded. */
export function pathOf(path: string, params: Record<string, unknown> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(String(params[k])));
}

/**
 * An IMEI as a text field: empty, or 14–16 digits (spaces and dashes allowed) with a valid check
 * digit when 15 (`domain/imei.ts`); a number Excel wrote in scientific notation is refused.
 */
export const imeiText = z.string().superRefine((v, ctx) => {
  if (v.trim() === '') return;
  const read = readImei(v);
  if ('code' in read)
    ctx.addIssue({ code: 'custom', message: read.message, params: { code: read.code } });
});
