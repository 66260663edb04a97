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
import { request } from './client.js';
/** The console's calls to the phaseout API: same origin, session cookie, CSRF header on writes. */

let csrf: string | null = null;

/** A problem the server named: where (field, line) and why. */
export interface Problem {
  where: string;
  message: string;
  value?: string;
}

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
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
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
export type Device = Omit<DeviceWithSources, 'sources'> & {
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

export type OrderState =
  | 'requested'
  | 'approved'
  | 'issued'
  | 'returned'
  | 'sanitised'
  | 'closed'
  | 'rejected'
  | 'cancelled';

export interface Order {
  id: number;
  state: OrderState;
  mandate: string;
  device: string;
  person: string;
  unit: string;
  item: string;
  newDevice: string | null;
  /** An officer's override of a mandate that would catch the unit. */
  override?: { reason: string; by: string } | null;
  requestedAt: string;
  issuedAt: string | null;
  returnedAt: string | null;
  confirmedAt: string | null;
  reason: string | null;
}

export interface CatalogueItem {
  id: string;
  class: string;
  platform: string;
  manufacturer: string;
  model: string;
  notes: string | null;
  active: boolean;
  /** What a unit is issued for. */
  purposes: string[];
  offeredBy: string[];
  stock: { total: number; reserved: number; free: number };
}

export interface StockLine {
  item: string;
  location: string;
  total: number;
  reserved: number;
  free: number;
}

export type ShortageWarning =
  | { kind: 'short'; need: number; available: number; shortfall: number }
  | { kind: 'pace'; projectedCompletion: string | null }
  | { kind: 'due-passed'; open: number };

export interface Shortage {
  asOf: string;
  mandates: {
    mandate: string;
    due: string | null;
    items: string[];
    open: number;
    withoutOrder: number;
    awaitingApproval: number;
    available: number;
    shortfall: number;
    ratePerDay: number;
    projectedCompletion: string | null;
    warnings: ShortageWarning[];
  }[];
  items: (CatalogueItem & { awaitingApproval: number })[];
}

export interface HandoverEffect {
  opened: { mandate: string; title: string; device: string }[];
  closed: { mandate: string; title: string; device: string; reason: string }[];
}

export interface Custody {
  kind: string;
  from: string;
  to: string;
  place: string | null;
  at: string;
  recordedBy: string;
}

export interface Sanitisation {
  id: number;
  certificate: string;
  method: 'clear' | 'purge' | 'destroy';
  tool: string;
  performedOn: string;
  operator: string;
  verifier: string | null;
  state: 'recorded' | 'verified';
  devices: { id: string; description: string }[];
}

export type StepOptions = { swap?: boolean; place?: string; reason?: string; location?: string };

export const api = {
  catalogue: () => call<CatalogueItem[]>('GET', '/catalogue'),
  stock: () => call<StockLine[]>('GET', '/stock'),
  putItem: (id: string, item: Omit<CatalogueItem, 'id' | 'offeredBy' | 'stock'>) =>
    call<CatalogueItem>('PUT', `/catalogue/${encodeURIComponent(id)}`, item),
  receive: (devices: { id: string; item: string; location: string; serial?: string }[]) =>
    call<{ received: number }>('POST', '/stock', { devices }),
  receiveCsv: (csv: string) => call<{ received: number }>('POST', '/stock', { csv }),
  orders: (f: { state?: string; person?: string; device?: string; unconfirmed?: string } = {}) =>
    call<Order[]>('GET', `/replacements${query(f)}`),
  shortage: () => call<Shortage>('GET', '/replacements/shortage'),
  order: (id: number) =>
    call<
      Order & {
        events: {
          step: string;
          by: string;
          at: string;
          place: string | null;
          note: string | null;
        }[];
      }
    >('GET', `/replacements/${id}`),
  requestReplacement: (device: string, item: string) =>
    call<Order>('POST', '/replacements', { device, item }),
  step: (
    id: number,
    step: 'approve' | 'reject' | 'cancel' | 'issue' | 'return' | 'writeoff' | 'confirm',
    o: StepOptions = {},
  ) => call<Order & { effect?: HandoverEffect }>('POST', `/replacements/${id}/${step}`, o),
  preview: (id: number, swap: boolean) =>
    call<HandoverEffect>('GET', `/replacements/${id}/preview${query({ swap: String(swap) })}`),
  bulk: (step: 'approve' | 'issue' | 'return', orders: number[], o: StepOptions = {}) =>
    call<{ done: Order[] }>('POST', `/replacements/bulk/${step}`, { orders, ...o }),
  custody: (device: string) =>
    call<Custody[]>('GET', `/devices/${encodeURIComponent(device)}/custody`),
  sanitisations: () => call<Sanitisation[]>('GET', '/sanitisations'),
  recordSanitisation: (body: {
    devices: string[];
    method: string;
    tool: string;
    performedOn: string;
  }) => call<Sanitisation>('POST', '/sanitisations', body),
  verifySanitisation: (id: number) => call<Sanitisation>('POST', `/sanitisations/${id}/verify`),
  ladder: (mandate: string) => request(statusOps.getMandateLadder, { params: { id: mandate } }),
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
  mandate: (id: string): Promise<MandateDetail> =>
    request(mandateOps.getMandate, { params: { id } }),
  apply: (yaml: string, dryRun: boolean) =>
    request(statusOps.applyMandates, { body: { yaml, dryRun } }),
  people: (q: { q?: string; unit?: string; active?: string; limit?: string }) =>
    request(recordOps.listPeople, {
      query: {
        ...(q.q ? { q: q.q } : {}),
        ...(q.unit ? { unit: q.unit } : {}),
        ...(q.active ? { active: q.active } : {}),
        limit: q.limit ?? '50',
      },
    }),
  person: (id: string) => request(recordOps.getPerson, { params: { id } }),
  devices: (f: Record<string, string>) =>
    request(recordOps.listDevices, { query: { ...f, limit: '100' } }),
  device: (id: string) => request(recordOps.getDevice, { params: { id } }),
  units: () => request(recordOps.listUnits, {}),
  devicesOf: (owner: string) => request(recordOps.listDevices, { query: { owner } }),
  findings: (
    mandate: string,
    f: { state?: string; unit?: string; asOf?: string; device?: string; owner?: string } = {},
  ) => request(mandateOps.listFindings, { query: { mandate, ...f } }),
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
  series: (mandate: string, asOf: string) =>
    request(mandateOps.getStatusSeries, { query: { mandate, ...(asOf ? { asOf } : {}) } }),
  /** Every mandate's status as of a day (its 00:00 in the organisation's zone), or now with ''. */
  status: async (asOf: string): Promise<MandateStatus[]> => {
    const r = await request(statusOps.getStatus, { query: asOf ? { asOf } : {} });
    return Array.isArray(r) ? r : [r];
  },
};
