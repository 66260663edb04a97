import type { Kysely, Migration } from 'kysely';

/**
 * The fields of NIST SP 800-88 Rev. 1 Appendix G on a sanitisation record: technique,
 * verification method, post-sanitisation destination, the roles of operator and validator, and
 * per medium its type and source (the previous owner).
 */
export function sanitisationAppendixGMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const c of [
        'technique',
        'verification',
        'destination',
        'operator_role',
        'verifier_role',
      ])
        await db.schema.alterTable('sanitisations').addColumn(c, 'text').execute();
      for (const c of ['media_type', 'source'])
        await db.schema.alterTable('sanitised_devices').addColumn(c, 'text').execute();
    },
  };
}
