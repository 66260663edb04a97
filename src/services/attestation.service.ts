import type { Clock } from '../adapters/clock.js';
import type { Attestation } from '../contract/exemptions.js';
import { AppError, invalidInput } from '../domain/errors.js';
import { formatInstant } from '../domain/time.js';
import { normaliseUnitPath } from '../domain/unit-path.js';
import type { Store } from '../store/database.js';
import { getMandate, getMandateVersion } from '../store/mandates.repository.js';
import { isPersonInScope, listUnitsInScope } from '../store/scope.repository.js';
import {
  getAttestation,
  insertAttestation,
  listAttestations,
} from '../store/attestations.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import { canSeeUnit, type Visibility } from '../domain/access.policy.js';
import { writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { loadMandateVersion } from './evaluation.service.js';
import { getTimeZone } from './settings.service.js';

export interface AttestInput {
  mandate: string;
  phase: string;
  unit?: string;
  person?: string;
  by: string;
  note?: string;
  actor: string;
  /** What the caller may see (the API's callers); units beyond it read as not there. */
  visibility?: Visibility;
}

/** One attestation as the register lists it. */
/** A unit's or a person's statement that a phase is done, as the API shows it. */
export type AttestationView = Attestation;

/** Attestations: a unit head or a person states that a phase is done. */
export function makeAttestationService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  return {
    /**
     * The register of attestations within what the reader may see: a unit's (at or below the
     * reader's units) or a person's (the reader themself), everything for org-wide readers.
     */
    async list(
      visibility: Visibility,
      f: { mandate?: string; phase?: string } = {},
    ): Promise<AttestationView[]> {
      if (f.mandate !== undefined && !(await getMandate(store.db, f.mandate)))
        throw new AppError('not_found', `unknown mandate ${f.mandate}`, [
          {
            where: 'mandate',
            value: f.mandate,
            code: 'unknown_mandate',
            message: 'no such mandate',
          },
        ]);
      const rows = (await listAttestations(store.db, f)).filter(
        (r) =>
          visibility.all ||
          (r.unit !== null && canSeeUnit(visibility, r.unit)) ||
          (r.person_id !== null && r.person_id === visibility.personId),
      );
      const people = await getPeopleByIds(
        store.db,
        rows.map((r) => r.by_person_id),
      );
      return rows.map((r) => ({
        mandate: r.mandate_id,
        phase: r.phase_id,
        unit: r.unit,
        person: r.person_id,
        by: r.by_person_id,
        byName: people.get(r.by_person_id)?.name ?? r.by_person_id,
        at: formatInstant(r.attested_at),
        note: r.note,
      }));
    },

    /** Records an attestation; attesting twice changes nothing. */
    async attest(i: AttestInput): Promise<{ created: boolean; attestedAt: string }> {
      return writeTransaction(store, async (tx) => {
        const m = await getMandate(tx, i.mandate);
        if (!m)
          throw new AppError('not_found', `unknown mandate ${i.mandate}`, [
            {
              where: 'MANDATE',
              value: i.mandate,
              code: 'unknown_mandate',
              message: 'no such mandate',
            },
          ]);
        const zone = await getTimeZone(tx);
        const loaded = loadMandateVersion(
          (await getMandateVersion(tx, m.id, m.current_version))!,
          zone,
        );
        const phase = loaded.doc.spec.phases.find((p) => p.id === i.phase);
        if (!phase)
          throw invalidInput(`mandate ${m.id} has no phase ${i.phase}`, [
            {
              where: 'PHASE',
              value: i.phase,
              code: 'unknown_phase',
              params: { phases: loaded.doc.spec.phases.map((p) => p.id).join(', ') },
              message: `phases: ${loaded.doc.spec.phases.map((p) => p.id).join(', ')}`,
            },
          ]);
        if (phase.requires !== 'attest')
          throw invalidInput(`phase ${i.phase} is not an attest phase`, [
            {
              where: 'PHASE',
              value: i.phase,
              code: 'phase_resolves',
              message: 'requires resolve: it is met by resolving devices, not by statements',
            },
          ]);
        const attestBy = phase.attestBy ?? 'unit-head';
        let unit: string | null = null;
        let person: string | null = null;
        if (attestBy === 'unit-head') {
          if (!i.unit || i.person)
            throw invalidInput('this phase is attested by unit heads: give --unit', [
              { where: '--unit', code: 'required', message: 'required for attestBy: unit-head' },
            ]);
          unit = normaliseUnitPath(i.unit);
          const units = await listUnitsInScope(tx, loaded.judge.scope);
          // A unit the caller may not see reads as one that is not there: nothing about it is said.
          const u = units.find(
            (x) => x.unit === unit && (!i.visibility || canSeeUnit(i.visibility, x.unit)),
          );
          if (!u)
            throw invalidInput(`unit ${i.unit} is not in scope of ${m.id}`, [
              {
                where: '--unit',
                value: i.unit,
                code: 'unit_not_in_scope',
                message: 'no person in scope belongs to this unit',
              },
            ]);
          if (u.head !== i.by)
            throw invalidInput(`${i.by} is not the head of ${unit}`, [
              {
                where: '--by',
                value: i.by,
                code: 'not_unit_head',
                message: u.head ? "is not the unit's active head" : 'the unit has no active head',
              },
            ]);
        } else {
          if (!i.person || i.unit)
            throw invalidInput('this phase is attested by each person: give --person', [
              { where: '--person', code: 'required', message: 'required for attestBy: person' },
            ]);
          person = i.person;
          // Said before anything about the person named, whom the caller may not see.
          if (i.by !== person)
            throw invalidInput(`${i.by} cannot attest for ${person}`, [
              {
                where: '--by',
                value: i.by,
                code: 'attest_for_self',
                message: 'a person attests for themselves',
              },
            ]);
          if (!(await isPersonInScope(tx, loaded.judge.scope, person)))
            throw invalidInput(`person ${person} is not in scope of ${m.id}`, [
              { where: '--person', value: person, code: 'not_in_scope', message: 'not in scope' },
            ]);
        }
        const existing = await getAttestation(
          tx,
          m.id,
          phase.id,
          unit !== null ? { unit } : { person: person! },
        );
        if (existing) return { created: false, attestedAt: formatInstant(existing.attested_at) };
        const now = clock.now();
        await insertAttestation(tx, {
          mandate_id: m.id,
          phase_id: phase.id,
          unit,
          person_id: person,
          by_person_id: i.by,
          note: i.note ?? null,
          attested_at: now,
        });
        await recordAudit(tx, now, {
          actor: i.actor,
          action: 'attestation.create',
          object: `mandate/${m.id}/phase/${phase.id}/${unit ?? person}`,
          change: { by: i.by, note: i.note ?? null },
        });
        return { created: true, attestedAt: formatInstant(now) };
      });
    },
  };
}
