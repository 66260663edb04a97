import type { Clock } from '../adapters/clock.js';
import type { Mailer } from '../adapters/mail.js';
import type { Webhook } from '../adapters/webhook.js';
import type { Language } from '../domain/notify.messages.js';
import type { Addressee, Route } from '../domain/notify.rules.js';
import type { makeStatusService } from '../services/status.service.js';
import { listOfficerAddresses, listPersonLanguages } from '../store/accounts.repository.js';
import type { Store } from '../store/database.js';
import type { OutboxRow } from '../store/outbox.repository.js';
import type { StoredPerson } from '../store/people.repository.js';
import type { Db } from '../store/schema.js';

export interface NotifierDeps {
  store: Store;
  clock: Clock;
  mailer: Mailer | null;
  webhook: Webhook | null;
  /** The app's status service: reports carry the numbers `status` gives. */
  status: ReturnType<typeof makeStatusService>;
  publicUrl: string | null;
  language: Language;
  /** How long a sender owns a message it claimed; after that another may try again. */
  leaseMs?: number;
  everyMs?: number;
}

/** What the planners, the reporter and the sender share. */
export interface NotifyContext extends NotifierDeps {
  /** Where links in messages point, without a trailing slash; null: no links. */
  baseUrl: string | null;
  /** With no mail and no webhook nothing is planned, so nothing piles up. */
  enabled: boolean;
}

export function notifyContext(deps: NotifierDeps): NotifyContext {
  return {
    ...deps,
    baseUrl: deps.publicUrl?.replace(/\/$/, '') ?? null,
    enabled: deps.mailer !== null || deps.webhook !== null,
  };
}

export const asLanguage = (l: string | null): Language | null =>
  l === 'en' || l === 'ru' ? l : null;

/** Who is addressed in a round: officers, and the language of each person who chose one. */
export async function addressBook(db: Db) {
  const languages = new Map<string, Language>();
  for (const [person, l] of await listPersonLanguages(db)) {
    const language = asLanguage(l);
    if (language) languages.set(person, language);
  }
  const officers: Addressee[] = (await listOfficerAddresses(db)).map((a) => ({
    key: `account:${a.email}`,
    address: a.email,
    language: asLanguage(a.language),
  }));
  return {
    officers,
    /** A person as an addressee, or nobody when there is no such person. */
    person: (p: StoredPerson | undefined, id: string | null): Addressee[] =>
      id ? [{ key: id, address: p?.email ?? null, language: languages.get(id) ?? null }] : [],
  };
}

/** The fields a planner gives a message; the outbox fills in the rest. */
export type PlannedBase = Omit<
  OutboxRow,
  | 'recipient'
  | 'address'
  | 'channel'
  | 'body'
  | 'state'
  | 'error'
  | 'attempts'
  | 'next_at'
  | 'lease_until'
  | 'sent_at'
  | 'rerouted'
>;

/**
 * One row per e-mail recipient (dead at once when they have no address) and one for the webhook;
 * `rerouted` says where a step went instead of the rung it asked for, and why.
 */
export function outboxRows(
  ctx: NotifyContext,
  base: PlannedBase,
  to: readonly Addressee[],
  compose: (language: Language) => { subject: string; text: string },
  payload: object,
  rerouted: Route['rerouted'] = null,
): OutboxRow[] {
  const rows: OutboxRow[] = [];
  const fresh = {
    ...base,
    attempts: 0,
    next_at: base.created_at,
    lease_until: null,
    sent_at: null,
    rerouted: rerouted ? JSON.stringify(rerouted) : null,
  };
  if (ctx.mailer)
    for (const r of to) {
      const language = r.language ?? ctx.language;
      const text = compose(language);
      rows.push({
        ...fresh,
        language,
        subject: text.subject,
        recipient: r.key,
        address: r.address ?? '',
        channel: 'email',
        body: text.text,
        state: r.address ? 'queued' : 'dead',
        error: r.address ? null : 'no e-mail address',
      });
    }
  if (ctx.webhook)
    rows.push({
      ...fresh,
      recipient: 'webhook',
      address: '',
      channel: 'webhook',
      body: JSON.stringify(payload),
      state: 'queued',
      error: null,
    });
  return rows;
}
