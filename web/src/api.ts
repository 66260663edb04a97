import { authOps, type Me } from '../../src/contract/auth.js';
import {
  mandateOps,
  type Finding,
  type Mandate,
  type MandateDetail,
} from '../../src/contract/mandates.js';
import { recordOps, type DeviceWithSources, type Person } from '../../src/contract/records.js';
import {
  statusOps,
  type ApplyResult,
  type MandateStatus,
  type NotifyPreview,
} from '../../src/contract/status.js';
import {
  logisticsOps,
  type CatalogueItem,
  type Custody,
  type HandoverEffect,
  type Order,
  type OrderStepName,
  type Sanitisation,
  type Shortage,
  type StepOptions as StepBody,
  type StockLine,
} from '../../src/contract/logistics.js';
import type { Input, Problem } from '../../src/contract/operation.js';
import type { FINDING_SORTS, SortKey } from '../../src/domain/list.sorts.js';
import { request } from './client.js';

type FindingSort = SortKey<(typeof FINDING_SORTS)[number]>;
/** The console's calls to the phaseout API: same origin, session cookie, CSRF header on writes. */

let csrf: string | null = null;

/** A problem the server named: where (field, line) and why. */
export type { Problem };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Problem[] = [],
  ) {
    super(message);
  }
}

/** One request to `/api/v1` with the session's CSRF token; a refusal becomes an `ApiError`. */
export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { ...extra };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = (await res.json().catch(() => ({}))) as {
    error?: string;
    message?: string;
    details?: Problem[];
  };
  if (!res.ok)
    throw new ApiError(
      res.status,
      data.error ?? 'error',
      data.message ?? res.statusText,
      data.details ?? [],
    );
  return data as T;
}

export type { Finding, Mandate, MandateDetail, Me, Person };
/** A device (one device's own page also has its sources). */
export type Device = Omit<DeviceWithSources, 'sources' | 'ownerName'> & {
  ownerName?: string | null;
  sources?: DeviceWithSources['sources'];
};

export type { ApplyResult, MandateStatus, NotifyPreview as LadderPreview };
export type UnitCounts = NonNullable<MandateStatus['units']>[number];

export const query = (params: Record<string, string | undefined>): string => {
  const q = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => !!e[1]),
  ).toString();
  return q ? `?${q}` : '';
};

export type { CatalogueItem, Custody, HandoverEffect, Order, Sanitisation, Shortage, StockLine };
export type StepOptions = Pick<StepBody, 'swap' | 'place' | 'reason' | 'location'>;

const STEP_OPS = {
  approve: logisticsOps.approveReplacement,
  reject: logisticsOps.rejectReplacement,
  cancel: logisticsOps.cancelReplacement,
  issue: logisticsOps.issueReplacement,
  return: logisticsOps.returnReplacement,
  writeoff: logisticsOps.writeoffReplacement,
  confirm: logisticsOps.confirmReplacement,
} as const;
const BULK_OPS = {
  approve: logisticsOps.bulkApproveReplacements,
  issue: logisticsOps.bulkIssueReplacements,
  return: logisticsOps.bulkReturnReplacements,
} as const;

export const api = {
  putItem: (id: string, item: Omit<CatalogueItem, 'id' | 'offeredBy' | 'stock'>) =>
    request(logisticsOps.putCatalogueItem, { params: { id }, body: item }),
  receive: (devices: { id: string; item: string; location: string; serial?: string }[]) =>
    request(logisticsOps.receiveStock, { body: { devices } }),
  receiveCsv: (csv: string) => request(logisticsOps.receiveStock, { body: { csv } }),
  order: (id: number) => request(logisticsOps.getReplacement, { params: { id } }),
  requestReplacement: (device: string, item: string) =>
    request(logisticsOps.requestReplacement, { body: { device, item } }),
  step: (id: number, step: OrderStepName, o: StepOptions = {}) =>
    request(STEP_OPS[step], { params: { id }, body: o }),
  preview: (id: number, swap: boolean) =>
    request(logisticsOps.previewIssue, { params: { id }, query: { swap: String(swap) } }),
  bulk: (step: 'approve' | 'issue' | 'return', orders: number[], o: StepOptions = {}) =>
    request(BULK_OPS[step], { body: { orders, ...o } }),
  recordSanitisation: (body: Input<typeof logisticsOps.recordSanitisation>['body']) =>
    request(logisticsOps.recordSanitisation, { body }),
  verifySanitisation: (id: number) => request(logisticsOps.verifySanitisation, { params: { id } }),
  /** Who is signed in; keeps the session's CSRF token for the writes that follow. */
  async me(): Promise<Me> {
    const me = await request(authOps.whoAmI, {});
    csrf = me.csrfToken;
    return me;
  },
  /** Signs in; keeps the session's CSRF token. */
  async login(email: string, password: string): Promise<void> {
    const r = await request(authOps.signIn, { body: { email, password } });
    csrf = r.csrfToken;
  },
  mandates: (): Promise<Mandate[]> => request(mandateOps.listMandates, {}),
  apply: (yaml: string, dryRun: boolean) =>
    request(statusOps.applyMandates, { body: { yaml, dryRun } }),
  people: (query: NonNullable<Input<typeof recordOps.listPeople>['query']>) =>
    request(recordOps.listPeople, { query }),
  devices: (query: NonNullable<Input<typeof recordOps.listDevices>['query']>) =>
    request(recordOps.listDevices, { query }),
  units: () => request(recordOps.listUnits, {}),
  findings: (
    mandate: string,
    f: {
      state?: string;
      unit?: string;
      asOf?: string;
      device?: string;
      owner?: string;
      sort?: string;
      offset?: number;
      limit?: number;
    } = {},
  ) =>
    request(mandateOps.listFindings, {
      query: { mandate, ...f, sort: f.sort as FindingSort | undefined },
    }),
  /**
   * Gives a device held by nobody to a person or to a unit's custody (DESIGN §5a): reads its
   * ETag, then changes that field only.
   */
  async assignDevice(id: string, to: { owner: string } | { unit: string }) {
    const d = await request(recordOps.getDevice, { params: { id } });
    return request(recordOps.updateDevice, { params: { id }, body: to }, { 'if-match': d.etag });
  },
  noOfficialUse: (device: string) =>
    request(recordOps.stateNoOfficialUse, { params: { id: device }, body: {} }),
  statusOf: async (mandate: string, o: { asOf: string; unit?: string; depth?: number }) => {
    const r = await request(statusOps.getStatus, {
      query: {
        mandate,
        byUnit: 'true',
        ...(o.asOf ? { asOf: o.asOf } : {}),
        ...(o.unit ? { unit: o.unit } : {}),
        ...(o.depth ? { depth: o.depth } : {}),
      },
    });
    const s = Array.isArray(r) ? r[0]! : r;
    return { ...s, units: s.units ?? [] };
  },
  attest: (body: { mandate: string; phase: string; unit?: string; person?: string }) =>
    request(statusOps.attestPhase, { body }),
  /** Every mandate's status as of a day (its 00:00 in the organisation's zone), or now with ''. */
  status: async (asOf: string): Promise<MandateStatus[]> => {
    const r = await request(statusOps.getStatus, { query: asOf ? { asOf } : {} });
    return Array.isArray(r) ? r : [r];
  },
};
