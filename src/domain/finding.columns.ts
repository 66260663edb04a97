/** The states a listed finding can be in at T, and the columns of a findings export (DESIGN §7). */
export const FINDING_STATES = [
  'pending',
  'overdue',
  'exempt',
  'resolved',
  'transferred',
  'lost',
  /** Closed because the owner left or moved out of scope (DESIGN §5a): not progress. */
  'departed',
  /** Not a finding: the target could not be decided for the device (listed only when asked). */
  'unknown',
  /** Not a finding: nobody holds a device the target matches (listed only when asked). */
  'unassigned',
] as const;
export type FindingListState = (typeof FINDING_STATES)[number];

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

/** With `unknown` rows the listing also says why each is undecided. */
export const UNKNOWN_COLUMNS = [...FINDING_COLUMNS, 'reason'] as const;

/** The columns of a findings export: with `unknown` rows asked for, the reason column too. */
export function findingColumns(states: readonly string[] | undefined) {
  return states?.includes('unknown') ? UNKNOWN_COLUMNS : FINDING_COLUMNS;
}
