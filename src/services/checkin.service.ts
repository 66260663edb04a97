import { getPeopleByIds } from '../store/people.repository.js';
import { custodianAfter } from '../domain/custody.rules.js';
import { breaksHold, heldByWorkflow } from './device-hold.js';
import { createHash } from 'node:crypto';
import { CheckinBatch, type Checkin, type CheckinAnswer } from '../contract/imports.js';
import type { Clock } from '../adapters/clock.js';
import { auditActor, type Actor } from '../domain/access.policy.js';
import { canonicalJson } from '../domain/canonical-json.js';
import { DEVICE_FIELDS, type Device } from '../domain/device.model.js';
import { AppError, invalidInput, problemsOf, type Problem } from '../domain/errors.js';
import {
  imeiKey,
  normaliseSourceRow,
  serialKey,
  type RawSourceRow,
} from '../domain/source.normalise.js';
import { formatInstant, parseInstant } from '../domain/time.js';
import type { Store } from '../store/database.js';
import {
  getActivePeopleByEmail,
  getDevicesByImeiKeys,
  getDevicesBySerialKeys,
  recordSourceReports,
} from '../store/device-sources.repository.js';
import {
  deviceToRow,
  getDevicesByIds,
  getLastSeen,
  insertDevices,
  touchDevices,
  updateDevice,
  type StoredDevice,
} from '../store/devices.repository.js';
import { getExistingPersonIds } from '../store/people.repository.js';
import {
  getIdempotentAnswer,
  insertCheckins,
  keepIdempotentAnswer,
} from '../store/checkins.repository.js';
import { writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { sameFields } from './device-import.write.js';
import { mergeReport } from './source-import.js';
import { emptyOutcome, loadActiveMandates, reevaluateDevicesAt } from './evaluation.service.js';
import { advanceObservationClock, getObservationClock, getTimeZone } from './settings.service.js';

/**
 * Device check-ins from an agent or MDM, a batch at a time. A check-in finds its device by
 * serial, IMEI or id; one older than the device's stored state changes no field and is kept in
 * history (DESIGN §11); a newer one applies at its time, or at the observation clock when
 * that is later (history before it is settled). With an idempotency key the same body gets
 * the same answer and applies nothing twice.
 */
export function makeCheckinService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  return {
    async checkin(
      actor: Actor,
      body: unknown,
      o: { source?: string; idempotencyKey?: string },
    ): Promise<CheckinAnswer> {
      const parsed = CheckinBatch.safeParse(body);
      if (!parsed.success)
        throw invalidInput(
          'the check-ins are refused; nothing was applied',
          // The body is a list: its items are named `[1]`, `[1].serial`.
          problemsOf(parsed.error, { brackets: true }),
        );
      const source = o.source?.trim() || 'checkin';
      const digest = createHash('sha256').update(canonicalJson({ source, body })).digest('hex');
      return writeTransaction(store, async (tx) => {
        const now = clock.now();
        if (o.idempotencyKey) {
          const kept = await getIdempotentAnswer(tx, actor.accountId, o.idempotencyKey);
          if (kept) {
            if (kept.digest !== digest)
              throw new AppError(
                'conflict',
                'this Idempotency-Key was used with another body; use a new key for new check-ins',
              );
            return JSON.parse(kept.response) as CheckinAnswer;
          }
        }
        const answer = await applyCheckins(tx, parsed.data, source, now);
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'device.checkin',
          object: `source/${source}`,
          change: {
            digest,
            received: answer.received,
            created: answer.created,
            applied: answer.applied,
            stale: answer.stale,
          },
        });
        if (o.idempotencyKey)
          await keepIdempotentAnswer(tx, {
            account_id: actor.accountId,
            key: o.idempotencyKey,
            digest,
            status: 200,
            response: JSON.stringify(answer),
            created_at: now,
          });
        return answer;
      });
    },
  };
}

async function applyCheckins(
  tx: Parameters<Parameters<typeof writeTransaction>[1]>[0],
  items: Checkin[],
  source: string,
  now: number,
): Promise<CheckinAnswer> {
  const zone = await getTimeZone(tx);
  const floor = (await getObservationClock(tx)) ?? Number.NEGATIVE_INFINITY;
  const problems: Problem[] = [];
  const times = items.map((it, i) => {
    const at = parseInstant(it.observedAt, zone);
    if (at === null)
      problems.push({
        where: `[${i}].observedAt`,
        value: it.observedAt,
        code: 'not_a_time',
        message: 'is not a time',
      });
    else if (at > now)
      problems.push({
        where: `[${i}].observedAt`,
        value: it.observedAt,
        code: 'in_the_future',
        params: { now: formatInstant(now) },
        message: `must not be later than now (${formatInstant(now)})`,
      });
    return at ?? 0;
  });
  const owners = await getExistingPersonIds(
    tx,
    items.flatMap((it) => (it.owner?.trim() ? [it.owner.trim()] : [])),
  );
  items.forEach((it, i) => {
    if (it.owner?.trim() && !owners.has(it.owner.trim()))
      problems.push({
        where: `[${i}].owner`,
        value: it.owner,
        code: 'unknown_person',
        message: 'is not a known person id',
      });
  });
  if (problems.length > 0)
    throw invalidInput('the check-ins are refused; nothing was applied', problems);

  const keys = items.map((it) => ({
    s: serialKey(it.serial),
    m: imeiKey(it.imei),
    id: it.id?.trim() || null,
  }));
  const bySerial = await getDevicesBySerialKeys(
    tx,
    keys.flatMap((k) => (k.s ? [k.s] : [])),
  );
  const byImei = await getDevicesByImeiKeys(
    tx,
    keys.flatMap((k) => (k.m ? [k.m] : [])),
  );
  const newId = (it: Checkin, k: (typeof keys)[number]) =>
    k.id ?? `${source}:${it.serial?.trim() || it.imei?.trim()}`;
  const byId = await getDevicesByIds(
    tx,
    items.map((it, i) => newId(it, keys[i]!)),
  );
  const emails = await getActivePeopleByEmail(
    tx,
    items.flatMap((it) => (it.ownerEmail?.trim() ? [it.ownerEmail.trim().toLowerCase()] : [])),
  );
  const current = new Map<string, StoredDevice>();
  const found = items.map((it, i) => {
    const k = keys[i]!;
    const d =
      (k.id ? byId.get(k.id) : undefined) ??
      (k.s ? bySerial.get(k.s) : undefined) ??
      (k.m ? byImei.get(k.m) : undefined) ??
      byId.get(newId(it, k));
    if (d) current.set(d.id, d);
    return d?.id ?? newId(it, k);
  });
  const lastSeen = await getLastSeen(tx, [...current.keys()]);
  const held = await heldByWorkflow(tx, current.values());
  // Owners a check-in may clear: their unit takes custody (DESIGN §5a).
  const lastOwners = await getPeopleByIds(
    tx,
    [...current.values()].flatMap((d) => (d.owner ? [d.owner] : [])),
  );
  const mandates = await loadActiveMandates(tx, zone);
  const answer: CheckinAnswer = {
    received: items.length,
    created: 0,
    applied: 0,
    unchanged: 0,
    stale: 0,
    conflicts: 0,
    unmatchedOwners: 0,
    items: [],
    findings: { opened: 0, closed: 0 },
  };
  const history: Parameters<typeof insertCheckins>[1] = [];
  const reports: Parameters<typeof recordSourceReports>[1] = [];
  const touched = new Set<string>();
  let clockTo = floor;
  // In the order observed, so that two check-ins of one device apply one after the other.
  const order = items.map((_, i) => i).sort((a, b) => times[a]! - times[b]! || a - b);
  const outcome = emptyOutcome();
  // Changed devices are judged together, each at its own time.
  const pending = new Map<string, number>();
  const judgePending = async () => {
    const r = await reevaluateDevicesAt(
      tx,
      [...pending].map(([id, at]) => ({ id, at })),
      mandates,
    );
    outcome.opened += r.opened;
    outcome.closed += r.closed;
    pending.clear();
  };
  for (const i of order) {
    const it = items[i]!;
    const id = found[i]!;
    const observed = times[i]!;
    const before = current.get(id);
    const seen = lastSeen.get(id);
    const at = Math.max(observed, floor);
    const stale = before !== undefined && seen !== undefined && observed < seen;
    history.push({
      device_id: id,
      source,
      observed_at: observed,
      received_at: now,
      applied: stale ? 0 : 1,
      body: JSON.stringify(it),
    });
    if (stale) {
      answer.stale++;
      answer.items[i] = { device: id, outcome: 'stale', effectiveAt: formatInstant(observed) };
      continue;
    }
    const raw: RawSourceRow = {};
    for (const key of [
      'os',
      'osVersion',
      'manufacturer',
      'model',
      'modelIdentifier',
      'platform',
      'class',
      'ownership',
      'status',
    ] as const) {
      const v = it[key];
      if (v !== undefined) raw[key] = v;
    }
    if (it.apps) raw.apps = it.apps.join(';');
    const f = normaliseSourceRow(raw);
    const merged = mergeReport(id, before, f, it.serial, it.imei);
    // An e-mail that matches no active person clears nothing: the owner stays (DESIGN §5a).
    let unmatched: string | undefined;
    if (it.owner !== undefined) merged.owner = it.owner.trim() || null;
    else if (it.ownerEmail !== undefined) {
      const email = it.ownerEmail.trim().toLowerCase();
      const found = email === '' ? null : emails.get(email);
      if (found === undefined) unmatched = it.ownerEmail.trim();
      merged.owner = found === undefined ? (before?.owner ?? null) : found;
    }
    // What the replacement workflow holds stays as it left it; the check-in says so.
    const conflict = before && held.has(before.id) ? breaksHold(before, merged) : null;
    if (before && conflict) {
      merged.status = before.status;
      merged.owner = before.owner;
      answer.conflicts++;
    }
    if (unmatched !== undefined) answer.unmatchedOwners++;
    const notes = {
      ...(conflict ? { conflict } : {}),
      ...(unmatched !== undefined ? { unmatchedOwner: unmatched } : {}),
    };
    merged.unit = custodianAfter(before, merged, {
      namesUnit: false,
      lastOwnerUnit: before?.owner ? (lastOwners.get(before.owner)?.unit ?? null) : null,
    });
    reports.push({
      device_id: id,
      source,
      source_id: it.id?.trim() || null,
      last_seen_at: at,
      not_reported_since: null,
      last_contact_at: null,
      fields: null,
    });
    clockTo = Math.max(clockTo, at);
    lastSeen.set(id, at);
    if (before && sameFields<Device>(before, merged, DEVICE_FIELDS)) {
      answer.unchanged++;
      answer.items[i] = {
        device: id,
        outcome: 'unchanged',
        effectiveAt: formatInstant(at),
        ...notes,
      };
      touched.add(id);
      continue;
    }
    const row = deviceToRow(merged, { created: before?.createdAt ?? at, changed: at, seen: at });
    // A device changed twice in one batch is judged after its first change, before its second.
    if (pending.has(id)) await judgePending();
    if (before) await updateDevice(tx, row);
    else await insertDevices(tx, [row]);
    current.set(id, { ...merged, createdAt: before?.createdAt ?? at, changedAt: at });
    if (before) answer.applied++;
    else answer.created++;
    answer.items[i] = {
      device: id,
      outcome: before ? 'applied' : 'created',
      effectiveAt: formatInstant(at),
      ...notes,
    };
    pending.set(id, at);
  }
  await judgePending();
  // Last seen: each device's latest report in the batch (a change writes it too).
  const byTime = new Map<number, string[]>();
  for (const id of touched) {
    const at = lastSeen.get(id)!;
    byTime.set(at, [...(byTime.get(at) ?? []), id]);
  }
  for (const [at, ids] of byTime) await touchDevices(tx, ids, at);
  await recordSourceReports(tx, reports);
  await insertCheckins(tx, history);
  if (clockTo > floor) await advanceObservationClock(tx, clockTo);
  answer.findings = { opened: outcome.opened, closed: outcome.closed };
  return answer;
}
