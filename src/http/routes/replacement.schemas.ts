import { ORDER_STATES } from '../../domain/replacement.rules.js';

// JSON schemas of the replacement routes' answers and bodies.

export const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
export const open = (properties: Record<string, unknown>) =>
  ({ type: 'object', properties, additionalProperties: true }) as const;
export const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer' } },
} as const;

export const orderSchema = open({
  id: { type: 'integer' },
  state: { type: 'string', enum: [...ORDER_STATES] },
  mandate: str,
  device: str,
  person: str,
  unit: str,
  item: str,
  newDevice: strOrNull,
  requestedAt: str,
  issuedAt: strOrNull,
  confirmedAt: strOrNull,
});
export const effectSchema = open({
  opened: { type: 'array', items: open({ mandate: str, title: str, device: str }) },
  closed: { type: 'array', items: open({ mandate: str, title: str, device: str, reason: str }) },
});
export const sanitisationSchema = open({
  id: { type: 'integer' },
  certificate: str,
  method: str,
  state: str,
  devices: { type: 'array', items: open({ id: str, description: str }) },
});
export const stepBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    place: { type: 'string', description: 'where the handover happens' },
    note: { type: 'string' },
    swap: {
      type: 'boolean',
      description: 'issue: the old device is at the desk and is taken back in the same step',
    },
    location: { type: 'string', description: 'approve: the stock location to reserve from' },
    reason: { type: 'string', description: 'reject (required) or cancel: why' },
    override: {
      type: 'string',
      minLength: 1,
      description:
        'approve or issue, an officer only: why a unit that a mandate in force would catch is handed out all the same',
    },
  },
} as const;
export const bulkBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    orders: { type: 'array', items: { type: 'integer' } },
    devices: {
      type: 'array',
      items: str,
      description: 'old devices, each with an order in progress',
    },
    csv: { type: 'string', description: 'CSV with a column `order` or `device`, and `place`' },
    ...stepBody.properties,
  },
} as const;

export type StepBody = {
  place?: string;
  note?: string;
  swap?: boolean;
  location?: string;
  reason?: string;
  override?: string;
};
