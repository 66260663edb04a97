/** The states a listed finding can be in at T, and the columns of a findings export (DESIGN §7). */
export const FINDING_STATES = [
  'pending',
  'overdue',
  'exempt',
  'resolved',
  'transferred',
  'lost',
] as const;

export const FINDING_COLUMNS = [
  'mandate',
  'device',
  'owner',
  'unit',
  'opened',
  'closed',
  'state',
  'closeReason',
] as const;
