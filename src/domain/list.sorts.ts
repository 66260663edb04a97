/** The columns each list of the API can be sorted by (`-column` descending). */
export const DEVICE_SORTS = ['id', 'model', 'owner', 'unit', 'platform', 'changed'] as const;
export const PEOPLE_SORTS = ['id', 'name', 'unit', 'changed'] as const;
export const FINDING_SORTS = ['opened', 'device', 'owner', 'unit', 'state', 'closed'] as const;

/** A sort key: a column, or `-column` for descending. */
export type SortKey<C extends string> = C | `-${C}`;
export const EXEMPTION_SORTS = ['requested', 'owner', 'device', 'state', 'until'] as const;
export const ORDER_SORTS = ['requested', 'owner', 'device', 'item', 'state', 'unit'] as const;
export const STOCK_SORTS = ['item', 'location', 'total', 'free'] as const;
export const CAMPAIGN_SORTS = ['opened', 'title', 'due'] as const;
export const DATA_REMOVAL_SORTS = ['recorded', 'device', 'person', 'state'] as const;
export const CAMPAIGN_PEOPLE_SORTS = ['name', 'unit', 'state', 'declared'] as const;
export const SANITISATION_SORTS = ['performed', 'certificate', 'state'] as const;
