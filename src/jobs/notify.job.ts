import { sql, type Selectable } from 'kysely';
import type { Visibility } from '../domain/access.policy.js';
import { visibleCondition } from '../store/directory.repository.js';
import type { Clock } from '../adapters/clock.js';
import type { Mailer } from '../adapters/mail.js';
import type { Webhook } from '../adapters/webhook.js';
import {
  composeDigest,
  composeCampaignMessage,
  composeMessage,
  composeCollect,
  composeReceipt,
  composeReport,
  type Language,
} from '../domain/notify.messages.js';
import {
  dueMessages,
  ladderForDue,
  ladderOf,
  type DueMessage,
  type Ladder,
} from '../domain/notify.rules.js';
import { listCampaignPeople, listCampaigns } from '../store/campaigns.repository.js';
import { listPeopleInScope } from '../store/scope.repository.js';
import { addDuration, dayOf, formatInstant, startOfDay } from '../domain/time.js';
import { isAtOrBelow, unitPathAncestry } from '../domain/unit-path.js';
import { loadActiveMandates, type LoadedMandate } from '../services/evaluation.service.js';
import type { makeStatusService } from '../services/status.service.js';
import type { FindingAtRow } from '../store/status.repository.js';
import { DateTime, Duration } from 'luxon';
import { reportCsv, reportPdf } from '../adapters/report.js';
import { campaignsForReport } from '../services/campaign.service.js';
import { exemptionRegisterAt } from '../services/exemption.service.js';
import { scopeOf } from '../domain/scope.js';
import { exemptionRegisterCsv } from '../services/register.csv.js';
import { listAttestations } from '../store/attestations.repository.js';
import { DEFAULT_NOTIFY, resolvePhaseOf, type Notify } from '../domain/mandate.model.js';
import { isOverdue } from '../domain/status.rules.js';
import { getTimeZone } from '../services/settings.service.js';
import type { Store } from '../store/database.js';
import { getDevicesByIds } from '../store/devices.repository.js';
import { getPeopleByIds, type StoredPerson } from '../store/people.repository.js';
import type { Db, NotificationsTable } from '../store/schema.js';
import { listFindingsAt } from '../store/status.repository.js';
import { chunks, writeTransaction } from '../store/transaction.js';

const MAX_ATTEMPTS = 6;
const asLanguage = (l: string | null): Language | null => (l === 'en' || l === 'ru' ? l : null);

/** 1, 2, 4, 8, 16 minutes between attempts. */
const backoff = (attempts: number) => 60_000 * 2 ** Math.max(0, attempts - 1);

interface Recipient {
  key: string;
  address: string | null;
  /** The language the recipient's account reads in, if they have one and chose. */
  language: Language | null;
}

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

/**
 * Reminders and escalations by e-mail, exactly once per (finding, step, recipient):
 * `plan` writes the messages the ladders ask for into the outbox (a unique key makes a second
 * scheduler, or a restart, a no-op), `deliver` claims each queued message with a lease, sends it
 * and marks it sent. With no mail configured nothing is planned, so nothing piles up.
 */
/** Days after a handover on which an unconfirmed receipt is reminded. */
const RECEIPT_STEPS = [1, 3, 7] as const;

export function makeNotifier(deps: NotifierDeps) {
  const { store, clock, mailer, webhook } = deps;
  const { status } = deps;
  /** Where links in messages point, without a trailing slash; null: no links. */
  const baseUrl = deps.publicUrl?.replace(/\/$/, '') ?? null;
  const enabled = mailer !== null || webhook !== null;

  async function unitHead(db: Db, unit: string): Promise<string | null> {
    for (const u of [...unitPathAncestry(unit)].reverse()) {
      const row = await db
        .selectFrom('units')
        .select('head_person_id')
        .where('path', '=', u)
        .executeTakeFirst();
      if (row?.head_person_id) return row.head_person_id;
    }
    return null;
  }

  async function officers(db: Db): Promise<Recipient[]> {
    const rows = await db
      .selectFrom('accounts')
      .select(['email', 'roles', 'language'])
      .where('disabled', '=', 0)
      .execute();
    return rows
      .filter((a) => (JSON.parse(a.roles) as string[]).includes('officer'))
      .map((a) => ({
        key: `account:${a.email}`,
        address: a.email,
        language: asLanguage(a.language),
      }));
  }

  /** The language each person's account reads in, for the people who have one. */
  async function languagesOf(db: Db): Promise<Map<string, Language>> {
    const rows = await db
      .selectFrom('accounts')
      .select(['person_id', 'language'])
      .where('person_id', 'is not', null)
      .where('language', 'is not', null)
      .execute();
    return new Map(rows.map((r) => [r.person_id!, asLanguage(r.language)!]));
  }
  let languages = new Map<string, Language>();

  const personRecipient = (p: StoredPerson | undefined, id: string | null): Recipient[] =>
    id ? [{ key: id, address: p?.email ?? null, language: languages.get(id) ?? null }] : [];

  /** One row per e-mail recipient (dead at once when they have no address) and one for the webhook. */
  function outboxRows(
    base: Omit<
      NotificationsTable,
      | 'id'
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
    >,
    to: Recipient[],
    compose: (language: Language) => { subject: string; text: string },
    payload: object,
  ): Omit<NotificationsTable, 'id'>[] {
    const rows: Omit<NotificationsTable, 'id'>[] = [];
    const fresh = {
      ...base,
      attempts: 0,
      next_at: base.created_at,
      lease_until: null,
      sent_at: null,
    };
    if (mailer)
      for (const r of to) {
        const language = r.language ?? deps.language;
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
    if (webhook)
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

  /** Inserts what is not there yet; the unique key makes a second planner a no-op. */
  async function insertRows(tx: Db, rows: Omit<NotificationsTable, 'id'>[]): Promise<number> {
    let n = 0;
    for (const part of chunks(rows, 500)) {
      const res = await tx
        .insertInto('notifications')
        .values(part)
        .onConflict((oc) => oc.columns(['finding_id', 'step', 'recipient', 'channel']).doNothing())
        .executeTakeFirst();
      n += Number(res.numInsertedOrUpdatedRows ?? 0n);
    }
    return n;
  }

  /** One digest per unit head, mandate and day or week, listing their open, unexempted findings. */
  async function planDigests(
    tx: Db,
    m: LoadedMandate,
    ladder: Ladder,
    open: FindingAtRow[],
    now: number,
    zone: string,
  ): Promise<number> {
    const period =
      ladder.digest === 'daily'
        ? dayOf(now, zone)
        : DateTime.fromMillis(now, { zone }).toFormat("kkkk-'W'WW");
    const units = await tx
      .selectFrom('units')
      .select(['path', 'head_person_id'])
      .where('head_person_id', 'is not', null)
      .execute();
    const byHead = new Map<string, string[]>();
    for (const u of units)
      byHead.set(u.head_person_id!, [...(byHead.get(u.head_person_id!) ?? []), u.path]);
    const stragglers = open.filter((f) => f.exempt !== 1);
    if (stragglers.length === 0 || byHead.size === 0) return 0;
    const people = await getPeopleByIds(tx, [
      ...byHead.keys(),
      ...new Set(stragglers.map((f) => f.owner_id)),
    ]);
    const due = resolvePhaseOf(m.doc)!.due!;
    const prefix = `digest-${m.id}-${period}-`;
    const done = new Set(
      (
        await tx
          .selectFrom('notifications')
          .select('step')
          .where('mandate_id', '=', m.id)
          .where('step', 'like', `${prefix}%`)
          .execute()
      ).map((r) => r.step.slice(prefix.length)),
    );
    let n = 0;
    for (const [head, paths] of byHead) {
      if (done.has(head)) continue;
      const mine = stragglers.filter((f) => paths.some((u) => isAtOrBelow(f.unit, u)));
      if (mine.length === 0) continue;
      const compose = (language: Language) =>
        composeDigest(
          {
            mandateTitle: m.doc.metadata.title,
            units: paths,
            due,
            lines: mine.map((f) => ({
              owner: f.owner_id,
              name: people.get(f.owner_id)?.name ?? f.owner_id,
              device: f.device_id,
              overdue: isOverdue(now, ladder.overdueAt),
            })),
            link: baseUrl ? `${baseUrl}/console/#/dashboard` : null,
          },
          language,
        );
      const text = compose(deps.language);
      const step = `${prefix}${head}`;
      n += await insertRows(
        tx,
        outboxRows(
          {
            finding_id: 0,
            mandate_id: m.id,
            device_id: '',
            owner_id: head,
            step,
            language: deps.language,
            subject: text.subject,
            due_at: now,
            created_at: now,
            report_id: null,
          },
          personRecipient(people.get(head), head),
          compose,
          {
            event: 'digest',
            mandate: m.id,
            period,
            head,
            units: paths,
            findings: mine.map((f) => ({ device: f.device_id, owner: f.owner_id, unit: f.unit })),
            subject: text.subject,
            text: text.text,
          },
        ),
      );
    }
    return n;
  }

  /**
   * Declaration campaigns: people in scope who have not confirmed are reminded before the due
   * date and escalated after it, with the default ladder, exactly once per person, step and
   * recipient (the outbox's unique key), like findings.
   */
  async function planCampaignMessages(
    now: number,
    zone: string,
    officerList: Recipient[],
  ): Promise<number> {
    let planned = 0;
    for (const c of await listCampaigns(store.db)) {
      const ladder = ladderForDue(
        c.due_day,
        c.notify ? (JSON.parse(c.notify) as Notify) : DEFAULT_NOTIFY,
        zone,
      );
      const scope = JSON.parse(c.scope) as { units: string[]; tags: string[] };
      const ids = await listPeopleInScope(store.db, {
        units: scope.units,
        tags: new Set(scope.tags),
        excludePeople: new Set(),
        excludeTags: new Set(),
      });
      const confirmed = new Map(
        (await listCampaignPeople(store.db, c.id)).map((r) => [r.person_id, r.confirmed_at]),
      );
      const prefix = `campaign:${c.id}:`;
      const done = new Set(
        (
          await store.db
            .selectFrom('notifications')
            .select('step')
            .where('finding_id', '=', 0)
            .where('step', 'like', `${prefix}%`)
            .execute()
        ).map((r) => r.step),
      );
      const asks = ids.flatMap((person) =>
        dueMessages(
          ladder,
          { opened: c.opened_at, closed: confirmed.get(person) ?? null, exemptAt: () => false },
          now,
          zone,
        )
          .map((msg) => ({ person, msg, step: `${prefix}${person}:${msg.key}` }))
          .filter((a) => !done.has(a.step)),
      );
      for (const part of chunks(asks, 2000)) {
        planned += await writeTransaction(store, async (tx) => {
          const people = await getPeopleByIds(tx, [...new Set(part.map((a) => a.person))]);
          const supervisors = await getPeopleByIds(
            tx,
            [...people.values()].flatMap((p) => (p.supervisor ? [p.supervisor] : [])),
          );
          const rows: Omit<NotificationsTable, 'id'>[] = [];
          for (const { person, msg, step } of part) {
            const p = people.get(person);
            let to: Recipient[];
            if (msg.to === 'official') to = personRecipient(p, person);
            else if (msg.to === 'supervisor')
              to = personRecipient(
                p?.supervisor ? supervisors.get(p.supervisor) : undefined,
                p?.supervisor ?? null,
              );
            else if (msg.to === 'unit-head') {
              const head = p ? await unitHead(tx, p.unit) : null;
              to = personRecipient(
                head ? (await getPeopleByIds(tx, [head])).get(head) : undefined,
                head,
              );
            } else to = officerList;
            const link = baseUrl
              ? `${baseUrl}/console/#/${msg.to === 'official' ? 'mine' : 'campaigns'}`
              : null;
            const compose = (language: Language) =>
              composeCampaignMessage(
                {
                  kind: msg.to === 'official' ? 'remind' : 'escalate',
                  campaignTitle: c.title,
                  person: { id: person, name: p?.name ?? person },
                  due: c.due_day,
                  link,
                },
                language,
              );
            const text = compose(deps.language);
            rows.push(
              ...outboxRows(
                {
                  finding_id: 0,
                  mandate_id: `campaign:${c.id}`,
                  device_id: '',
                  owner_id: person,
                  step,
                  language: deps.language,
                  subject: text.subject,
                  due_at: msg.at,
                  created_at: now,
                  report_id: null,
                },
                to,
                compose,
                {
                  event: msg.to === 'official' ? 'declaration-reminder' : 'declaration-escalation',
                  campaign: c.id,
                  person,
                  step: msg.key,
                  to: msg.to,
                  recipients: to.map((r) => ({ id: r.key, email: r.address })),
                  due: c.due_day,
                  subject: text.subject,
                  text: text.text,
                  link,
                },
              ),
            );
          }
          return insertRows(tx, rows);
        });
      }
    }
    return planned;
  }

  async function plan(now = clock.now()): Promise<number> {
    if (!enabled) return 0;
    const zone = await getTimeZone(store.db);
    let planned = 0;
    languages = await languagesOf(store.db);
    const officerList = await officers(store.db);
    for (const m of await loadActiveMandates(store.db, zone)) {
      const ladder = ladderOf(m.doc, zone);
      if (!ladder) continue;
      const due = resolvePhaseOf(m.doc)!.due!;
      const open = (await listFindingsAt(store.db, m.id, now)).filter(
        (f) => f.closed_at === null || f.closed_at > now,
      );
      const asks: { f: (typeof open)[number]; msg: DueMessage }[] = [];
      for (const f of open) {
        const life = { opened: f.opened_at, closed: f.closed_at, exemptAt: () => f.exempt === 1 };
        for (const msg of dueMessages(ladder, life, now, zone)) asks.push({ f, msg });
      }
      if (ladder.digest !== 'none' && now >= m.issuedAt)
        planned += await writeTransaction(store, (tx) =>
          planDigests(tx, m, ladder, open, now, zone),
        );
      // A few thousand findings per transaction: other writers wait seconds, not minutes.
      for (const part of chunks(asks, 5000)) {
        planned += await writeTransaction(store, async (tx) => {
          let asks = part;
          // Steps planned in an earlier round are skipped before any recipient is looked up.
          const done = new Set(
            (
              await tx
                .selectFrom('notifications')
                .select(['finding_id', 'step'])
                .where('mandate_id', '=', m.id)
                .where('finding_id', 'in', [...new Set(asks.map((a) => a.f.id))])
                .where('step', 'in', [...new Set(asks.map((a) => a.msg.key))])
                .execute()
            ).map((r) => `${Number(r.finding_id)} ${r.step}`),
          );
          asks = asks.filter((a) => !done.has(`${a.f.id} ${a.msg.key}`));
          if (asks.length === 0) return 0;
          const batch: Omit<NotificationsTable, 'id'>[] = [];
          const owners = await getPeopleByIds(tx, [...new Set(asks.map((a) => a.f.owner_id))]);
          const supervisors = await getPeopleByIds(
            tx,
            [...owners.values()].flatMap((p) => (p.supervisor ? [p.supervisor] : [])),
          );
          const devices = await getDevicesByIds(tx, [...new Set(asks.map((a) => a.f.device_id))]);
          const heads = new Map<string, Recipient[]>();
          // One message per person per finding and round: a supervisor who is also the unit
          // head, or two steps due at once, gives one message; the other is kept as merged.
          const told = new Map<number, Map<string, string>>();
          for (const { f, msg } of asks) {
            const owner = owners.get(f.owner_id);
            let to: Recipient[];
            if (msg.to === 'official') to = personRecipient(owner, f.owner_id);
            else if (msg.to === 'supervisor')
              to = personRecipient(
                owner?.supervisor ? supervisors.get(owner.supervisor) : undefined,
                owner?.supervisor ?? null,
              );
            else if (msg.to === 'unit-head') {
              if (!heads.has(f.unit)) {
                const id = await unitHead(tx, f.unit);
                const person = id ? (await getPeopleByIds(tx, [id])).get(id) : undefined;
                heads.set(f.unit, personRecipient(person, id));
              }
              to = heads.get(f.unit)!;
            } else to = officerList;
            const toldHere = told.get(f.id) ?? new Map<string, string>();
            told.set(f.id, toldHere);
            const merged = to.filter((r) => toldHere.has(r.key));
            to = to.filter((r) => !toldHere.has(r.key));
            for (const r of to) toldHere.set(r.key, msg.key);
            const device = devices.get(f.device_id);
            const link = baseUrl
              ? `${baseUrl}/console/#/${msg.to === 'official' ? 'mine' : `people/${encodeURIComponent(f.owner_id)}`}`
              : null;
            const compose = (language: Language) =>
              composeMessage(
                {
                  to: msg.to,
                  kind: msg.to === 'official' ? 'remind' : 'escalate',
                  mandateTitle: m.doc.metadata.title,
                  device: f.device_id,
                  deviceModel: device?.model ?? null,
                  owner: { id: f.owner_id, name: owner?.name ?? f.owner_id },
                  due,
                  link,
                },
                language,
              );
            const text = compose(deps.language);
            const base = {
              finding_id: f.id,
              mandate_id: m.id,
              device_id: f.device_id,
              owner_id: f.owner_id,
              step: msg.key,
              language: deps.language,
              subject: text.subject,
              due_at: msg.at,
              created_at: now,
              report_id: null,
            };
            batch.push(
              ...outboxRows(base, to, compose, {
                event: msg.to === 'official' ? 'reminder' : 'escalation',
                mandate: m.id,
                device: f.device_id,
                owner: f.owner_id,
                unit: f.unit,
                step: msg.key,
                to: msg.to,
                recipients: to.map((r) => ({ id: r.key, email: r.address })),
                due,
                stepDueAt: formatInstant(msg.at),
                language: deps.language,
                subject: text.subject,
                text: text.text,
                link,
              }),
            );
            if (mailer)
              for (const r of merged)
                batch.push({
                  ...base,
                  recipient: r.key,
                  address: r.address ?? '',
                  channel: 'email',
                  body: '',
                  state: 'merged',
                  error: `told once, with step ${toldHere.get(r.key)}`,
                  attempts: 0,
                  next_at: now,
                  lease_until: null,
                  sent_at: null,
                });
          }
          return insertRows(tx, batch);
        });
      }
    }
    return (
      planned +
      (await planOrderMessages(now)) +
      (await planCampaignMessages(now, zone, officerList))
    );
  }

  /**
   * Messages about replacement orders, to the official: once when approved (what is reserved and
   * where to collect it), and reminders to confirm receipt 1, 3 and 7 days after the handover,
   * only the latest step that has fallen due, until they confirm.
   */
  async function planOrderMessages(now: number): Promise<number> {
    const zone = await getTimeZone(store.db);
    const orders = await store.db
      .selectFrom('replacement_orders as o')
      .leftJoin('stock_units as s', 's.device_id', 'o.new_device_id')
      .select([
        'o.id',
        'o.finding_id',
        'o.mandate_id',
        'o.old_device_id',
        'o.person_id',
        'o.new_device_id',
        'o.state',
        'o.approved_at',
        'o.issued_at',
        's.location',
      ])
      .where((eb) =>
        eb.or([
          eb('o.state', '=', 'approved'),
          eb.and([
            eb('o.issued_at', 'is not', null),
            eb('o.confirmed_at', 'is', null),
            eb('o.state', 'in', ['issued', 'returned', 'sanitised']),
          ]),
        ]),
      )
      .execute();
    const asks = orders.flatMap((o) => {
      if (o.state === 'approved')
        return o.approved_at === null
          ? []
          : [{ o, key: `order-${o.id}:collect`, at: o.approved_at }];
      const step = [...RECEIPT_STEPS].reverse().find((d) => o.issued_at! + d * 86_400_000 <= now);
      return step === undefined
        ? []
        : [{ o, key: `order-${o.id}:receipt-P${step}D`, at: o.issued_at! + step * 86_400_000 }];
    });
    if (asks.length === 0) return 0;
    return writeTransaction(store, async (tx) => {
      const people = await getPeopleByIds(tx, [...new Set(asks.map((a) => a.o.person_id))]);
      const devices = await getDevicesByIds(
        tx,
        asks.flatMap((a) => (a.o.new_device_id ? [a.o.new_device_id] : [])),
      );
      const link = baseUrl ? `${baseUrl}/console/#/mine` : null;
      const rows: Omit<NotificationsTable, 'id'>[] = [];
      for (const { o, key, at } of asks) {
        const facts = {
          newDevice: o.new_device_id ?? '',
          model: devices.get(o.new_device_id ?? '')?.model ?? null,
          link,
        };
        const compose = (language: Language) =>
          key.endsWith(':collect')
            ? composeCollect({ ...facts, location: o.location }, language)
            : composeReceipt({ ...facts, issuedOn: dayOf(o.issued_at!, zone) }, language);
        const text = compose(deps.language);
        rows.push(
          ...outboxRows(
            {
              finding_id: Number(o.finding_id),
              mandate_id: o.mandate_id,
              device_id: o.new_device_id ?? o.old_device_id,
              owner_id: o.person_id,
              step: key,
              language: deps.language,
              subject: text.subject,
              due_at: at,
              created_at: now,
              report_id: null,
            },
            personRecipient(people.get(o.person_id), o.person_id),
            compose,
            {
              event: key.endsWith(':collect') ? 'replacement-approved' : 'receipt-reminder',
              order: Number(o.id),
              device: o.new_device_id,
              owner: o.person_id,
              location: o.location,
              step: key,
              subject: text.subject,
              text: text.text,
              link,
            },
          ),
        );
      }
      return insertRows(tx, rows);
    });
  }

  /** Sends what is queued and due; each message is claimed first, so one sender sends it. */
  async function deliver(now = clock.now()): Promise<{ sent: number; failed: number }> {
    if (!enabled) return { sent: 0, failed: 0 };
    let sent = 0;
    let failed = 0;
    const candidates = await store.db
      .selectFrom('notifications')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('next_at', '<=', now)]),
          eb.and([eb('state', '=', 'sending'), eb('lease_until', '<', now)]),
        ]),
      )
      .orderBy('id')
      .limit(200)
      .execute();
    for (const n of candidates) {
      // A message about an order is not sent once it no longer applies: the receipt was
      // confirmed, or the approved device was handed over or the order ended.
      const about = /^order-(\d+):(collect|receipt)/.exec(n.step);
      if (about) {
        const o = await store.db
          .selectFrom('replacement_orders')
          .select(['state', 'confirmed_at'])
          .where('id', '=', Number(about[1]))
          .executeTakeFirst();
        const over =
          about[2] === 'collect' ? o?.state !== 'approved' : (o?.confirmed_at ?? null) !== null;
        if (over) {
          await store.db
            .updateTable('notifications')
            .set({
              state: 'dead',
              lease_until: null,
              error:
                about[2] === 'collect'
                  ? 'the device was handed over, or the order ended, before it was sent'
                  : 'the receipt was confirmed before it was sent',
            })
            .where('id', '=', n.id)
            .where('attempts', '=', n.attempts)
            .execute();
          continue;
        }
      }
      // A retry about a finding that has closed since is not sent.
      else if (n.finding_id > 0 && n.attempts > 0) {
        const f = await store.db
          .selectFrom('findings')
          .select('closed_at')
          .where('id', '=', n.finding_id)
          .executeTakeFirst();
        if (f?.closed_at != null && f.closed_at <= now) {
          await store.db
            .updateTable('notifications')
            .set({
              state: 'dead',
              lease_until: null,
              error: 'the finding closed before it was sent',
            })
            .where('id', '=', n.id)
            .where('attempts', '=', n.attempts)
            .execute();
          continue;
        }
      }
      const claim = await store.db
        .updateTable('notifications')
        .set({
          state: 'sending',
          lease_until: now + (deps.leaseMs ?? 120_000),
          attempts: n.attempts + 1,
        })
        .where('id', '=', n.id)
        .where('attempts', '=', n.attempts)
        .where('state', 'in', ['queued', 'sending'])
        .executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) continue;
      try {
        const deliveryId = `notification-${n.id}-${n.finding_id}`;
        if (n.channel === 'webhook') {
          if (!webhook) throw new Error('no webhook is configured any more');
          await webhook.post(JSON.parse(n.body) as object, deliveryId);
        } else {
          if (!mailer) throw new Error('no mail is configured any more');
          const report =
            n.report_id === null
              ? undefined
              : await store.db
                  .selectFrom('reports')
                  .select(['csv', 'pdf', 'day', 'mandate_id', 'register_csv'])
                  .where('id', '=', n.report_id)
                  .executeTakeFirst();
          await mailer.send({
            to: n.address,
            subject: n.subject,
            text: n.body,
            messageId: `<${deliveryId}@phaseout>`,
            language: n.language,
            ...(report
              ? {
                  attachments: [
                    {
                      filename: `${report.mandate_id}-${report.day}.pdf`,
                      content: Buffer.from(report.pdf),
                      contentType: 'application/pdf',
                    },
                    {
                      filename: `${report.mandate_id}-${report.day}.csv`,
                      content: Buffer.from(report.csv, 'utf8'),
                      contentType: 'text/csv; charset=utf-8',
                    },
                    ...(report.register_csv !== null
                      ? [
                          {
                            filename: `${report.mandate_id}-${report.day}-exemptions.csv`,
                            content: Buffer.from(report.register_csv, 'utf8'),
                            contentType: 'text/csv; charset=utf-8',
                          },
                        ]
                      : []),
                  ],
                }
              : {}),
          });
        }
        await store.db
          .updateTable('notifications')
          .set({ state: 'sent', sent_at: now, lease_until: null, error: null })
          .where('id', '=', n.id)
          .execute();
        sent++;
      } catch (e) {
        failed++;
        const attempts = n.attempts + 1;
        await store.db
          .updateTable('notifications')
          .set({
            state: attempts >= MAX_ATTEMPTS ? 'dead' : 'queued',
            next_at: now + backoff(attempts),
            lease_until: null,
            error: e instanceof Error ? e.message.slice(0, 500) : String(e),
          })
          .where('id', '=', n.id)
          .execute();
      }
    }
    return { sent, failed };
  }

  /**
   * The latest report each mandate's `reports` schedule asks for by `now`, made once (a unique
   * day per mandate) and kept; mailed to its `to` addresses and posted to the webhook. After
   * downtime only the latest is made, not every missed one.
   */
  async function makeReports(now = clock.now()): Promise<number> {
    const zone = await getTimeZone(store.db);
    let made = 0;
    for (const m of await loadActiveMandates(store.db, zone)) {
      const r = m.doc.spec.reports;
      if (!r) continue;
      let at = startOfDay(r.from ?? m.doc.metadata.issuedAt, zone);
      if (now < at) continue;
      const every = Duration.fromISO(r.every);
      for (
        let next = addDuration(at, every, zone);
        next <= now;
        next = addDuration(at, every, zone)
      )
        at = next;
      const day = dayOf(at, zone);
      const exists = await store.db
        .selectFrom('reports')
        .select('id')
        .where('mandate_id', '=', m.id)
        .where('day', '=', day)
        .executeTakeFirst();
      if (exists) continue;
      const s = await status.status(m.id, { asOf: day, byUnit: true, depth: 3 });
      const csv = reportCsv(s);
      const register = await exemptionRegisterAt(store.db, m.id, at);
      const attested = (await listAttestations(store.db, { mandate: m.id })).filter(
        (a) => a.attested_at <= at,
      );
      const names = await getPeopleByIds(
        store.db,
        attested.map((a) => a.by_person_id),
      );
      const campaigns = await campaignsForReport(store.db, scopeOf(m.doc), at);
      const pdf = await reportPdf(s, day, deps.language, new Date(now), {
        campaigns,
        exemptions: register.filter((e) => e.state === 'approved'),
        attestations: attested.map((a) => ({
          phase: a.phase_id,
          unit: a.unit,
          person: a.person_id,
          byName: names.get(a.by_person_id)?.name ?? a.by_person_id,
          at: formatInstant(a.attested_at),
          note: a.note,
        })),
      });
      const registerCsv = exemptionRegisterCsv(register);
      made += await writeTransaction(store, async (tx) => {
        const inserted = await tx
          .insertInto('reports')
          .values({
            mandate_id: m.id,
            day,
            as_of: at,
            created_at: now,
            csv,
            pdf,
            register_csv: registerCsv,
          })
          .onConflict((oc) => oc.columns(['mandate_id', 'day']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return 0;
        const id = Number(inserted.id);
        const compose = (language: Language) =>
          composeReport(
            {
              mandateTitle: m.doc.metadata.title,
              day,
              devices: s.devices,
              people: s.people,
              campaigns,
            },
            language,
          );
        const text = compose(deps.language);
        const links = baseUrl
          ? {
              pdf: `${baseUrl}/api/v1/reports/${id}/pdf`,
              csv: `${baseUrl}/api/v1/reports/${id}/csv`,
            }
          : null;
        if (enabled)
          await insertRows(
            tx,
            outboxRows(
              {
                finding_id: 0,
                mandate_id: m.id,
                device_id: '',
                owner_id: '',
                step: `report-${m.id}-${day}`,
                language: deps.language,
                subject: text.subject,
                due_at: at,
                created_at: now,
                report_id: id,
              },
              r.to.map((address) => ({ key: `report:${address}`, address, language: null })),
              compose,
              {
                event: 'report',
                mandate: m.id,
                day,
                report: id,
                devices: s.devices,
                people: s.people,
                campaigns: campaigns.map((c) => ({
                  id: c.id,
                  title: c.title,
                  due: c.due,
                  people: c.people,
                  confirmed: c.confirmed,
                  inProgress: c.inProgress,
                  notStarted: c.notStarted,
                  late: c.late,
                  devicesDeclared: c.devicesDeclared,
                })),
                subject: text.subject,
                links,
              },
            ),
          );
        return 1;
      });
    }
    return made;
  }

  /** One round: make the reports due, plan what is due, then send it. */
  async function tick(
    now = clock.now(),
  ): Promise<{ reports: number; planned: number; sent: number; failed: number }> {
    const reports = await makeReports(now);
    const planned = await plan(now);
    return { reports, planned, ...(await deliver(now)) };
  }

  return {
    plan,
    deliver,
    makeReports,
    /** A kept report, for download. */
    report: (id: number) =>
      store.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Kept reports, newest first, without their files. */
    reports: (mandate?: string) => {
      let q = store.db
        .selectFrom('reports')
        .select(['id', 'mandate_id', 'day', 'as_of', 'created_at'])
        .orderBy('id', 'desc');
      if (mandate) q = q.where('mandate_id', '=', mandate);
      return q.execute();
    },
    tick,
    /**
     * Runs a round now and then every `everyMs` (PHASEOUT_NOTIFY_EVERY_MS, default a minute),
     * never two at once; the returned function stops it after the round in progress.
     */
    start(onError: (e: unknown) => void, everyMs = deps.everyMs ?? 60_000) {
      let running: Promise<unknown> = Promise.resolve();
      const round = () => {
        running = running.then(() => tick()).catch(onError);
      };
      round();
      const timer = setInterval(round, everyMs);
      return async () => {
        clearInterval(timer);
        await running;
      };
    },
    /** What was sent (or could not be) to whom and when, newest first. */
    async log(
      f: {
        owner?: string;
        mandate?: string;
        device?: string;
        state?: NotificationsTable['state'];
        channel?: NotificationsTable['channel'];
        limit?: number;
        visibility?: Visibility;
      } = {},
    ): Promise<Omit<Selectable<NotificationsTable>, 'body'>[]> {
      let q = store.db
        .selectFrom('notifications')
        .leftJoin('people as p', 'p.id', 'notifications.owner_id')
        .where(
          f.visibility ? visibleCondition(f.visibility, 'p.unit', 'p.id') : sql<boolean>`1 = 1`,
        )
        .select([
          'notifications.id',
          'notifications.finding_id',
          'notifications.mandate_id',
          'notifications.device_id',
          'notifications.owner_id',
          'notifications.step',
          'notifications.recipient',
          'notifications.address',
          'notifications.channel',
          'notifications.language',
          'notifications.subject',
          'notifications.state',
          'notifications.attempts',
          'notifications.due_at',
          'notifications.next_at',
          'notifications.lease_until',
          'notifications.created_at',
          'notifications.sent_at',
          'notifications.error',
          'notifications.report_id',
        ])
        .orderBy('notifications.id', 'desc')
        .limit(f.limit ?? 200);
      if (f.owner) q = q.where('notifications.owner_id', '=', f.owner);
      if (f.mandate) q = q.where('notifications.mandate_id', '=', f.mandate);
      if (f.device) q = q.where('notifications.device_id', '=', f.device);
      if (f.state) q = q.where('notifications.state', '=', f.state);
      if (f.channel) q = q.where('notifications.channel', '=', f.channel);
      return (await q.execute()).map((r) => ({
        ...r,
        id: Number(r.id),
        finding_id: Number(r.finding_id),
      }));
    },
  };
}
