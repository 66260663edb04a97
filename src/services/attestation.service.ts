import type { Clock } from '../adapters/clock.js';
import { AppError, invalidInput } from '../domain/errors.js';
import { formatInstant } from '../domain/time.js';
import { normaliseUnitPath } from '../domain/unit-path.js';
import type { Store } from '../store/database.js';
import { getMandate, getMandateVersion } from '../store/mandates.repository.js';
import { isPersonInScope, listUnitsInScope } from '../store/scope.repository.js';
import { getAttestation, insertAttestation } from '../store/attestations.repository.js';
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
}

/** Attestations: a unit head or a person states that a phase is done. */
export function makeAttestationService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  return {
    /** Records an attestation; attesting twice changes nothing. */
    async attest(i: AttestInput): Promise<{ created: boolean; attestedAt: string }> {
      return writeTransaction(store, async (tx) => {
        const m = await getMandate(tx, i.mandate);
        if (!m)
          throw new AppError('not_found', `unknown mandate ${i.mandate}`, [
            { where: 'MANDATE', value: i.mandate, message: 'no such mandate' },
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
              message: `phases: ${loaded.doc.spec.phases.map((p) => p.id).join(', ')}`,
            },
          ]);
        if (phase.requires !== 'attest')
          throw invalidInput(`phase ${i.phase} is not an attest phase`, [
            {
              where: 'PHASE',
              value: i.phase,
              message: 'requires resolve: it is met by resolving devices, not by statements',
            },
          ]);
        const attestBy = phase.attestBy ?? 'unit-head';
        let unit: string | null = null;
        let person: string | null = null;
        if (attestBy === 'unit-head') {
          if (!i.unit || i.person)
            throw invalidInput('this phase is attested by unit heads: give --unit', [
              { where: '--unit', message: 'required for attestBy: unit-head' },
            ]);
          unit = normaliseUnitPath(i.unit);
          const units = await listUnitsInScope(tx, loaded.judge.scope);
          const u = units.find((x) => x.unit === unit);
          if (!u)
            throw invalidInput(`unit ${i.unit} is not in scope of ${m.id}`, [
              {
                where: '--unit',
                value: i.unit,
                message: 'no person in scope belongs to this unit',
              },
            ]);
          if (u.head !== i.by)
            throw invalidInput(`${i.by} is not the head of ${unit}`, [
              {
                where: '--by',
                value: i.by,
                message: u.head ? `the unit's head is ${u.head}` : 'the unit has no active head',
              },
            ]);
        } else {
          if (!i.person || i.unit)
            throw invalidInput('this phase is attested by each person: give --person', [
              { where: '--person', message: 'required for attestBy: person' },
            ]);
          person = i.person;
          if (!(await isPersonInScope(tx, loaded.judge.scope, person)))
            throw invalidInput(`person ${person} is not in scope of ${m.id}`, [
              { where: '--person', value: person, message: 'not in scope' },
            ]);
          if (i.by !== person)
            throw invalidInput(`${i.by} cannot attest for ${person}`, [
              { where: '--by', value: i.by, message: 'a person attests for themselves' },
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
