/** The console's calls to the phaseout API: same origin, session cookie, CSRF header on writes. */

let csrf: string | null = null;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!res.ok)
    throw new ApiError(res.status, data.error ?? 'error', data.message ?? res.statusText);
  return data as T;
}

export interface Me {
  email: string;
  roles: string[];
  personId: string | null;
  units: string[];
  csrfToken: string | null;
}

export interface Phase {
  id: string;
  title?: string;
  requires: 'resolve' | 'attest';
  due?: string;
  state: 'upcoming' | 'open' | 'met' | 'missed';
  required?: number;
  attested?: number;
}

export interface MandateStatus {
  mandate: string;
  title: string;
  asOf: string;
  unit?: string;
  due: string | null;
  devices: { pending: number; overdue: number; exempt: number; resolved: number };
  people: { inScope: number; affected: number; nonCompliant: number; overdue: number };
  phases: Phase[];
  forecast: { ratePerDay: number; projectedCompletion: string | null; onTrack: boolean };
}

export const api = {
  async me(): Promise<Me> {
    const me = await call<Me>('GET', '/auth/me');
    csrf = me.csrfToken;
    return me;
  },
  async login(email: string, password: string): Promise<void> {
    const r = await call<{ csrfToken: string }>('POST', '/auth/login', { email, password });
    csrf = r.csrfToken;
  },
  logout: () => call<{ ok: boolean }>('POST', '/auth/logout'),
  status: (asOf: string): Promise<MandateStatus[]> =>
    call<MandateStatus[] | MandateStatus>('GET', `/status?asOf=${encodeURIComponent(asOf)}`).then(
      (r) => (Array.isArray(r) ? r : [r]),
    ),
};
