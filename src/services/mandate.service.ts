import type { ApplyLine, ApplyResult, Deadline } from '../contract/status.js';
import { deadlineAsOf } from '../domain/status.rules.js';
import { resolvePhaseOf } from '../domain/mandate.model.js';
import type { Timings } from './timings.js';
import type { Clock } from '../adapters/clock.js';
import { AppError, invalidInput } from '../domain/errors.js';
import { decideApply, type StoredMandate } from '../domain/mandate.apply.js';
import { parseMandateFile, type ParsedMandate } from '../domain/mandate.parse.js';
import { formatInstant, startOfDay } from '../domain/time.js';
import type { Store } from '../store/database.js';
import {
  getMandate,
  getMandateVersion,
  insertMandate,
  insertMandateEvent,
  insertMandateVersion,
  listMandates,
  listMandateVersions,
  updateMandate,
} from '../store/mandates.repository.js';
import type { Db } from '../store/schema.js';
import { Rollback, writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import {
  closeAllFindings,
  countUnownedMatches,
  emptyOutcome,
  evaluateWholeMandate,
  loadMandateVersion,
  type EvalOutcome,
  type LoadedMandate,
} from './evaluation.service.js';
import { scopeWarnings } from './scope.queries.js';
import {
  advanceObservationClock,
  checkObservationTime,
  getTimeZone,
  readTime,
} from './settings.service.js';

export interface ApplyOptions {
  fileName: string;
  dryRun?: boolean;
  effectiveAt?: string;
  reinstate?: boolean;
  actor: string;
}

export type { ApplyLine, ApplyResult };

/** One document's line of the answer. */
function lineOf(
  id: string,
  outcome: ApplyLine['outcome'],
  version: number,
  o: EvalOutcome,
): ApplyLine {
  return {
    id,
    outcome,
    version,
    opened: o.opened,
    closed: o.closed,
    unownedMatches: 0,
    sample: o.sample,
  };
}

/** Mandate use cases: apply, withdraw, list. */
export function makeMandateService(deps: { store: Store; clock: Clock; timings?: Timings }) {
  const { store, clock } = deps;

  async function storeVersion(
    tx: Db,
    p: ParsedMandate,
    source: string,
    version: number,
    effectiveAt: number,
    now: number,
  ): Promise<LoadedMandate> {
    const row = {
      mandate_id: p.doc.metadata.id,
      version,
      source,
      document: p.canonical,
      digest: p.digest,
      effective_at: effectiveAt,
      applied_at: now,
    };
    await insertMandateVersion(tx, row);
    return loadMandateVersion(row, await getTimeZone(tx));
  }

  /** What is stored of the mandates a file names. */
  async function storedMandates(tx: Db, ids: string[]): Promise<Map<string, StoredMandate>> {
    const out = new Map<string, StoredMandate>();
    for (const id of ids) {
      const m = await getMandate(tx, id);
      if (!m) continue;
      const current = await getMandateVersion(tx, id, m.current_version);
      const doc = current
        ? (JSON.parse(current.document) as { metadata?: { issuedAt?: string } })
        : undefined;
      out.set(id, {
        version: m.current_version,
        digest: current?.digest ?? '',
        issuedAt: doc?.metadata?.issuedAt,
        withdrawnAt: m.withdrawn_at,
      });
    }
    return out;
  }

  type Applied = { line: ApplyLine; loaded: LoadedMandate; outcome: EvalOutcome };

  /** A first version: governs from its issuedAt, evaluated over all history since. */
  async function createIn(
    tx: Db,
    p: ParsedMandate,
    source: string,
    zone: string,
    now: number,
  ): Promise<Applied> {
    const id = p.doc.metadata.id;
    const issuedAt = startOfDay(p.doc.metadata.issuedAt, zone);
    await insertMandate(tx, {
      id,
      title: p.doc.metadata.title,
      current_version: 1,
      issued_at: issuedAt,
      first_applied_at: now,
      withdrawn_at: null,
    });
    const loaded = await storeVersion(tx, p, source, 1, issuedAt, now);
    await insertMandateEvent(tx, {
      mandate_id: id,
      kind: 'applied',
      version: 1,
      effective_at: issuedAt,
      recorded_at: now,
    });
    const outcome = await evaluateWholeMandate(tx, loaded, {
      kind: 'first',
      from: issuedAt,
      sinceLastChange: true,
    });
    return { loaded, outcome, line: lineOf(id, 'created', 1, outcome) };
  }

  /** The same document again: nothing changes. */
  async function unchangedIn(tx: Db, id: string, version: number, zone: string): Promise<Applied> {
    const loaded = loadMandateVersion((await getMandateVersion(tx, id, version))!, zone);
    const outcome = emptyOutcome();
    return { loaded, outcome, line: lineOf(id, 'unchanged', version, outcome) };
  }

  /** A later version from `at`, or a withdrawn mandate brought back (re-evaluated from `at`). */
  async function changeIn(
    tx: Db,
    p: ParsedMandate,
    source: string,
    step: { id: string; kind: 'update' | 'reinstate'; version: number; newVersion: boolean },
    at: number,
    now: number,
  ): Promise<Applied> {
    const zone = await getTimeZone(tx);
    const loaded = step.newVersion
      ? await storeVersion(tx, p, source, step.version, at, now)
      : loadMandateVersion((await getMandateVersion(tx, step.id, step.version))!, zone);
    await updateMandate(tx, step.id, {
      title: p.doc.metadata.title,
      current_version: step.version,
      withdrawn_at: null,
    });
    await insertMandateEvent(tx, {
      mandate_id: step.id,
      kind: step.kind === 'reinstate' ? 'reinstated' : 'applied',
      version: step.version,
      effective_at: at,
      recorded_at: now,
    });
    const outcome =
      step.kind === 'reinstate'
        ? await evaluateWholeMandate(tx, loaded, {
            kind: 'first',
            from: at,
            sinceLastChange: false,
          })
        : await evaluateWholeMandate(tx, loaded, { kind: 'version', at });
    await advanceObservationClock(tx, at);
    const outcomeName = step.kind === 'reinstate' ? 'reinstated' : 'updated';
    return { loaded, outcome, line: lineOf(step.id, outcomeName, step.version, outcome) };
  }

  const service = {
    /** Applies every document of a file, all or nothing. */
    async apply(text: string, o: ApplyOptions): Promise<ApplyResult> {
      const parsed = parseMandateFile(text, o.fileName);
      if (parsed.problems.length > 0) {
        throw invalidInput(
          `${o.fileName}: ${parsed.problems.length} problem(s); nothing was applied`,
          parsed.problems,
        );
      }
      return writeTransaction(store, async (tx) => {
        const zone = await getTimeZone(tx);
        const now = clock.now();
        const at =
          o.effectiveAt !== undefined ? readTime(o.effectiveAt, zone, '--effective-at') : now;
        const { problems, steps } = decideApply(
          parsed.mandates.map((p) => ({
            id: p.doc.metadata.id,
            digest: p.digest,
            issuedAt: p.doc.metadata.issuedAt,
          })),
          await storedMandates(
            tx,
            parsed.mandates.map((p) => p.doc.metadata.id),
          ),
          {
            fileName: o.fileName,
            effectiveAt: o.effectiveAt !== undefined,
            reinstate: !!o.reinstate,
          },
        );
        if (problems.length > 0)
          throw invalidInput(
            `${o.fileName}: ${problems.length} problem(s); nothing was applied`,
            problems,
          );
        const result: ApplyResult = {
          dryRun: o.dryRun === true,
          lines: [],
          warnings: [],
          errors: [],
        };
        // A later version or a reinstatement must not go back behind what was observed.
        if (steps.some((x) => x.kind === 'update' || x.kind === 'reinstate'))
          await checkObservationTime(tx, at, now, '--effective-at');
        const docSources = splitSources(text, parsed.mandates.length);
        for (const [i, step] of steps.entries()) {
          const p = parsed.mandates[i]!;
          const source = docSources[i] ?? text;
          const { line, loaded, outcome } =
            step.kind === 'create'
              ? await createIn(tx, p, source, zone, now)
              : step.kind === 'unchanged'
                ? await unchangedIn(tx, step.id, step.version, zone)
                : await changeIn(tx, p, source, step, at, now);
          line.unownedMatches = await countUnownedMatches(tx, loaded);
          result.lines.push(line);
          if (step.kind === 'unchanged') continue;
          result.errors.push(...outcome.errors);
          result.warnings.push(...(await scopeWarnings(tx, loaded)));
          await recordAudit(tx, now, {
            actor: o.actor,
            action: `mandate.${step.kind}`,
            object: `mandate/${step.id}`,
            change: {
              version: line.version,
              digest: p.digest,
              effectiveAt: step.kind === 'create' ? null : at,
              opened: line.opened,
              closed: line.closed,
            },
          });
        }
        if (o.dryRun) throw new Rollback(result);
        return result;
      });
    },

    /** Withdraws a mandate: its open findings close then. */
    async withdraw(
      id: string,
      o: { effectiveAt?: string; actor: string },
    ): Promise<{ id: string; closed: number; withdrawnAt: string }> {
      return writeTransaction(store, async (tx) => {
        const m = await getMandate(tx, id);
        if (!m)
          throw new AppError('not_found', `unknown mandate ${id}`, [
            { where: 'MANDATE', value: id, code: 'unknown_mandate', message: 'no such mandate' },
          ]);
        if (m.withdrawn_at !== null) {
          throw invalidInput(`mandate ${id} is already withdrawn`, [
            {
              where: 'MANDATE',
              value: id,
              code: 'mandate_withdrawn',
              params: { mandate: '', at: formatInstant(m.withdrawn_at) },
              message: `withdrawn at ${formatInstant(m.withdrawn_at)}`,
            },
          ]);
        }
        const zone = await getTimeZone(tx);
        const now = clock.now();
        const at =
          o.effectiveAt !== undefined ? readTime(o.effectiveAt, zone, '--effective-at') : now;
        await checkObservationTime(tx, at, now, '--effective-at');
        const v = await getMandateVersion(tx, id, m.current_version);
        const outcome = await closeAllFindings(tx, loadMandateVersion(v!, zone), at);
        await updateMandate(tx, id, { withdrawn_at: at });
        await insertMandateEvent(tx, {
          mandate_id: id,
          kind: 'withdrawn',
          version: m.current_version,
          effective_at: at,
          recorded_at: now,
        });
        await advanceObservationClock(tx, at);
        await recordAudit(tx, now, {
          actor: o.actor,
          action: 'mandate.withdraw',
          object: `mandate/${id}`,
          change: { effectiveAt: at, closed: outcome.closed },
        });
        return { id, closed: outcome.closed, withdrawnAt: formatInstant(at) };
      });
    },

    /** Every mandate with its current version. */
    async list(): Promise<
      {
        id: string;
        title: string;
        version: number;
        issuedAt: string;
        withdrawnAt: string | null;
        due: string | null;
        deadline: Deadline;
        action: string;
        exemptions: { allowed: boolean; grounds: string[]; maxDuration: string | null };
      }[]
    > {
      const zone = await getTimeZone(store.db);
      const now = clock.now();
      const out = [];
      for (const m of await listMandates(store.db)) {
        const v = await getMandateVersion(store.db, m.id, m.current_version);
        const loaded = loadMandateVersion(v!, zone);
        out.push({
          id: m.id,
          title: m.title,
          version: m.current_version,
          issuedAt: loaded.doc.metadata.issuedAt,
          withdrawnAt: m.withdrawn_at === null ? null : formatInstant(m.withdrawn_at),
          due: loaded.doc.spec.phases.find((p) => p.requires === 'resolve')?.due ?? null,
          deadline: deadlineAsOf(resolvePhaseOf(loaded.doc), zone, now),
          action: loaded.doc.spec.action,
          exemptions: {
            allowed: loaded.doc.spec.exemptions?.allowed === true,
            grounds: loaded.doc.spec.exemptions?.grounds ?? [],
            maxDuration: loaded.doc.spec.exemptions?.maxDuration ?? null,
          },
        });
      }
      return out;
    },

    /** The versions of one mandate with their sources. */
    async versions(id: string) {
      const m = await getMandate(store.db, id);
      if (!m) throw new AppError('not_found', `unknown mandate ${id}`);
      return (await listMandateVersions(store.db, id)).map((v) => ({
        version: v.version,
        digest: v.digest,
        effectiveAt: formatInstant(v.effective_at),
        appliedAt: formatInstant(v.applied_at),
        source: v.source,
      }));
    },
  };
  const { timings } = deps;
  if (!timings) return service;
  return {
    ...service,
    apply: (text: string, o: ApplyOptions): Promise<ApplyResult> =>
      timings.time('apply', o.dryRun ? 'dry_run' : 'write', () => service.apply(text, o)),
  };
}

/** The YAML text of each document, for keeping what the officer wrote. */
function splitSources(text: string, count: number): string[] {
  const parts = text
    .split(/^---\s*$/m)
    .filter((p) => p.trim() !== '' && !/^(\s*#.*\n?)*\s*$/.test(p));
  return parts.length === count ? parts.map((p) => p.trim() + '\n') : [];
}
