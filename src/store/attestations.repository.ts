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
