import type { z } from 'zod';
import { deviceNameOf } from './record.names.js';
import type { Finding, FindingPage as FindingPageSchema } from '../contract/mandates.js';
import { countUnassignedAt, listUnassignedAt } from '../store/unassigned.repository.js';
import { compareCodePoints, compareText } from '../domain/text.order.js';
import type { FINDING_SORTS, SortKey } from '../domain/list.sorts.js';
import { getDevicesByIds } from '../store/devices.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import type { NotifyPreview } from '../contract/status.js';
import { makeReadCache } from './read.cache.js';
import type { Clock } from '../adapters/clock.js';
import { AppError } from '../domain/errors.js';
import { resolvePhaseOf, type MandateDocument } from '../domain/mandate.model.js';
import {
  closedState,
  deadlineAsOf,
  resolveDeadlineOf,
  attestPhaseState,
  findingState,
  isOverdue,
  caughtEver,
  forecast,
  resolvePhaseState,
  type DeviceCounts,
  type PeopleCounts,
  type MandateStatus,
  type PhaseStatus,
} from '../domain/status.rules.js';
import { ladderOf, plannedSteps, type Recipient } from '../domain/notify.rules.js';
import { DAY_MS, dayOf, endOfDay, formatInstant, parseInstant } from '../domain/time.js';
import { cutUnitPath, isAtOrBelow } from '../domain/unit-path.js';
import type { Visibility } from '../domain/access.policy.js';
import type { Store } from '../store/database.js';
import {
  getMandate,
  getMandateVersion,
  listMandateEvents,
  listMandates,
} from '../store/mandates.repository.js';
import type { Db, MandatesTable } from '../store/schema.js';
import {
  countPeopleInScopeAt,
  countPeopleInScopeByUnitAt,
  listPeopleInScope,
  listUnitsInScope,
} from '../store/scope.repository.js';
import {
  aggregateDevices,
  countOpenAt,
  aggregateOpen,
  firstAttestations,
  listFindingsAt,
  pageFindingsAt,
  countFindingsAt,
  type FindingAtRow,
} from '../store/status.repository.js';
import { loadMandateVersion, type LoadedMandate } from './evaluation.service.js';
import { countUnknownAt, listUnknownsAt } from '../store/unknowns.repository.js';
import { getTimeZone, readTime } from './settings.service.js';

export type { MandateStatus };

export interface StatusOptions {
  asOf?: string;
  /** Counts only within this unit and below (a unit head's view). */
  unit?: string;
  byUnit?: boolean;
  depth?: number;
}

/** A finding as `findings` lists it. */
export type FindingView = Finding;

/** The version of a mandate in force at T: the first one before its application. */
async function versionAt(
  db: Db,
  m: MandatesTable,
  at: number,
  zone: string,
): Promise<LoadedMandate> {
  const events = await listMandateEvents(db, m.id);
  let version = 1;
  for (const e of events) if (e.kind !== 'withdrawn' && e.effective_at <= at) version = e.version;
  const row = await getMandateVersion(db, m.id, version);
  if (!row) throw new Error(`mandate ${m.id} has no version ${version}`);
  return loadMandateVersion(row, zone);
}

function dueEndOf(
  doc: MandateDocument,
  zone: string,
): { due: string | null; dueEnd: number | null; overdueAt: number | null } {
  return resolveDeadlineOf(doc, zone);
}

export type { NotifyPreview };
export type FindingPage = z.output<typeof FindingPageSchema>;

/** Status, counts and findings as of any moment (DESIGN §5). */
/** A finding as lists show it at T, with its state at T. */
function findingView(
  mandate: string,
  r: FindingAtRow,
  at: number,
  state: FindingView['state'],
): FindingView {
  const open = r.closed_at === null || r.closed_at > at;
  return {
    mandate,
    device: r.device_id,
    owner: r.owner_id,
    unit: r.unit,
    opened: formatInstant(r.opened_at),
    closed: open ? null : formatInstant(r.closed_at!),
    state,
    closeReason: open ? null : r.close_reason,
  };
}

export function makeStatusService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  // About "now", PostgreSQL answers from the last result (at most 30 s old, saying its instant)
  // while one request computes the next in the database's own time.
  const cache = makeReadCache(deps, {
    entries: 32,
    nowMs: 5000,
    asideMs: store.dialect === 'postgres' ? 30_000 : 0,
  });

  async function resolveMandate(id: string): Promise<MandatesTable> {
    const m = await getMandate(store.db, id);
    if (!m)
      throw new AppError('not_found', `unknown mandate ${id}`, [
        { where: 'MANDATE', value: id, code: 'unknown_mandate', message: 'no such mandate' },
      ]);
    return m;
  }

  function asOfInstant(asOf: string | undefined, zone: string): number {
    return asOf === undefined ? clock.now() : readTime(asOf, zone, '--as-of');
  }

  async function statusOf(
    m: MandatesTable,
    at: number,
    zone: string,
    o: StatusOptions,
  ): Promise<MandateStatus> {
    const db = store.db;
    const loaded = await versionAt(db, m, at, zone);
    const doc = loaded.doc;
    const { due, dueEnd, overdueAt } = dueEndOf(doc, zone);
    const unit = o.unit;
    const agg = await aggregateDevices(db, m.id, at, at - 14 * DAY_MS, unit);
    const open = await aggregateOpen(db, m.id, at, unit);
    const nonExemptOpen = open.open - open.exempt;
    const overdueNow = isOverdue(at, overdueAt);
    const undecided = await countUnknownAt(db, m.id, at, unit);
    const nobodys = await countUnassignedAt(db, m.id, at, unit);
    const devices: DeviceCounts = {
      pending: overdueNow ? 0 : nonExemptOpen,
      overdue: overdueNow ? nonExemptOpen : 0,
      exempt: open.exempt,
      // A device caught before and undecided now is not resolved: it is counted as unknown; one
      // whose owner left or moved out departed (DESIGN §5a).
      // One caught before and held by nobody now is neither resolved nor departed: unassigned.
      resolved:
        agg.devices -
        agg.open -
        undecided.wereCaught -
        nobodys.wereCaught -
        (agg.departed - nobodys.departed),
      lost: agg.lost,
      unknown: undecided.unknown,
      departed: agg.departed - nobodys.departed,
      // Nobody holds them, so no unit does: counted for the whole organisation only.
      unassigned: unit === undefined ? nobodys.unassigned : 0,
    };
    const people: PeopleCounts = {
      // As the records stood at T: who was active, in which unit, then (DESIGN §5a).
      inScope: await countPeopleInScopeAt(db, loaded.judge.scope, at, unit),
      affected: open.affectedOwners,
      nonCompliant: open.nonCompliantOwners,
      overdue: overdueNow ? open.nonCompliantOwners : 0,
    };
    const phases: PhaseStatus[] = [];
    for (const p of doc.spec.phases) {
      if (p.requires === 'resolve') {
        phases.push(resolvePhaseState(doc, p, at, zone, devices));
        continue;
      }
      const attested = await firstAttestations(db, m.id, p.id);
      if ((p.attestBy ?? 'unit-head') === 'person') {
        const required = await listPeopleInScope(db, loaded.judge.scope, unit);
        phases.push(attestPhaseState(doc, p, at, zone, required, attested, 0));
      } else {
        const units = (await listUnitsInScope(db, loaded.judge.scope)).filter(
          (u) => unit === undefined || isAtOrBelow(u.unit, unit),
        );
        const required = units.filter((u) => u.head !== null).map((u) => u.unit);
        phases.push(
          attestPhaseState(doc, p, at, zone, required, attested, units.length - required.length),
        );
      }
    }
    const status: MandateStatus = {
      mandate: m.id,
      title: doc.metadata.title,
      version: loaded.version,
      asOf: formatInstant(at),
      ...(unit !== undefined ? { unit } : {}),
      due,
      deadline: deadlineAsOf(resolvePhaseOf(doc), zone, at),
      ...(m.withdrawn_at !== null ? { withdrawnAt: formatInstant(m.withdrawn_at) } : {}),
      devices,
      people,
      phases,
      forecast: forecast(
        at,
        agg.recent,
        devices.pending + devices.overdue,
        dueEnd,
        caughtEver(devices),
      ),
    };
    if (o.byUnit) status.units = await byUnit(db, loaded, at, overdueAt, o.depth, unit);
    return status;
  }

  async function byUnit(
    db: Db,
    m: LoadedMandate,
    at: number,
    overdueAt: number | null,
    depth?: number,
    within?: string,
  ): Promise<NonNullable<MandateStatus['units']>> {
    const cut = (u: string): string => (depth ? cutUnitPath(u, depth) : u);
    const inside = (u: string): boolean => within === undefined || isAtOrBelow(u, within);
    const rows = (await listFindingsAt(db, m.id, at)).filter((r) => inside(r.unit));
    const isOpen = (r: FindingAtRow): boolean => r.closed_at === null || r.closed_at > at;
    const perDevice = new Map<string, FindingAtRow>();
    for (const r of rows) {
      const prev = perDevice.get(r.device_id);
      if (!prev || isOpen(r) || (!isOpen(prev) && r.opened_at >= prev.opened_at))
        perDevice.set(r.device_id, r);
    }
    type Group = {
      devices: DeviceCounts;
      affected: Set<string>;
      nonCompliant: Set<string>;
      inScope: number;
    };
    const groups = new Map<string, Group>();
    const group = (u: string): Group => {
      let g = groups.get(u);
      if (!g)
        groups.set(
          u,
          (g = {
            devices: {
              pending: 0,
              overdue: 0,
              exempt: 0,
              resolved: 0,
              lost: 0,
              unknown: 0,
              departed: 0,
              unassigned: 0,
            },
            affected: new Set(),
            nonCompliant: new Set(),
            inScope: 0,
          }),
        );
      return g;
    };
    const unknownAt = new Map(
      (await listUnknownsAt(db, m.id, at))
        .filter((u) => inside(u.unit))
        .map((u) => [u.device_id, u]),
    );
    for (const u of unknownAt.values()) group(cut(u.unit)).devices.unknown++;
    // Held by nobody now: what was caught of them is neither resolved nor departed (§5a).
    const nobodys = new Set((await listUnassignedAt(db, m.id, at)).map((u) => u.device_id));
    for (const r of perDevice.values()) {
      const g = group(cut(r.unit));
      if (!isOpen(r) && (unknownAt.has(r.device_id) || nobodys.has(r.device_id))) continue;
      if (!isOpen(r)) {
        const closed = closedState(r.close_reason, r.close_status);
        if (closed === 'departed') g.devices.departed++;
        else g.devices.resolved++;
        if (closed === 'lost') g.devices.lost++;
        continue;
      }
      const state = findingState(r.exempt === 1, at, overdueAt);
      g.devices[state]++;
      if (state !== 'exempt' && r.owner_id) g.nonCompliant.add(r.owner_id);
    }
    for (const r of rows) if (r.owner_id) group(cut(r.unit)).affected.add(r.owner_id);
    for (const [u, n] of await countPeopleInScopeByUnitAt(db, m.judge.scope, at)) {
      if (inside(u)) group(cut(u)).inScope += n;
    }
    const overdueNow = isOverdue(at, overdueAt);
    const byName = compareText();
    return [...groups.entries()]
      .map(([unit, g]) => ({
        unit,
        devices: g.devices,
        people: {
          inScope: g.inScope,
          affected: g.affected.size,
          nonCompliant: g.nonCompliant.size,
          overdue: overdueNow ? g.nonCompliant.size : 0,
        },
      }))
      .filter(
        (u) =>
          Object.values(u.devices).some((n) => n > 0) || Object.values(u.people).some((n) => n > 0),
      )
      .sort((a, b) => byName(a.unit, b.unit));
  }

  return {
    /** Status of one mandate (withdrawn ones included). */
    status(id: string, o: StatusOptions = {}): Promise<MandateStatus> {
      return cache.get(JSON.stringify(['status', id, o]), o.asOf === undefined, async () => {
        const zone = await getTimeZone(store.db);
        const m = await resolveMandate(id);
        return statusOf(m, asOfInstant(o.asOf, zone), zone, o);
      });
    },

    /** Status of every mandate that is not withdrawn, sorted by id. */
    statusAll(o: StatusOptions = {}): Promise<MandateStatus[]> {
      return cache.get(JSON.stringify(['statusAll', o]), o.asOf === undefined, async () => {
        const zone = await getTimeZone(store.db);
        const at = asOfInstant(o.asOf, zone);
        const out: MandateStatus[] = [];
        for (const m of await listMandates(store.db))
          if (m.withdrawn_at === null) out.push(await statusOf(m, at, zone, o));
        return out;
      });
    },

    /** Open devices day by day from the mandate's issue to T (a burn-down), in the organisation's zone. */
    async series(
      id: string,
      o: { asOf?: string; visibility?: Visibility } = {},
    ): Promise<{ mandate: string; due: string | null; points: { day: string; open: number }[] }> {
      const zone = await getTimeZone(store.db);
      const m = await resolveMandate(id);
      const at = asOfInstant(o.asOf, zone);
      const loaded = await versionAt(store.db, m, at, zone);
      const days: string[] = [];
      for (let d = loaded.doc.metadata.issuedAt; d <= dayOf(at, zone) && days.length < 3660;) {
        days.push(d);
        d = dayOf(endOfDay(d, zone), zone);
      }
      const instants = days.map((d, i) => (i === days.length - 1 ? at : endOfDay(d, zone) - 1));
      const open = await countOpenAt(store.db, m.id, instants, o.visibility);
      return {
        mandate: m.id,
        due: dueEndOf(loaded.doc, zone).due,
        points: days.map((day, i) => ({ day, open: open[i] ?? 0 })),
      };
    },

    /** Every finding opened at or before T with its state at T. */
    /** The ladder of the version in force at `asOf` and what it will send from then on. */
    async notifyPreview(
      id: string,
      o: { asOf?: string; visibility?: Visibility } = {},
    ): Promise<NotifyPreview> {
      const zone = await getTimeZone(store.db);
      const m = await resolveMandate(id);
      const at = asOfInstant(o.asOf, zone);
      const { doc } = await versionAt(store.db, m, at, zone);
      const ladder = ladderOf(doc, zone);
      const base = { mandate: m.id, asOf: formatInstant(at), due: dueEndOf(doc, zone).due };
      if (!ladder || m.withdrawn_at !== null)
        return { ...base, digest: ladder?.digest ?? 'none', steps: [], upcoming: [] };
      const open = await this.findings(id, {
        asOf: formatInstant(at),
        states: ['pending', 'overdue'],
        ...(o.visibility ? { visibility: o.visibility } : {}),
      });
      const counts = new Map<
        string,
        { step: string; to: Recipient; day: string; findings: number }
      >();
      for (const f of open) {
        const opened = parseInstant(f.opened, zone)!;
        for (const p of plannedSteps(ladder, { opened }, at, zone, 1)) {
          const day = dayOf(p.at, zone);
          const key = `${day} ${p.step}`;
          const c = counts.get(key) ?? { step: p.step, to: p.to, day, findings: 0 };
          c.findings++;
          counts.set(key, c);
        }
      }
      return {
        ...base,
        digest: ladder.digest,
        steps: ladder.steps.map((st) => ({
          id: st.id,
          kind: st.kind,
          to: st.to,
          ...(st.at !== undefined ? { at: formatInstant(st.at) } : {}),
          ...(st.after ? { after: String(st.after.toISO()) } : {}),
          ...(st.repeat ? { repeat: String(st.repeat.toISO()) } : {}),
        })),
        upcoming: [...counts.values()].sort(
          (a, b) => a.day.localeCompare(b.day) || a.step.localeCompare(b.step),
        ),
      };
    },

    async findings(
      id: string,
      o: {
        asOf?: string;
        states?: string[];
        unit?: string;
        device?: string;
        owner?: string;
        visibility?: Visibility;
      } = {},
    ): Promise<FindingView[]> {
      const zone = await getTimeZone(store.db);
      const m = await resolveMandate(id);
      const at = asOfInstant(o.asOf, zone);
      const { overdueAt } = dueEndOf((await versionAt(store.db, m, at, zone)).doc, zone);
      const rows = await listFindingsAt(store.db, m.id, at, {
        ...(o.device !== undefined ? { device: o.device } : {}),
        ...(o.owner !== undefined ? { owner: o.owner } : {}),
      });
      const views = rows.map((r): FindingView => {
        const open = r.closed_at === null || r.closed_at > at;
        const state: FindingView['state'] = open
          ? findingState(r.exempt === 1, at, overdueAt)
          : closedState(r.close_reason, r.close_status);
        return findingView(m.id, r, at, state);
      });
      if (o.states?.includes('unknown')) {
        for (const u of await listUnknownsAt(store.db, m.id, at, {
          ...(o.device !== undefined ? { device: o.device } : {}),
          ...(o.owner !== undefined ? { owner: o.owner } : {}),
        }))
          views.push({
            mandate: m.id,
            device: u.device_id,
            owner: u.owner_id,
            unit: u.unit,
            opened: formatInstant(u.opened_at),
            closed: null,
            state: 'unknown',
            closeReason: null,
            reason: u.reason,
          });
      }
      // Devices the target matches that nobody holds (DESIGN §5a): listed when asked for, to
      // those who see the whole organisation (they belong to no unit).
      if (o.states?.includes('unassigned') && (!o.visibility || o.visibility.all)) {
        for (const u of await listUnassignedAt(store.db, m.id, at))
          if (o.device === undefined || o.device === u.device_id)
            views.push({
              mandate: m.id,
              device: u.device_id,
              owner: null,
              unit: '',
              opened: formatInstant(u.opened_at),
              closed: null,
              state: 'unassigned',
              closeReason: null,
            });
      }
      if (o.states?.includes('unknown') || o.states?.includes('unassigned')) {
        views.sort((a, b) =>
          a.opened < b.opened
            ? -1
            : a.opened > b.opened
              ? 1
              : a.device < b.device
                ? -1
                : a.device > b.device
                  ? 1
                  : 0,
        );
      }
      const vis = o.visibility;
      return views.filter(
        (f) =>
          (!o.states || o.states.length === 0 || o.states.includes(f.state)) &&
          (!o.unit || isAtOrBelow(f.unit, o.unit)) &&
          (!vis ||
            vis.all ||
            (f.owner !== null && f.owner === vis.personId) ||
            vis.units.some((u) => isAtOrBelow(f.unit, u))),
      );
    },

    /**
     * A page of findings, sorted (`-column` descending; ties by opening, then device), with the
     * owner's name and the device's maker and model, and how many there are in all.
     */
    async findingsPage(
      id: string,
      o: Parameters<typeof this.findings>[1] & {
        limit: number;
        offset: number;
        sort?: SortKey<(typeof FINDING_SORTS)[number]>;
      },
    ): Promise<FindingPage> {
      const sort = o.sort ?? 'opened';
      const key = sort.replace(/^-/, '') as (typeof FINDING_SORTS)[number];
      const byName = key === 'owner' || key === 'device';
      const label = async (rows: FindingView[]) => {
        const people = await getPeopleByIds(
          store.db,
          rows.flatMap((r) => (r.owner ? [r.owner] : [])),
        );
        const devices = await getDevicesByIds(
          store.db,
          rows.map((r) => r.device),
        );
        return rows.map((r) => {
          const d = devices.get(r.device);
          return {
            ...r,
            ownerName: r.owner ? (people.get(r.owner)?.name ?? null) : null,
            deviceName: deviceNameOf(d),
            deviceOwnership: d?.ownership ?? null,
          };
        });
      };
      const value = (r: FindingView & { ownerName?: string | null; deviceName?: string | null }) =>
        key === 'owner'
          ? (r.ownerName ?? r.owner ?? r.unit)
          : key === 'device'
            ? `${r.deviceName ?? '\uffff'} ${r.device}`
            : key === 'closed'
              ? (r.closed ?? '\uffff')
              : r[key];
      if (
        !byName &&
        key !== 'unit' &&
        !o.states?.includes('unknown') &&
        !o.states?.includes('unassigned')
      ) {
        // Instants and states order the same in SQL and here: the database pages. A page
        // asked again (the console's first page, above all) is kept per data version too.
        return cache.get(
          JSON.stringify(['findingsPage', id, o]),
          o.asOf === undefined,
          async () => {
            const zone = await getTimeZone(store.db);
            const m = await resolveMandate(id);
            const at = asOfInstant(o.asOf, zone);
            const { overdueAt } = dueEndOf((await versionAt(store.db, m, at, zone)).doc, zone);
            const question = {
              at,
              overdue: isOverdue(at, overdueAt),
              ...(o.states ? { states: o.states } : {}),
              ...(o.unit !== undefined ? { unit: o.unit } : {}),
              ...(o.device !== undefined ? { device: o.device } : {}),
              ...(o.owner !== undefined ? { owner: o.owner } : {}),
              ...(o.visibility && !o.visibility.all ? { visibility: o.visibility } : {}),
            };
            const rows = await pageFindingsAt(store.db, m.id, {
              ...question,
              sort: key,
              descending: sort.startsWith('-'),
              limit: o.limit,
              offset: o.offset,
            });
            // The count walks every matching finding: kept per data version, as status is.
            const total = await cache.get(
              JSON.stringify(['findingsTotal', id, { ...o, limit: 0, offset: 0, sort: '' }]),
              o.asOf === undefined,
              () => countFindingsAt(store.db, m.id, question),
            );
            const views = rows.map((r) =>
              findingView(m.id, r, at, r.state as FindingView['state']),
            );
            return { items: await label(views), total, offset: o.offset, limit: o.limit };
          },
        );
      }
      const { limit: _l, offset: _o, ...question } = o;
      // The sorted list is kept (read.cache.ts): the next page is a slice of it.
      const sorted = await cache.get(
        JSON.stringify(['findingsSorted', id, question, sort]),
        o.asOf === undefined,
        async () => {
          const all = await this.findings(id, o);
          const rows = byName ? await label(all) : all;
          const sign = sort.startsWith('-') ? -1 : 1;
          const text = compareText();
          return [...rows].sort(
            (a, b) =>
              sign * text(value(a) ?? '', value(b) ?? '') ||
              compareCodePoints(a.opened, b.opened) ||
              compareCodePoints(a.device, b.device),
          );
        },
      );
      const slice = sorted.slice(o.offset, o.offset + o.limit);
      return {
        items: byName ? (slice as Awaited<ReturnType<typeof label>>) : await label(slice),
        total: sorted.length,
        offset: o.offset,
        limit: o.limit,
      };
    },
  };
}
