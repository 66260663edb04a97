/** The evidence registers an oversight body asks for, as their CSV columns (DESIGN §7). */

/** The register of exemptions: one row per exemption, whatever became of it. */
export const EXEMPTION_COLUMNS = [
  'id',
  'mandate',
  'device',
  'person',
  'ground',
  'reason',
  'requestedBy',
  'requestedAt',
  'decidedBy',
  'decidedAt',
  'until',
  'state',
] as const;

/** The register of attestations: who stated what for which unit or person, when, with the note. */
export const ATTESTATION_COLUMNS = [
  'mandate',
  'phase',
  'unit',
  'person',
  'by',
  'byName',
  'at',
  'note',
] as const;

/** The register of removals of organisation data from personal devices. */
export const DATA_REMOVAL_COLUMNS = [
  'id',
  'device',
  'deviceName',
  'person',
  'personName',
  'method',
  'performedOn',
  'note',
  'recordedBy',
  'recordedAt',
  'verifiedBy',
  'verifiedAt',
  'state',
] as const;

/** The people of a declaration campaign, as listed and exported. */
export const CAMPAIGN_PEOPLE_COLUMNS = [
  'person',
  'name',
  'unit',
  'state',
  'declared',
  'usesNone',
  'confirmedAt',
  'late',
] as const;
