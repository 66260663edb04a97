import { heldByWorkflow } from './device-hold.js';
import { pageOf, type ListPage, type PageRequest } from '../domain/list.page.js';
import type { CAMPAIGN_PEOPLE_SORTS, CAMPAIGN_SORTS } from '../domain/list.sorts.js';
import { foldText, matchesFolded } from '../domain/text.fold.js';
import { compareText } from '../domain/text.order.js';
import {
  CampaignAttestation,
  Declaration,
  OpenCampaign,
  type CampaignPerson,
  type CampaignStatus,
  type DeclarationState,
} from '../contract/campaigns.js';
import type { Clock } from '../adapters/clock.js';
import {
  auditActor,
  canSeePerson,
  canSeeUnit,
  hasPermission,
  visibilityOf,
  type Actor,
  type Visibility,
} from '../domain/access.policy.js';
import type { Device } from '../domain/device.model.js';
import { AppError, invalidInput, problemsOf, type Problem } from '../domain/errors.js';
import { isInScope, type Scope } from '../domain/scope.js';
import { isOverdue } from '../domain/status.rules.js';
import { imeiKey, serialKey } from '../domain/source.normalise.js';
import { endOfDay, formatInstant, parseDuration } from '../domain/time.js';
import { cutUnitPath, isAtOrBelow, normaliseUnitPath } from '../domain/unit-path.js';
import {
  getCampaign,
  getCampaignAttestation,
  getCampaignPerson,
  insertCampaignAttestation,
  listCampaignAttestations,
  insertCampaign,
  insertDeclaration,
  listCampaignPeople,
  listCampaigns,
  listDeclarations,
  putCampaignPerson,
  withdrawDeclaration,
  type CampaignRow,
  listDeclaredModels,
  type DeclaredModel,
  type DeclarationRow,
} from '../store/campaigns.repository.js';
import type { Store } from '../store/database.js';
import {
  getDevicesByImeiKeys,
  getDevicesBySerialKeys,
  recordSourceReports,
} from '../store/device-sources.repository.js';
import {
  deviceToRow,
  getDevicesByIds,
  insertDevices,
  updateDevice,
  type StoredDevice,
} from '../store/devices.repository.js';
import { getPeopleByIds, type StoredPerson } from '../store/people.repository.js';
import { listPeopleInScope } from '../store/scope.repository.js';
import type { Db } from '../store/schema.js';
import { writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { namesOf } from './record.names.js';
import { loadActiveMandates, reevaluateDevices } from './evaluation.service.js';
import { advanceObservationClock, checkObservationTime, getTimeZone } from './settings.service.js';

export type { CampaignStatus, DeclarationState };
/** One person's standing in a campaign. */
export type CampaignPersonView = CampaignPerson;

/** A stored device's own fields, without the times the store keeps beside them. */
function deviceFieldsOf(d: StoredDevice): Device {
  const { createdAt: _c, changedAt: _ch, ...fields } = d;
  return fields;
}

/** Which people of a campaign a list shows; `all` answers every one on one page (CSV). */
export interface CampaignPeopleFilter {
  state?: string | undefined;
  unit?: string | undefined;
  person?: string | undefined;
  q?: string | undefined;
  late?: boolean | undefined;
  all?: boolean | undefined;
}

function scopeOf(c: CampaignRow): Scope {
  const s = JSON.parse(c.scope) as { units: string[]; tags: string[] };
  return {
    units: s.units,
    tags: new Set(s.tags),
    excludePeople: new Set(),
    excludeTags: new Set(),
  };
}

/**
 * The people in scope whom the reader may see, with their progress; `asOf` counts only what
 * was declared and confirmed by then (and not yet taken back).
 */
async function standing(
  db: Db,
  c: CampaignRow,
  v: Visibility,
  asOf?: number,
): Promise<CampaignPersonView[]> {
  const ids = await listPeopleInScope(db, scopeOf(c));
  const people = await getPeopleByIds(db, ids);
  const by = (t: number | null): boolean => t !== null && (asOf === undefined || t <= asOf);
  const rows = new Map(
    (await listCampaignPeople(db, c.id))
      .filter((r) => by(r.started_at))
      .map((r) => [
        r.person_id,
        { ...r, confirmed_at: by(r.confirmed_at) ? r.confirmed_at : null },
      ]),
  );
  const declared = new Map<string, { n: number; late: boolean; devices: string[] }>();
  const standingAt = (d: DeclarationRow): boolean =>
    by(d.declared_at) && (d.withdrawn_at === null || (asOf !== undefined && d.withdrawn_at > asOf));
  for (const d of (await listDeclarations(db, c.id, undefined, asOf !== undefined)).filter(
    standingAt,
  )) {
    const x = declared.get(d.person_id) ?? { n: 0, late: false, devices: [] };
    declared.set(d.person_id, {
      n: x.n + 1,
      late: x.late || d.late === 1,
      devices: [...x.devices, d.device_id],
    });
  }
  const out: CampaignPersonView[] = [];
  for (const id of ids) {
    const p = people.get(id);
    if (!p || !canSeePerson(v, p)) continue;
    const r = rows.get(id);
    const d = declared.get(id) ?? { n: 0, late: false, devices: [] };
    const confirmedAt = r?.confirmed_at ?? null;
    out.push({
      person: id,
      name: p.name,
      unit: p.unit,
      state: confirmedAt !== null ? 'confirmed' : r || d.n > 0 ? 'in-progress' : 'not-started',
      declared: d.n,
      devices: d.devices,
      usesNone: r?.uses_none === 1,
      confirmedAt: confirmedAt === null ? null : formatInstant(confirmedAt),
      late: d.late || (confirmedAt !== null && isOverdue(confirmedAt, c.due_end)),
    });
  }
  return out.sort((a, b) =>
    a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : a.person < b.person ? -1 : 1,
  );
}

function summary(c: CampaignRow, list: CampaignPersonView[]): CampaignStatus {
  const s = JSON.parse(c.scope) as { units: string[]; tags: string[] };
  return {
    id: c.id,
    title: c.title,
    due: c.due_day,
    scope: s,
    openedAt: formatInstant(c.opened_at),
    people: list.length,
    confirmed: list.filter((p) => p.state === 'confirmed').length,
    notStarted: list.filter((p) => p.state === 'not-started').length,
    inProgress: list.filter((p) => p.state === 'in-progress').length,
    devicesDeclared: list.reduce((n, p) => n + p.declared, 0),
    late: list.filter((p) => p.late).length,
    attestations: [],
  };
}

/** Progress per unit, unit paths cut to `depth` levels. */
function byUnit(list: CampaignPersonView[], depth?: number): NonNullable<CampaignStatus['units']> {
  const groups = new Map<string, NonNullable<CampaignStatus['units']>[number]>();
  for (const p of list) {
    const unit = depth ? cutUnitPath(p.unit, depth) : p.unit;
    const g = groups.get(unit) ?? { unit, people: 0, confirmed: 0, notStarted: 0, inProgress: 0 };
    g.people++;
    if (p.state === 'confirmed') g.confirmed++;
    else if (p.state === 'not-started') g.notStarted++;
    else g.inProgress++;
    groups.set(unit, g);
  }
  return [...groups.values()].sort((a, b) => (a.unit < b.unit ? -1 : 1));
}

/**
 * The campaigns a mandate's report shows: those opened by `at` that ask someone of the mandate's
 * scope, with the progress of those people as of `at`, per unit to three levels.
 */
export async function campaignsForReport(
  db: Db,
  mandateScope: Scope,
  at: number,
): Promise<CampaignStatus[]> {
  const inMandate = new Set(await listPeopleInScope(db, mandateScope));
  const out: CampaignStatus[] = [];
  for (const c of await listCampaigns(db)) {
    if (c.opened_at > at) continue;
    const list = (await standing(db, c, { all: true, units: [], personId: null }, at)).filter((p) =>
      inMandate.has(p.person),
    );
    if (list.length === 0) continue;
    out.push({ ...summary(c, list), units: byUnit(list, 3) });
  }
  return out;
}

/**
 * Declaration campaigns: everyone in scope states, by a due date, every device they use for
 * work, or that they use none, and confirms the list is complete. Declared devices are inventory
 * from that moment (source `declaration:CAMPAIGN`), so mandates catch them at once.
 */
export function makeCampaignService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  async function campaignOf(db: Db, id: string): Promise<CampaignRow> {
    const c = await getCampaign(db, id);
    if (!c) throw new AppError('not_found', `no campaign ${id}`);
    return c;
  }

  /** The unit heads' attestations of the units the reader sees, with the names of those named. */
  async function withAttestations(
    db: Db,
    s: CampaignStatus,
    v: Visibility,
  ): Promise<CampaignStatus> {
    const rows = (await listCampaignAttestations(db, s.id)).filter((a) => canSeeUnit(v, a.unit));
    const parsed = rows.map((a) => ({
      a,
      exceptions: JSON.parse(a.exceptions) as { person: string; reason: string }[],
    }));
    const names = await getPeopleByIds(db, [
      ...new Set(parsed.flatMap((x) => [x.a.by_person_id, ...x.exceptions.map((e) => e.person)])),
    ]);
    const nameOf = (id: string) => names.get(id)?.name ?? null;
    s.attestations = parsed.map(({ a, exceptions }) => ({
      unit: a.unit,
      by: a.by_person_id,
      byName: nameOf(a.by_person_id),
      at: formatInstant(a.attested_at),
      exceptions: exceptions.map((e) => ({ ...e, name: nameOf(e.person) })),
    }));
    return s;
  }

  return {
    /** Opens a campaign (officer or admin). */
    async open(actor: Actor, body: unknown): Promise<CampaignStatus> {
      if (!hasPermission(actor, 'campaigns.manage'))
        throw new AppError('forbidden', 'opening a campaign needs the officer or admin role');
      const parsed = OpenCampaign.safeParse(body);
      if (!parsed.success) throw invalidInput('the campaign is refused', problemsOf(parsed.error));
      const f = parsed.data;
      const problems: Problem[] = [];
      const units = f.scope.units.map((u, i) => {
        const p = normaliseUnitPath(u);
        if (!p)
          problems.push({
            where: `scope.units.${i}`,
            value: u,
            code: 'not_unit_path',
            message: 'is not a unit path',
          });
        return p ?? '';
      });
      const durations = [
        ...(f.notify?.remind ?? []).map((d, i) => [d, `notify.remind.${i}`] as const),
        ...(f.notify?.escalate ?? []).flatMap((e, i) => [
          [e.after, `notify.escalate.${i}.after`] as const,
          ...(e.repeat ? [[e.repeat, `notify.escalate.${i}.repeat`] as const] : []),
        ]),
      ];
      for (const [d, where] of durations)
        if (parseDuration(d) === null)
          problems.push({
            where,
            value: d,
            code: 'not_a_duration',
            params: { value: '' },
            message: 'is not an ISO 8601 duration (such as P3D)',
          });
      if (problems.length > 0) throw invalidInput('the campaign is refused', problems);
      return writeTransaction(store, async (tx) => {
        if (await getCampaign(tx, f.id))
          throw new AppError('conflict', `campaign ${f.id} exists already`);
        const now = clock.now();
        const zone = await getTimeZone(tx);
        const row = {
          id: f.id,
          title: f.title,
          scope: JSON.stringify({ units, tags: f.scope.tags.map((t) => t.trim().toLowerCase()) }),
          due_day: f.due,
          due_end: endOfDay(f.due, zone),
          opened_at: now,
          opened_by: actor.email,
          notify: f.notify ? JSON.stringify(f.notify) : null,
        };
        await insertCampaign(tx, row);
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'campaign.open',
          object: `campaign/${f.id}`,
          change: { title: f.title, scope: JSON.parse(row.scope) as object, due: f.due },
        });
        return summary(row, await standing(tx, row, visibilityOf(actor)));
      });
    },

    /** Every campaign with its progress within the reader's scope. */
    async list(
      actor: Actor,
      ask: PageRequest<(typeof CAMPAIGN_SORTS)[number]> = {},
    ): Promise<ListPage<CampaignStatus>> {
      const v = visibilityOf(actor);
      const page = pageOf(await listCampaigns(store.db), ask, {
        sort: '-opened',
        limit: 100,
        value: (c, k) => (k === 'opened' ? c.opened_at : k === 'due' ? c.due_day : c.title),
      });
      const items: CampaignStatus[] = [];
      for (const c of page.items)
        items.push(await withAttestations(store.db, summary(c, await standing(store.db, c, v)), v));
      return { ...page, items };
    },

    /** One campaign's progress; with `byUnit`, per unit cut to `depth` levels. */
    async status(
      actor: Actor,
      id: string,
      o: { byUnit?: boolean; depth?: number } = {},
    ): Promise<CampaignStatus> {
      const c = await campaignOf(store.db, id);
      const v = visibilityOf(actor);
      const list = await standing(store.db, c, v);
      const s = await withAttestations(store.db, summary(c, list), v);
      if (o.byUnit) s.units = byUnit(list, o.depth);
      return s;
    },

    /**
     * The models most often declared in a campaign, for the declaration form's suggestions: to
     * anyone the campaign asks or who sees some of its people; only models declared by three
     * people or more, so that no suggestion points at one person.
     */
    async models(actor: Actor, id: string): Promise<DeclaredModel[]> {
      const c = await campaignOf(store.db, id);
      if ((await standing(store.db, c, visibilityOf(actor))).length === 0)
        throw new AppError('not_found', `no campaign ${id}`);
      return listDeclaredModels(store.db, c.id, 3, 20);
    },

    /**
     * The people of a campaign the reader may see: in some states, in a unit and below, one
     * person, or those whose name or id holds every word of `q`; a page of them, or all.
     */
    async people(
      actor: Actor,
      id: string,
      f: CampaignPeopleFilter & PageRequest<(typeof CAMPAIGN_PEOPLE_SORTS)[number]> = {},
    ): Promise<ListPage<CampaignPersonView>> {
      const c = await campaignOf(store.db, id);
      const states = f.state ? new Set(f.state.split(',')) : null;
      const list = (await standing(store.db, c, visibilityOf(actor))).filter(
        (p) =>
          (states === null || states.has(p.state)) &&
          (f.unit === undefined || isAtOrBelow(p.unit, f.unit)) &&
          (f.person === undefined || p.person === f.person) &&
          (f.late === undefined || p.late === f.late) &&
          (f.q === undefined || matchesFolded(foldText(`${p.name} ${p.person}`), f.q)),
      );
      const byName = compareText();
      const rank = { 'not-started': 0, 'in-progress': 1, confirmed: 2 } as const;
      // Who has not started first, then by unit and name; any other order by its column.
      const ordered = list.sort(
        (a, b) => rank[a.state] - rank[b.state] || byName(a.unit, b.unit) || byName(a.name, b.name),
      );
      const page = pageOf(ordered, f, {
        sort: 'state',
        limit: f.all ? ordered.length || 1 : 100,
        value: (p, k) => (k === 'state' ? rank[p.state] : k === 'declared' ? p.declared : p[k]),
        compare: byName,
      });
      const names = await namesOf(store.db, { devices: page.items.flatMap((p) => p.devices) });
      for (const p of page.items)
        p.declaredDevices = p.devices.map((d) => ({ id: d, name: names.device(d) }));
      return page;
    },

    /**
     * Declares devices (and/or that the list is complete, or that none is used) for oneself; an
     * officer records a paper form by naming the person. Each device becomes inventory owned by
     * the declarer at this moment; a serial or IMEI already known updates that device instead.
     */
    async declare(
      actor: Actor,
      id: string,
      body: unknown,
    ): Promise<{ devices: string[]; confirmed: boolean; late: boolean }> {
      const parsed = Declaration.safeParse(body);
      if (!parsed.success)
        throw invalidInput('the declaration is refused', problemsOf(parsed.error));
      const f = parsed.data;
      return writeTransaction(store, async (tx) => {
        const c = await campaignOf(tx, id);
        const paper = f.person !== undefined && f.person !== actor.personId;
        const personId = f.person ?? actor.personId;
        if (!personId)
          throw new AppError(
            'forbidden',
            'your account is not linked to a person: nothing to declare',
          );
        if (paper && !hasPermission(actor, 'act-for-others'))
          throw new AppError(
            'forbidden',
            'nobody declares for someone else, except an officer recording a paper form',
          );
        const person: StoredPerson | undefined = (await getPeopleByIds(tx, [personId])).get(
          personId,
        );
        if (!person || !isInScope(person, scopeOf(c)) || !canSeePerson(visibilityOf(actor), person))
          throw new AppError('not_found', `campaign ${id} asks nothing of ${personId}`);
        if (f.none && f.devices.length > 0)
          throw invalidInput('the declaration is refused', [
            {
              where: 'none',
              code: 'none_with_devices',
              message: 'cannot state no device while declaring devices',
            },
          ]);
        const now = clock.now();
        await checkObservationTime(tx, now, now, 'the declaration');
        const late = isOverdue(now, c.due_end);
        const by = actor.email;
        const serials = await getDevicesBySerialKeys(
          tx,
          f.devices.flatMap((d) => (serialKey(d.serial) ? [serialKey(d.serial)!] : [])),
        );
        const imeis = await getDevicesByImeiKeys(
          tx,
          f.devices.flatMap((d) => (imeiKey(d.imei) ? [imeiKey(d.imei)!] : [])),
        );
        const mine = await listDeclarations(tx, c.id, personId);
        const held = await heldByWorkflow(tx, [...serials.values(), ...imeis.values()]);
        const problems: Problem[] = [];
        const ids: string[] = [];
        let n = mine.filter((d) => d.created_device === 1).length;
        for (const [i, d] of f.devices.entries()) {
          const known =
            (serialKey(d.serial) ? serials.get(serialKey(d.serial)!) : undefined) ??
            (imeiKey(d.imei) ? imeis.get(imeiKey(d.imei)!) : undefined);
          // What phaseout's replacement workflow holds (a stock unit, a device handed in or
          // sanitised) is not put back into use by a declaration (DESIGN §5a).
          if (known && held.has(known.id)) {
            problems.push({
              where: `devices.${i}.serial`,
              value: d.serial ?? d.imei ?? '',
              code: 'held_by_workflow',
              message: `is ${known.status} through phaseout's replacement workflow: it cannot be declared in use`,
            });
            continue;
          }
          if (known && known.owner !== null && known.owner !== personId) {
            problems.push({
              where: `devices.${i}.serial`,
              value: d.serial ?? d.imei ?? '',
              code: 'someone_elses_device',
              message: 'is recorded as someone else’s device',
            });
            continue;
          }
          const next: Device = {
            id: known?.id ?? `${c.id}:${personId}:${++n}`,
            owner: personId,
            class: d.class,
            platform: d.platform,
            osVersion: d.osVersion ?? known?.osVersion ?? null,
            manufacturer: d.manufacturer ?? known?.manufacturer ?? null,
            model: d.model ?? known?.model ?? null,
            serial: d.serial ?? known?.serial ?? null,
            imei: d.imei ?? known?.imei ?? null,
            ownership: d.ownership,
            purposes: d.purposes,
            status: 'active',
            apps: known?.apps ?? [],
            // The declarer owns it from now: a unit's custody ends (DESIGN §5a).
            unit: null,
          };
          const row = deviceToRow(next, {
            created: known?.createdAt ?? now,
            changed: now,
            seen: now,
          });
          if (known) await updateDevice(tx, row);
          else if ((await getDevicesByIds(tx, [next.id])).has(next.id))
            throw new AppError('conflict', `device ${next.id} exists already`);
          else await insertDevices(tx, [row]);
          await insertDeclaration(tx, {
            campaign_id: c.id,
            person_id: personId,
            device_id: next.id,
            declared_at: now,
            declared_by: by,
            paper: paper ? 1 : 0,
            late: late ? 1 : 0,
            created_device: known ? 0 : 1,
            withdrawn_at: null,
            device_before: known ? JSON.stringify(deviceFieldsOf(known)) : null,
          });
          ids.push(next.id);
        }
        if (problems.some((p) => p.code === 'held_by_workflow'))
          throw new AppError(
            'conflict',
            'the declaration is refused; nothing was changed',
            problems,
          );
        if (problems.length > 0) throw invalidInput('the declaration is refused', problems);
        await recordSourceReports(
          tx,
          ids.map((d) => ({
            device_id: d,
            source: `declaration:${c.id}`,
            source_id: null,
            last_seen_at: now,
            not_reported_since: null,
            last_contact_at: null,
            fields: null,
          })),
        );
        const before = await getCampaignPerson(tx, c.id, personId);
        const confirm = f.complete || f.none;
        await putCampaignPerson(
          tx,
          {
            campaign_id: c.id,
            person_id: personId,
            started_at: before?.started_at ?? now,
            confirmed_at: confirm ? now : (before?.confirmed_at ?? null),
            confirmed_by: confirm ? by : (before?.confirmed_by ?? null),
            uses_none: f.none ? 1 : ids.length > 0 ? 0 : (before?.uses_none ?? 0),
          },
          before !== undefined,
        );
        await advanceObservationClock(tx, now);
        await reevaluateDevices(tx, ids, now, await loadActiveMandates(tx, await getTimeZone(tx)));
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: paper ? 'campaign.declare.paper' : 'campaign.declare',
          object: `campaign/${c.id}/person/${personId}`,
          change: { devices: ids, complete: f.complete, none: f.none, late },
        });
        return {
          devices: ids,
          confirmed: confirm || (before?.confirmed_at ?? null) !== null,
          late,
        };
      });
    },

    /**
     * A unit head states that every person of their unit (and below) has declared: only when all
     * have confirmed, or the rest are named with a reason. Once per unit and campaign.
     */
    async attest(
      actor: Actor,
      id: string,
      body: unknown,
    ): Promise<{ unit: string; at: string; exceptions: { person: string; reason: string }[] }> {
      const parsed = CampaignAttestation.safeParse(body);
      if (!parsed.success)
        throw invalidInput('the attestation is refused', problemsOf(parsed.error));
      const f = parsed.data;
      const unit = normaliseUnitPath(f.unit);
      if (!unit)
        throw invalidInput('the attestation is refused', [
          { where: 'unit', value: f.unit, code: 'not_unit_path', message: 'is not a unit path' },
        ]);
      return writeTransaction(store, async (tx) => {
        const c = await campaignOf(tx, id);
        const v = visibilityOf(actor);
        if (
          !hasPermission(actor, 'attest-unit') ||
          !actor.units.some((u) => u === unit) ||
          !actor.personId
        )
          throw new AppError('forbidden', `only the head of ${unit} attests for it`);
        if (await getCampaignAttestation(tx, c.id, unit))
          throw new AppError('conflict', `${unit} has attested for ${id} already`);
        const inUnit = (await standing(tx, c, v)).filter(
          (p) => p.unit === unit || p.unit.startsWith(`${unit}/`),
        );
        if (inUnit.length === 0)
          throw new AppError('conflict', `campaign ${id} asks nobody of ${unit} to declare`);
        const open = inUnit.filter((p) => p.state !== 'confirmed');
        const named = new Map(f.exceptions.map((e) => [e.person, e.reason]));
        const problems: Problem[] = [];
        for (const p of open)
          if (!named.has(p.person))
            problems.push({
              where: 'exceptions',
              value: p.person,
              code: 'not_confirmed',
              params: { name: p.name },
              message: `${p.name} has not confirmed: name them with a reason, or wait`,
            });
        f.exceptions.forEach((e, i) => {
          if (!open.some((p) => p.person === e.person))
            problems.push({
              where: `exceptions.${i}.person`,
              value: e.person,
              code: 'not_open_in_unit',
              message: 'is not someone of the unit who has not confirmed',
            });
        });
        if (problems.length > 0)
          throw new AppError('conflict', `not every person of ${unit} has declared`, problems);
        const now = clock.now();
        await insertCampaignAttestation(tx, {
          campaign_id: c.id,
          unit,
          by_person_id: actor.personId,
          attested_at: now,
          exceptions: JSON.stringify(f.exceptions),
          note: f.note ?? null,
        });
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'campaign.attest',
          object: `campaign/${c.id}/unit/${unit}`,
          change: { exceptions: f.exceptions, note: f.note ?? null },
        });
        return { unit, at: formatInstant(now), exceptions: f.exceptions };
      });
    },

    /** Takes back a wrongly declared device before the due date: a device it created is retired. */
    async takeBack(actor: Actor, id: string, deviceId: string): Promise<void> {
      await writeTransaction(store, async (tx) => {
        const c = await campaignOf(tx, id);
        const d = (await listDeclarations(tx, c.id)).find((x) => x.device_id === deviceId);
        const mineOrPaper =
          d && (d.person_id === actor.personId || hasPermission(actor, 'act-for-others'));
        if (!d || !mineOrPaper)
          throw new AppError('not_found', `no declaration of ${deviceId} in ${id}`);
        const now = clock.now();
        if (isOverdue(now, c.due_end))
          throw new AppError(
            'conflict',
            `campaign ${id} is past its due date: a declaration can no longer be taken back`,
          );
        await checkObservationTime(tx, now, now, 'the take-back');
        await withdrawDeclaration(tx, d.id, now);
        // Taking a declaration back undoes it: a device it created is retired with no owner; one
        // it changed has its fields from before the declaration back.
        const dev = (await getDevicesByIds(tx, [deviceId])).get(deviceId);
        const restored: Device | null = !dev
          ? null
          : d.created_device === 1
            ? { ...deviceFieldsOf(dev), status: 'retired', owner: null }
            : d.device_before
              ? { ...(JSON.parse(d.device_before) as Device), id: deviceId }
              : null;
        if (dev && restored) {
          await updateDevice(
            tx,
            deviceToRow(restored, { created: dev.createdAt, changed: now, seen: now }),
          );
          await advanceObservationClock(tx, now);
          await reevaluateDevices(
            tx,
            [deviceId],
            now,
            await loadActiveMandates(tx, await getTimeZone(tx)),
          );
        }
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'campaign.take-back',
          object: `campaign/${c.id}/device/${deviceId}`,
          change: { person: d.person_id },
        });
      });
    },
  };
}
