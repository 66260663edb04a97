import type { Selectable } from 'kysely';
import type {
  CampaignAttestationsTable,
  CampaignPeopleTable,
  CampaignsTable,
  Db,
  DeclarationsTable,
} from './schema.js';

export type CampaignRow = Selectable<CampaignsTable>;
export type CampaignPersonRow = Selectable<CampaignPeopleTable>;
export type DeclarationRow = Selectable<DeclarationsTable>;

export async function getCampaign(db: Db, id: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCampaigns(db: Db): Promise<CampaignRow[]> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .orderBy('opened_at', 'desc')
    .orderBy('id')
    .execute();
}

export async function insertCampaign(db: Db, row: CampaignsTable): Promise<void> {
  await db.insertInto('campaigns').values(row).execute();
}

/** Every person's progress in a campaign (only those who did something have a row). */
export async function listCampaignPeople(db: Db, campaignId: string): Promise<CampaignPersonRow[]> {
  return db
    .selectFrom('campaign_people')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .execute();
}

export async function getCampaignPerson(
  db: Db,
  campaignId: string,
  personId: string,
): Promise<CampaignPersonRow | undefined> {
  return db
    .selectFrom('campaign_people')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

export async function putCampaignPerson(
  db: Db,
  row: CampaignPeopleTable,
  exists: boolean,
): Promise<void> {
  if (exists)
    await db
      .updateTable('campaign_people')
      .set({
        confirmed_at: row.confirmed_at,
        confirmed_by: row.confirmed_by,
        uses_none: row.uses_none,
      })
      .where('campaign_id', '=', row.campaign_id)
      .where('person_id', '=', row.person_id)
      .execute();
  else await db.insertInto('campaign_people').values(row).execute();
}

/**
 * Declarations of a campaign still standing (not taken back), optionally of one person; with
 * `withdrawn`, those taken back too (to count them as of an earlier moment).
 */
export async function listDeclarations(
  db: Db,
  campaignId: string,
  personId?: string,
  withdrawn = false,
): Promise<DeclarationRow[]> {
  let q = db.selectFrom('declarations').selectAll().where('campaign_id', '=', campaignId);
  if (!withdrawn) q = q.where('withdrawn_at', 'is', null);
  if (personId !== undefined) q = q.where('person_id', '=', personId);
  return q.orderBy('id').execute();
}

/** A model declared in a campaign and by how many people: the most declared first. */
export interface DeclaredModel {
  class: string;
  platform: string;
  manufacturer: string;
  model: string;
  people: number;
}

/**
 * The models declared in a campaign by at least `minPeople` different people (so that no answer
 * points at one person), most declared first.
 */
export async function listDeclaredModels(
  db: Db,
  campaignId: string,
  minPeople: number,
  limit: number,
): Promise<DeclaredModel[]> {
  const rows = await db
    .selectFrom('declarations as x')
    .innerJoin('devices as d', 'd.id', 'x.device_id')
    .select((eb) => [
      'd.class',
      'd.platform',
      'd.manufacturer',
      'd.model',
      eb.fn.count<number>('x.person_id').distinct().as('people'),
    ])
    .where('x.campaign_id', '=', campaignId)
    .where('x.withdrawn_at', 'is', null)
    .where('d.manufacturer', 'is not', null)
    .where('d.model', 'is not', null)
    .groupBy(['d.class', 'd.platform', 'd.manufacturer', 'd.model'])
    .having((eb) => eb.fn.count('x.person_id').distinct(), '>=', minPeople)
    .orderBy('people', 'desc')
    .orderBy('d.manufacturer')
    .orderBy('d.model')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    class: r.class,
    platform: r.platform,
    manufacturer: r.manufacturer!,
    model: r.model!,
    people: Number(r.people),
  }));
}

export async function insertDeclaration(db: Db, row: Omit<DeclarationsTable, 'id'>): Promise<void> {
  await db.insertInto('declarations').values(row).execute();
}

export async function withdrawDeclaration(db: Db, id: number, at: number): Promise<void> {
  await db.updateTable('declarations').set({ withdrawn_at: at }).where('id', '=', id).execute();
}

/** A unit's attestation for a campaign, if any. */
export async function getCampaignAttestation(
  db: Db,
  campaignId: string,
  unit: string,
): Promise<CampaignAttestationsTable | undefined> {
  return db
    .selectFrom('campaign_attestations')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('unit', '=', unit)
    .executeTakeFirst();
}

export async function listCampaignAttestations(
  db: Db,
  campaignId: string,
): Promise<CampaignAttestationsTable[]> {
  return db
    .selectFrom('campaign_attestations')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('unit')
    .execute();
}

export async function insertCampaignAttestation(
  db: Db,
  row: CampaignAttestationsTable,
): Promise<void> {
  await db.insertInto('campaign_attestations').values(row).execute();
}
