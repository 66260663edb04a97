import { DateTime } from 'luxon';
import { DEFAULT_NOTIFY, resolvePhaseOf, type Notify } from '../domain/mandate.model.js';
import {
  composeCampaignMessage,
  composeCollect,
  composeDigest,
  composeMessage,
  composeReceipt,
  type Language,
} from '../domain/notify.messages.js';
import {
  dueMessages,
  ladderForDue,
  ladderOf,
  orderMessageDue,
  routeStep,
  tellOnce,
  type Addressee,
  type DueMessage,
  type Ladder,
  type Route,
  type Rungs,
} from '../domain/notify.rules.js';
import { isOverdue } from '../domain/status.rules.js';
import { dayOf, formatInstant } from '../domain/time.js';
import { isAtOrBelow } from '../domain/unit-path.js';
import { loadActiveMandates, type LoadedMandate } from '../services/evaluation.service.js';
import { getTimeZone } from '../services/settings.service.js';
import { listCampaignPeople, listCampaigns } from '../store/campaigns.repository.js';
import { getDevicesByIds } from '../store/devices.repository.js';
import {
  clearWaiting,
  insertOutboxRows,
  unsettledFindingSteps,
  plannedFindingSteps,
  plannedStepsLike,
  type OutboxRow,
} from '../store/outbox.repository.js';
import { getPeopleByIds, type StoredPerson } from '../store/people.repository.js';
import { listOrdersToTell } from '../store/replacement.repository.js';
import type { Db } from '../store/schema.js';
import { listPeopleInScope } from '../store/scope.repository.js';
import type { FindingAtRow } from '../store/status.repository.js';
import { listFindingsAt } from '../store/status.repository.js';
import { chunks, writeTransaction } from '../store/transaction.js';
import { getHeadLadder, listHeadedUnits } from '../store/units.repository.js';
import { addressBook, outboxRows, type NotifyContext, type PlannedBase } from './notify.outbox.js';

type Book = Awaited<ReturnType<typeof addressBook>>;

/**
 * Who can be told about one finding, rung by rung (`routeStep`): its owner (none when a unit
 * holds the device), their supervisor, the active head of the finding's unit and of each unit
 * above it, and the officers. Heads are read once per unit and round.
 */
async function rungsOf(
  tx: Db,
  book: Book,
  f: { owner_id: string | null; unit: string },
  people: Map<string, StoredPerson>,
  headCache: Map<string, { unitHead: Addressee | null; headsAbove: Addressee[] }>,
): Promise<Rungs> {
  const owner = f.owner_id ? people.get(f.owner_id) : undefined;
  const supervisor = owner?.supervisor ? people.get(owner.supervisor) : undefined;
  let heads = headCache.get(f.unit);
  if (!heads) {
    const ladder = await getHeadLadder(tx, f.unit);
    const addressee = (p: StoredPerson | null) => (p ? (book.person(p, p.id)[0] ?? null) : null);
    const above = ladder.slice(1).flatMap((l) => (l.head ? [addressee(l.head)!] : []));
    heads = {
      unitHead: addressee(ladder[0]?.head ?? null),
      headsAbove: above.filter((a, i) => above.findIndex((b) => b.key === a.key) === i),
    };
    headCache.set(f.unit, heads);
  }
  return {
    official: f.owner_id ? (book.person(owner, f.owner_id)[0] ?? null) : null,
    supervisor: owner?.supervisor ? (book.person(supervisor, owner.supervisor)[0] ?? null) : null,
    ...heads,
    officers: book.officers,
  };
}

/** The row of a step nobody could receive: it waits, saying why, until someone can. */
function waitingRow(base: PlannedBase, now: number, rerouted: Route['rerouted']): OutboxRow {
  return {
    ...base,
    recipient: 'nobody',
    address: '',
    channel: 'email',
    body: '',
    state: 'waiting',
    error: `nobody to tell: ${rerouted?.why ?? 'no recipient'}`,
    attempts: 0,
    next_at: now,
    lease_until: null,
    sent_at: null,
    rerouted: rerouted ? JSON.stringify(rerouted) : null,
  };
}

/**
 * Plans what the ladders ask for by `now` into the outbox: reminders and escalations of open
 * findings, unit heads' digests, declaration campaigns and replacement orders. Each message is
 * planned once per (finding or campaign, step, recipient): the outbox's unique key makes a second
 * planner, or a restart, a no-op.
 */
export function makePlanner(ctx: NotifyContext) {
  const { store } = ctx;

  /** One digest per unit head, mandate and day or week, listing their open, unexempted findings. */
  async function planDigests(
    tx: Db,
    book: Book,
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
    const byHead = new Map<string, string[]>();
    for (const u of await listHeadedUnits(tx))
      byHead.set(u.head, [...(byHead.get(u.head) ?? []), u.path]);
    const stragglers = open.filter((f) => f.exempt !== 1);
    if (stragglers.length === 0 || byHead.size === 0) return 0;
    const people = await getPeopleByIds(tx, [
      ...byHead.keys(),
      ...new Set(stragglers.flatMap((f) => (f.owner_id ? [f.owner_id] : []))),
    ]);
    const due = resolvePhaseOf(m.doc)!.due!;
    const prefix = `digest-${m.id}-${period}-`;
    const done = new Set(
      (await plannedStepsLike(tx, prefix, { mandate: m.id })).map((s) => s.slice(prefix.length)),
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
              owner: f.owner_id ?? f.unit,
              // A device a unit holds is listed under the unit's name.
              name: f.owner_id
                ? (people.get(f.owner_id)?.name ?? f.owner_id)
                : (f.unit.split('/').at(-1) ?? f.unit),
              device: f.device_id,
              overdue: isOverdue(now, ladder.overdueAt),
            })),
            link: ctx.baseUrl ? `${ctx.baseUrl}/console/#/dashboard` : null,
          },
          language,
        );
      const text = compose(ctx.language);
      n += await insertOutboxRows(
        tx,
        outboxRows(
          ctx,
          {
            finding_id: 0,
            mandate_id: m.id,
            device_id: '',
            owner_id: head,
            step: `${prefix}${head}`,
            language: ctx.language,
            subject: text.subject,
            due_at: now,
            created_at: now,
            report_id: null,
          },
          book.person(people.get(head), head),
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

  /** Reminders and escalations of every open finding of one mandate, and its digests. */
  async function planMandate(
    book: Book,
    m: LoadedMandate,
    now: number,
    zone: string,
  ): Promise<number> {
    const ladder = ladderOf(m.doc, zone);
    if (!ladder) return 0;
    let planned = 0;
    const due = resolvePhaseOf(m.doc)!.due!;
    const open = (await listFindingsAt(store.db, m.id, now)).filter(
      (f) => f.closed_at === null || f.closed_at > now,
    );
    const asks: { f: FindingAtRow; msg: DueMessage }[] = [];
    for (const f of open) {
      const life = { opened: f.opened_at, closed: f.closed_at, exemptAt: () => f.exempt === 1 };
      for (const msg of dueMessages(ladder, life, now, zone)) asks.push({ f, msg });
    }
    if (ladder.digest !== 'none' && now >= m.issuedAt)
      planned += await writeTransaction(store, (tx) =>
        planDigests(tx, book, m, ladder, open, now, zone),
      );
    // A few thousand findings per transaction: other writers wait seconds, not minutes.
    for (const part of chunks(asks, 5000)) {
      planned += await writeTransaction(store, async (tx) => {
        // Steps planned in an earlier round are skipped before any recipient is looked up.
        const done = await plannedFindingSteps(
          tx,
          m.id,
          [...new Set(part.map((a) => a.f.id))],
          [...new Set(part.map((a) => a.msg.key))],
        );
        const todo = part.filter((a) => !done.has(`${a.f.id} ${a.msg.key}`));
        if (todo.length === 0) return 0;
        // Steps that went elsewhere before: looked at again only to reach the rung they asked for.
        const unsettled = await unsettledFindingSteps(
          tx,
          m.id,
          [...new Set(todo.map((a) => a.f.id))],
          [...new Set(todo.map((a) => a.msg.key))],
        );
        const batch: OutboxRow[] = [];
        const owners = await getPeopleByIds(tx, [
          ...new Set(todo.flatMap((a) => (a.f.owner_id ? [a.f.owner_id] : []))),
        ]);
        const people = new Map([
          ...owners,
          ...(await getPeopleByIds(
            tx,
            [...owners.values()].flatMap((p) => (p.supervisor ? [p.supervisor] : [])),
          )),
        ]);
        const devices = await getDevicesByIds(tx, [...new Set(todo.map((a) => a.f.device_id))]);
        const heads = new Map<string, { unitHead: Addressee | null; headsAbove: Addressee[] }>();
        const told = new Map<number, Map<string, string>>();
        for (const { f, msg } of todo) {
          const owner = f.owner_id ? owners.get(f.owner_id) : undefined;
          // A step goes to the rung it asks for, or up the ladder, saying why (DESIGN §5a).
          const route = routeStep(msg.to, await rungsOf(tx, book, f, people, heads));
          // Re-routed before and still: those it reached were told then; nothing new.
          if (unsettled.get(`${f.id} ${msg.key}`) === 'rerouted' && route.rerouted !== null)
            continue;
          const toldHere = told.get(f.id) ?? new Map<string, string>();
          told.set(f.id, toldHere);
          const { to, merged } = tellOnce(toldHere, route.to, msg.key);
          const device = devices.get(f.device_id);
          const reached = route.rerouted?.via ?? msg.to;
          const link = ctx.baseUrl
            ? `${ctx.baseUrl}/console/#/${reached === 'official' ? 'mine' : f.owner_id ? `people/${encodeURIComponent(f.owner_id)}` : `devices/${encodeURIComponent(f.device_id)}`}`
            : null;
          const compose = (language: Language) =>
            composeMessage(
              {
                to: reached,
                kind: reached === 'official' ? 'remind' : 'escalate',
                mandateTitle: m.doc.metadata.title,
                device: f.device_id,
                deviceModel: device?.model ?? null,
                owner: f.owner_id
                  ? { id: f.owner_id, name: owner?.name ?? f.owner_id }
                  : { id: f.unit, name: f.unit },
                due,
                link,
              },
              language,
            );
          const text = compose(ctx.language);
          const base = {
            finding_id: f.id,
            mandate_id: m.id,
            device_id: f.device_id,
            owner_id: f.owner_id ?? '',
            step: msg.key,
            language: ctx.language,
            subject: text.subject,
            due_at: msg.at,
            created_at: now,
            report_id: null,
          };
          const payload = {
            event: reached === 'official' ? 'reminder' : 'escalation',
            mandate: m.id,
            device: f.device_id,
            owner: f.owner_id,
            unit: f.unit,
            step: msg.key,
            to: reached,
            rerouted: route.rerouted,
            recipients: to.map((r) => ({ id: r.key, email: r.address })),
            due,
            stepDueAt: formatInstant(msg.at),
            language: ctx.language,
            subject: text.subject,
            text: text.text,
            link,
          };
          batch.push(...outboxRows(ctx, base, to, compose, payload, route.rerouted));
          // Nobody to write to at all: the step waits, and is sent once someone can be told.
          if (ctx.mailer && route.to.length === 0)
            batch.push(waitingRow(base, now, route.rerouted));
          else await clearWaiting(tx, f.id, msg.key);
          // A supervisor who is also the unit head, or two steps due at once, gives one
          // message; the other is kept as merged, never sent.
          if (ctx.mailer)
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
                rerouted: route.rerouted ? JSON.stringify(route.rerouted) : null,
              });
        }
        return insertOutboxRows(tx, batch);
      });
    }
    return planned;
  }

  /**
   * Declaration campaigns: people in scope who have not confirmed are reminded before the due
   * date and escalated after it, with the campaign's ladder or the default, exactly once per
   * person, step and recipient, like findings.
   */
  async function planCampaigns(book: Book, now: number, zone: string): Promise<number> {
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
      const done = new Set(await plannedStepsLike(store.db, prefix, { findingless: true }));
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
          const asked = await getPeopleByIds(tx, [...new Set(part.map((a) => a.person))]);
          const people = new Map([
            ...asked,
            ...(await getPeopleByIds(
              tx,
              [...asked.values()].flatMap((p) => (p.supervisor ? [p.supervisor] : [])),
            )),
          ]);
          const heads = new Map<string, { unitHead: Addressee | null; headsAbove: Addressee[] }>();
          const rows: OutboxRow[] = [];
          for (const { person, msg, step } of part) {
            const p = asked.get(person);
            const route = routeStep(
              msg.to,
              await rungsOf(tx, book, { owner_id: person, unit: p?.unit ?? '' }, people, heads),
            );
            const to = route.to;
            const link = ctx.baseUrl
              ? `${ctx.baseUrl}/console/#/${msg.to === 'official' ? 'mine' : 'campaigns'}`
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
            const text = compose(ctx.language);
            rows.push(
              ...outboxRows(
                ctx,
                {
                  finding_id: 0,
                  mandate_id: `campaign:${c.id}`,
                  device_id: '',
                  owner_id: person,
                  step,
                  language: ctx.language,
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
                  rerouted: route.rerouted,
                  recipients: to.map((r) => ({ id: r.key, email: r.address })),
                  due: c.due_day,
                  subject: text.subject,
                  text: text.text,
                  link,
                },
                route.rerouted,
              ),
            );
          }
          return insertOutboxRows(tx, rows);
        });
      }
    }
    return planned;
  }

  /** Messages about replacement orders, to the official (`orderMessageDue`). */
  async function planOrders(book: Book, now: number, zone: string): Promise<number> {
    const asks = (await listOrdersToTell(store.db)).flatMap((o) => {
      const due = orderMessageDue({ ...o, id: Number(o.id) }, now);
      return due ? [{ o, ...due }] : [];
    });
    if (asks.length === 0) return 0;
    return writeTransaction(store, async (tx) => {
      const people = await getPeopleByIds(tx, [...new Set(asks.map((a) => a.o.person_id))]);
      const devices = await getDevicesByIds(
        tx,
        asks.flatMap((a) => (a.o.new_device_id ? [a.o.new_device_id] : [])),
      );
      const link = ctx.baseUrl ? `${ctx.baseUrl}/console/#/mine` : null;
      const rows: OutboxRow[] = [];
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
        const text = compose(ctx.language);
        rows.push(
          ...outboxRows(
            ctx,
            {
              finding_id: Number(o.finding_id),
              mandate_id: o.mandate_id,
              device_id: o.new_device_id ?? o.old_device_id,
              owner_id: o.person_id,
              step: key,
              language: ctx.language,
              subject: text.subject,
              due_at: at,
              created_at: now,
              report_id: null,
            },
            book.person(people.get(o.person_id), o.person_id),
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
      return insertOutboxRows(tx, rows);
    });
  }

  return {
    /** Plans everything due by `now`; how many messages were added. */
    async plan(now: number): Promise<number> {
      if (!ctx.enabled) return 0;
      const zone = await getTimeZone(store.db);
      const book = await addressBook(store.db);
      let planned = 0;
      for (const m of await loadActiveMandates(store.db, zone))
        planned += await planMandate(book, m, now, zone);
      return planned + (await planOrders(book, now, zone)) + (await planCampaigns(book, now, zone));
    },
  };
}
