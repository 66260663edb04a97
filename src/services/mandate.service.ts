import type { ApplyLine, ApplyResult } from '../contract/status.js';
import type { Clock } from '../adapters/clock.js';
import { AppError, invalidInput, type Problem } from '../domain/errors.js';
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

/** Mandate use cases: apply, withdraw, list. */
export function makeMandateService(deps: { store: Store; clock: Clock }) {
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

  return {
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
        const problems: Problem[] = [];
        const existing = new Map<string, Awaited<ReturnType<typeof getMandate>>>();
        for (const p of parsed.mandates) {
          const id = p.doc.metadata.id;
          const m = await getMandate(tx, id);
          existing.set(id, m);
          if (!m && o.effectiveAt !== undefined) {
            problems.push({
              where: `${o.fileName} ${id}`,
              message:
                '--effective-at is refused on a first application: a first version governs from its issuedAt',
            });
          }
          if (m && m.withdrawn_at !== null && !o.reinstate) {
            problems.push({
              where: `${o.fileName} ${id}`,
              message: `mandate ${id} was withdrawn at ${formatInstant(m.withdrawn_at)}; apply with --reinstate to bring it back`,
            });
          }
          if (m) {
            const current = await getMandateVersion(tx, id, m.current_version);
            const before = current
              ? (JSON.parse(current.document) as { metadata?: { issuedAt?: string } })
              : undefined;
            if (before?.metadata?.issuedAt !== p.doc.metadata.issuedAt) {
              problems.push({
                where: `${o.fileName} ${id} metadata.issuedAt`,
                value: p.doc.metadata.issuedAt,
                message: `a later version may not change issuedAt (${before?.metadata?.issuedAt})`,
              });
            }
          }
        }
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
        let clockChecked = false;
        const ensureClock = async (): Promise<void> => {
          if (clockChecked) return;
          await checkObservationTime(tx, at, now, '--effective-at');
          clockChecked = true;
        };
        const docSources = splitSources(text, parsed.mandates.length);
        for (const [i, p] of parsed.mandates.entries()) {
          const id = p.doc.metadata.id;
          const m = existing.get(id);
          const source = docSources[i] ?? text;
          let line: ApplyLine;
          let outcome: EvalOutcome;
          let loaded: LoadedMandate;
          if (!m) {
            const issuedAt = startOfDay(p.doc.metadata.issuedAt, zone);
            await insertMandate(tx, {
              id,
              title: p.doc.metadata.title,
              current_version: 1,
              issued_at: issuedAt,
              first_applied_at: now,
              withdrawn_at: null,
            });
            loaded = await storeVersion(tx, p, source, 1, issuedAt, now);
            await insertMandateEvent(tx, {
              mandate_id: id,
              kind: 'applied',
              version: 1,
              effective_at: issuedAt,
              recorded_at: now,
            });
            outcome = await evaluateWholeMandate(tx, loaded, {
              kind: 'first',
              from: issuedAt,
              sinceLastChange: true,
            });
            line = {
              id,
              outcome: 'created',
              version: 1,
              opened: outcome.opened,
              closed: outcome.closed,
              unownedMatches: 0,
              sample: outcome.sample,
            };
          } else {
            const current = await getMandateVersion(tx, id, m.current_version);
            const changed = current?.digest !== p.digest;
            if (!changed && m.withdrawn_at === null) {
              loaded = loadMandateVersion(current, zone);
              result.lines.push({
                id,
                outcome: 'unchanged',
                version: m.current_version,
                sample: { opened: [], closed: [] },
                opened: 0,
                closed: 0,
                unownedMatches: await countUnownedMatches(tx, loaded),
              });
              continue;
            }
            await ensureClock();
            const version = changed ? m.current_version + 1 : m.current_version;
            loaded = changed
              ? await storeVersion(tx, p, source, version, at, now)
              : loadMandateVersion(current, zone);
            const reinstating = m.withdrawn_at !== null;
            await updateMandate(tx, id, {
              title: p.doc.metadata.title,
              current_version: version,
              withdrawn_at: null,
            });
            await insertMandateEvent(tx, {
              mandate_id: id,
              kind: reinstating ? 'reinstated' : 'applied',
              version,
              effective_at: at,
              recorded_at: now,
            });
            outcome = reinstating
              ? await evaluateWholeMandate(tx, loaded, {
                  kind: 'first',
                  from: at,
                  sinceLastChange: false,
                })
              : await evaluateWholeMandate(tx, loaded, { kind: 'version', at });
            await advanceObservationClock(tx, at);
            line = {
              id,
              outcome: reinstating ? 'reinstated' : 'updated',
              version,
              opened: outcome.opened,
              closed: outcome.closed,
              unownedMatches: 0,
              sample: outcome.sample,
            };
          }
          line.unownedMatches = await countUnownedMatches(tx, loaded);
          result.lines.push(line);
          result.errors.push(...outcome.errors);
          result.warnings.push(...(await scopeWarnings(tx, loaded)));
          await recordAudit(tx, now, {
            actor: o.actor,
            action: `mandate.${line.outcome === 'created' ? 'create' : line.outcome === 'reinstated' ? 'reinstate' : 'update'}`,
            object: `mandate/${id}`,
            change: {
              version: line.version,
              digest: p.digest,
              effectiveAt: line.outcome === 'created' ? null : at,
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
            { where: 'MANDATE', value: id, message: 'no such mandate' },
          ]);
        if (m.withdrawn_at !== null) {
          throw invalidInput(`mandate ${id} is already withdrawn`, [
            {
              where: 'MANDATE',
              value: id,
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
        action: string;
        exemptions: { allowed: boolean; grounds: string[]; maxDuration: string | null };
      }[]
    > {
      const zone = await getTimeZone(store.db);
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
}

/** The YAML text of each document, for keeping what the officer wrote. */
function splitSources(text: string, count: number): string[] {
  const parts = text
    .split(/^---\s*$/m)
    .filter((p) => p.trim() !== '' && !/^(\s*#.*\n?)*\s*$/.test(p));
  return parts.length === count ? parts.map((p) => p.trim() + '\n') : [];
}
