import type { Selectable } from 'kysely';
import type { AttestationsTable, Db } from './schema.js';

/** When a unit or a person first attested a phase, or undefined. */
export async function getAttestation(
  db: Db,
  mandateId: string,
  phaseId: string,
  by: { unit: string } | { person: string },
): Promise<{ attested_at: number } | undefined> {
  let q = db
    .selectFrom('attestations')
    .select('attested_at')
    .where('mandate_id', '=', mandateId)
    .where('phase_id', '=', phaseId);
  q = 'unit' in by ? q.where('unit', '=', by.unit) : q.where('person_id', '=', by.person);
  return q.executeTakeFirst();
}

/** Keeps an attestation. */
export async function insertAttestation(db: Db, row: Omit<AttestationsTable, 'id'>): Promise<void> {
  await db.insertInto('attestations').values(row).execute();
}

/** Every attestation, optionally of one mandate and phase, oldest first. */
export async function listAttestations(
  db: Db,
  f: { mandate?: string; phase?: string } = {},
): Promise<Selectable<AttestationsTable>[]> {
  let q = db.selectFrom('attestations').selectAll();
  if (f.mandate !== undefined) q = q.where('mandate_id', '=', f.mandate);
  if (f.phase !== undefined) q = q.where('phase_id', '=', f.phase);
  return q.orderBy('attested_at').orderBy('id').execute();
}
