import {
  judgeDevice,
  reconcileFinding,
  reconcileUnassigned,
  reconcileUnknown,
  type Judge,
  type OpenFinding,
  type OpenUnassigned,
  type OpenUnknown,
  type UnassignedChange,
  type UnknownChange,
  type Verdict,
} from '../domain/finding.rules.js';
import {
  countOpenUnassigned,
  getOpenUnassigned,
  getOpenUnassignedOfMandate,
  writeUnassignedChanges,
  type NewUnassigned,
  type UnassignedClose,
} from '../store/unassigned.repository.js';
import {
  getOpenUnknowns,
  getOpenUnknownsOfMandate,
  writeUnknownChanges,
  type NewUnknown,
  type UnknownClose,
} from '../store/unknowns.repository.js';
import { mandateSchema, type MandateDocument } from '../domain/mandate.model.js';
import { scopeOf } from '../domain/scope.js';
import { compileTarget } from '../domain/target.compile.js';
import { mayBeUndecided } from '../domain/target.lower.js';
import { startOfDay } from '../domain/time.js';
import { insertCaughtFindings, streamCandidates } from '../store/candidates.repository.js';
import { getDevicesByIds, type StoredDevice } from '../store/devices.repository.js';
import {
  firstOpenFindings,
  getOpenFindings,
  getOpenFindingsOfMandate,
  writeFindingChanges,
  type FindingClose,
  type NewFinding,
} from '../store/findings.repository.js';
import { getMandateVersion, listMandates } from '../store/mandates.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import type { Db, MandateVersionsTable } from '../store/schema.js';

/** A mandate version ready to judge devices. */
export interface LoadedMandate {
  id: string;
  version: number;
  digest: string;
  doc: MandateDocument;
  judge: Judge;
  issuedAt: number;
}

/** What an evaluation opened and closed, and targets that failed for some device. */
export interface EvalOutcome {
  opened: number;
  closed: number;
  /** Which devices (the first thousand of each) opened and closed a finding, with why. */
  sample: {
    opened: { mandate: string; device: string; owner: string | null }[];
    closed: { mandate: string; device: string; reason: string }[];
  };
  errors: { mandate: string; device: string; error: string }[];
  /** Unknown intervals opened: devices whose target could not be decided. */
  unknown: number;
}

const SAMPLE = 1000;

const compiled = new Map<string, { doc: MandateDocument; judge: Judge }>();

/** Compiles a stored version once per digest. */
export function loadMandateVersion(row: MandateVersionsTable, zone: string): LoadedMandate {
  let c = compiled.get(row.digest);
  if (!c) {
    const doc = mandateSchema.parse(JSON.parse(row.document));
    const t = compileTarget(doc.spec.target);
    if (!t.ok)
      throw new Error(`stored mandate ${row.mandate_id} v${row.version} no longer compiles`);
    c = { doc, judge: { scope: scopeOf(doc), target: t.target } };
    compiled.set(row.digest, c);
  }
  return {
    id: row.mandate_id,
    version: row.version,
    digest: row.digest,
    ...c,
    issuedAt: startOfDay(c.doc.metadata.issuedAt, zone),
  };
}

/** The current version of every mandate that is not withdrawn. */
export async function loadActiveMandates(db: Db, zone: string): Promise<LoadedMandate[]> {
  const out: LoadedMandate[] = [];
  for (const m of await listMandates(db)) {
    if (m.withdrawn_at !== null) continue;
    const v = await getMandateVersion(db, m.id, m.current_version);
    if (v) out.push(loadMandateVersion(v, zone));
  }
  return out;
}

export function emptyOutcome(): EvalOutcome {
  return { opened: 0, closed: 0, sample: { opened: [], closed: [] }, errors: [], unknown: 0 };
}

/** Two outcomes as one: counts added, samples kept to the first thousand. */
function mergeOutcomes(a: EvalOutcome, b: EvalOutcome): EvalOutcome {
  return {
    opened: a.opened + b.opened,
    closed: a.closed + b.closed,
    sample: {
      opened: a.sample.opened.concat(b.sample.opened).slice(0, SAMPLE),
      closed: a.sample.closed.concat(b.sample.closed).slice(0, SAMPLE),
    },
    errors: a.errors.concat(b.errors),
    unknown: a.unknown + b.unknown,
  };
}

class FindingWriter {
  readonly closes: FindingClose[] = [];
  readonly opens: NewFinding[] = [];
  readonly outcome = emptyOutcome();

  add(
    m: LoadedMandate,
    device: StoredDevice | undefined,
    deviceId: string,
    change: ReturnType<typeof reconcileFinding>,
  ): void {
    if (change.close) {
      const status = change.close.reason === 'device_inactive' ? (device?.status ?? null) : null;
      this.closes.push({ ...change.close, status });
      this.outcome.closed++;
      if (this.outcome.sample.closed.length < SAMPLE) {
        this.outcome.sample.closed.push({
          mandate: m.id,
          device: deviceId,
          reason: change.close.reason,
        });
      }
    }
    if (change.open) {
      this.opens.push({
        mandate_id: m.id,
        device_id: deviceId,
        owner_id: change.open.owner,
        unit: change.open.unit,
        opened_at: change.open.at,
        closed_at: null,
        close_reason: null,
        close_status: null,
      });
      this.outcome.opened++;
      if (this.outcome.sample.opened.length < SAMPLE) {
        this.outcome.sample.opened.push({
          mandate: m.id,
          device: deviceId,
          owner: change.open.owner,
        });
      }
    }
  }

  readonly unknownCloses: UnknownClose[] = [];
  readonly unknownOpens: NewUnknown[] = [];

  /** Records a device's unknown interval changing (DESIGN §5 "Undecided"). */
  addUnknown(m: LoadedMandate, deviceId: string, change: UnknownChange): void {
    if (change.close) this.unknownCloses.push(change.close);
    if (change.open) {
      this.unknownOpens.push({
        mandate_id: m.id,
        device_id: deviceId,
        owner_id: change.open.owner,
        unit: change.open.unit,
        reason: change.open.reason,
        opened_at: change.open.at,
        closed_at: null,
      });
      this.outcome.unknown++;
    }
  }

  readonly unassignedCloses: UnassignedClose[] = [];
  readonly unassignedOpens: NewUnassigned[] = [];

  /** Records a device's unassigned interval changing (DESIGN §5a). */
  addUnassigned(m: LoadedMandate, deviceId: string, change: UnassignedChange): void {
    if (change.close) this.unassignedCloses.push(change.close);
    if (change.open)
      this.unassignedOpens.push({
        mandate_id: m.id,
        device_id: deviceId,
        opened_at: change.open.at,
        closed_at: null,
      });
  }

  /** The three kinds of interval a verdict moves: finding, unknown, unassigned. */
  judge(
    m: LoadedMandate,
    device: StoredDevice | undefined,
    deviceId: string,
    verdict: Verdict,
    at: number,
    open: { finding?: OpenFinding; unknown?: OpenUnknown; unassigned?: OpenUnassigned },
  ): void {
    if (!verdict.caught && verdict.error)
      this.outcome.errors.push({ mandate: m.id, device: deviceId, error: verdict.error });
    this.add(m, device, deviceId, reconcileFinding(open.finding, verdict, at, m.issuedAt));
    this.addUnknown(m, deviceId, reconcileUnknown(open.unknown, verdict, at, m.issuedAt));
    this.addUnassigned(m, deviceId, reconcileUnassigned(open.unassigned, verdict, at, m.issuedAt));
  }

  async flush(db: Db): Promise<EvalOutcome> {
    await writeFindingChanges(db, this.closes, this.opens);
    await writeUnknownChanges(db, this.unknownCloses, this.unknownOpens);
    await writeUnassignedChanges(db, this.unassignedCloses, this.unassignedOpens);
    return this.outcome;
  }
}

/** Re-judges the devices given after a change that took effect at `at`. */
export function reevaluateDevices(
  db: Db,
  deviceIds: string[],
  at: number,
  mandates: LoadedMandate[],
): Promise<EvalOutcome> {
  return reevaluateDevicesAt(
    db,
    deviceIds.map((id) => ({ id, at })),
    mandates,
  );
}

/**
 * Re-judges devices each changed at its own time (a batch of check-ins), reading and writing
 * once for all. Each device appears at most once.
 */
export async function reevaluateDevicesAt(
  db: Db,
  changes: { id: string; at: number }[],
  mandates: LoadedMandate[],
  partSize = 20_000,
): Promise<EvalOutcome> {
  if (changes.length === 0 || mandates.length === 0) return emptyOutcome();
  // A million changed devices are judged in parts: what is read and written stays bounded.
  let outcome = emptyOutcome();
  for (let i = 0; i < changes.length; i += partSize) {
    outcome = mergeOutcomes(
      outcome,
      await reevaluatePart(db, changes.slice(i, i + partSize), mandates),
    );
  }
  return outcome;
}

async function reevaluatePart(
  db: Db,
  changes: { id: string; at: number }[],
  mandates: LoadedMandate[],
): Promise<EvalOutcome> {
  const deviceIds = changes.map((c) => c.id);
  const devices = await getDevicesByIds(db, deviceIds);
  const owners = await getPeopleByIds(
    db,
    [...devices.values()].flatMap((d) => (d.owner ? [d.owner] : [])),
  );
  const open = await getOpenFindings(
    db,
    mandates.map((m) => m.id),
    deviceIds,
  );
  const ids = mandates.map((m) => m.id);
  const unknown = await getOpenUnknowns(db, ids, deviceIds);
  const unassigned = await getOpenUnassigned(db, ids, deviceIds);
  const w = new FindingWriter();
  for (const m of mandates) {
    for (const { id, at } of changes) {
      const d = devices.get(id);
      const owner = d?.owner ? (owners.get(d.owner) ?? null) : null;
      w.judge(m, d, id, judgeDevice(m.judge, d ?? null, owner), at, {
        finding: open.get(m.id)?.get(id),
        unknown: unknown.get(m.id)?.get(id),
        unassigned: unassigned.get(m.id)?.get(id),
      });
    }
  }
  return w.flush(db);
}

/**
 * Judges every device for one mandate version.
 * `first`: a first application (or reinstatement); findings open at the later of `from`
 * and the device's or owner's last change. `version`: a later version taking effect at `at`.
 * A first application of a target SQL decides exactly opens its findings in the database
 * (`insertCaughtFindings`) and reads only the devices it cannot decide; `inDatabase: false`
 * judges every candidate here (the two agree: test/first-application.test.ts).
 */
export async function evaluateWholeMandate(
  db: Db,
  m: LoadedMandate,
  mode: { kind: 'first'; from: number; sinceLastChange: boolean } | { kind: 'version'; at: number },
  inDatabase = true,
): Promise<EvalOutcome> {
  const w = new FindingWriter();
  const open: Map<string, OpenFinding> =
    mode.kind === 'version'
      ? await getOpenFindingsOfMandate(db, m.id)
      : new Map<string, OpenFinding>();
  const seen = new Set<string>();
  const unknownOpen: Map<string, OpenUnknown> =
    mode.kind === 'version'
      ? await getOpenUnknownsOfMandate(db, m.id)
      : new Map<string, OpenUnknown>();
  const unassignedOpen: Map<string, OpenUnassigned> =
    mode.kind === 'version'
      ? await getOpenUnassignedOfMandate(db, m.id)
      : new Map<string, OpenUnassigned>();
  const judged = new Set<string>();
  // A first application has nothing open: what the target catches is one insert.
  const caught =
    mode.kind === 'first' && inDatabase
      ? await insertCaughtFindings(db, {
          mandateId: m.id,
          target: m.judge.target.cond,
          scope: m.judge.scope,
          from: Math.max(mode.from, m.issuedAt),
          sinceLastChange: mode.sinceLastChange,
        })
      : null;
  if (caught !== null) {
    w.outcome.opened = caught;
    for (const f of await firstOpenFindings(db, m.id, SAMPLE))
      w.outcome.sample.opened.push({ mandate: m.id, device: f.device_id, owner: f.owner_id });
  }
  const filter = {
    target: m.judge.target.cond,
    scopeUnits: m.judge.scope.units,
    fields: m.judge.target.fields,
    scopeNeedsTags: m.judge.scope.tags.size > 0 || m.judge.scope.excludeTags.size > 0,
    undecidedOnly: caught !== null,
  };
  // What the database judged can leave nothing undecided: nothing is left to read.
  const pages =
    caught !== null && !mayBeUndecided(m.judge.target.cond) ? [] : streamCandidates(db, filter);
  for await (const page of pages) {
    for (const { device, owner } of page) {
      const verdict = judgeDevice(m.judge, device, owner);
      const at =
        mode.kind === 'version'
          ? mode.at
          : mode.sinceLastChange
            ? Math.max(mode.from, device.changedAt, owner?.changedAt ?? 0)
            : mode.from;
      judged.add(device.id);
      w.addUnknown(
        m,
        device.id,
        reconcileUnknown(unknownOpen.get(device.id), verdict, at, m.issuedAt),
      );
      w.addUnassigned(
        m,
        device.id,
        reconcileUnassigned(unassignedOpen.get(device.id), verdict, at, m.issuedAt),
      );
      if (!verdict.caught) {
        if (verdict.error)
          w.outcome.errors.push({ mandate: m.id, device: device.id, error: verdict.error });
        continue;
      }
      seen.add(device.id);
      w.add(m, device, device.id, reconcileFinding(open.get(device.id), verdict, at, m.issuedAt));
    }
  }
  const decided: Verdict = { caught: false, reason: 'mandate_changed' };
  const then = mode.kind === 'version' ? mode.at : mode.from;
  for (const [deviceId, u] of unknownOpen)
    if (!judged.has(deviceId))
      w.addUnknown(m, deviceId, reconcileUnknown(u, decided, then, m.issuedAt));
  for (const [deviceId, u] of unassignedOpen)
    if (!judged.has(deviceId))
      w.addUnassigned(m, deviceId, reconcileUnassigned(u, decided, then, m.issuedAt));
  if (mode.kind === 'version') {
    for (const [deviceId, f] of open) {
      if (seen.has(deviceId)) continue;
      w.add(
        m,
        undefined,
        deviceId,
        reconcileFinding(
          f,
          { caught: false, reason: 'mandate_changed' },
          mode.at,
          m.issuedAt,
          'mandate_changed',
        ),
      );
    }
  }
  return w.flush(db);
}

/** Closes every open finding of a mandate (withdrawal). */
export async function closeAllFindings(db: Db, m: LoadedMandate, at: number): Promise<EvalOutcome> {
  const w = new FindingWriter();
  for (const [deviceId, f] of await getOpenFindingsOfMandate(db, m.id)) {
    w.add(
      m,
      undefined,
      deviceId,
      reconcileFinding(f, { caught: false, reason: 'withdrawn' }, at, m.issuedAt, 'withdrawn'),
    );
  }
  for (const [deviceId, u] of await getOpenUnknownsOfMandate(db, m.id))
    w.addUnknown(
      m,
      deviceId,
      reconcileUnknown(u, { caught: false, reason: 'withdrawn' }, at, m.issuedAt),
    );
  for (const [deviceId, u] of await getOpenUnassignedOfMandate(db, m.id))
    w.addUnassigned(
      m,
      deviceId,
      reconcileUnassigned(u, { caught: false, reason: 'withdrawn' }, at, m.issuedAt),
    );
  return w.flush(db);
}

/**
 * How many active devices the target matches that nobody holds, now (DESIGN §5a): never caught,
 * but never silent — an application reports them.
 */
export function countUnownedMatches(db: Db, m: LoadedMandate): Promise<number> {
  return countOpenUnassigned(db, m.id);
}
