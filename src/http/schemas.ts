/** JSON schemas of what the API answers; they document the OpenAPI description. */

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;

/** Open objects: the API may gain keys (DESIGN §7), none is dropped in serialisation. */
function object(properties: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', properties, required, additionalProperties: true } as const;
}

export const errorSchema = object(
  {
    error: { ...str, description: 'a code: invalid_input, not_found, conflict, forbidden, …' },
    message: str,
    requestId: str,
    details: { type: 'array', items: object({ where: str, message: str, value: str }) },
  },
  ['error', 'message', 'requestId'],
);

const counts = (keys: string[]) => object(Object.fromEntries(keys.map((k) => [k, int])), keys);
const deviceCounts = counts(['pending', 'overdue', 'exempt', 'resolved', 'lost', 'unknown']);
const peopleCounts = counts(['inScope', 'affected', 'nonCompliant', 'overdue']);

export const statusSchema = object(
  {
    mandate: str,
    title: str,
    version: int,
    asOf: str,
    unit: str,
    due: strOrNull,
    withdrawnAt: str,
    devices: deviceCounts,
    people: peopleCounts,
    phases: {
      type: 'array',
      items: object({ id: str, requires: str, due: str, state: str }, ['id', 'requires', 'state']),
    },
    forecast: object({
      ratePerDay: { type: 'number' },
      projectedCompletion: strOrNull,
      onTrack: { type: 'boolean' },
    }),
    units: {
      type: 'array',
      items: object({ unit: str, devices: deviceCounts, people: peopleCounts }),
    },
  },
  ['mandate', 'asOf', 'due', 'devices', 'people', 'phases', 'forecast'],
);

/** The usual answers of a route: its success body and the error body for 4xx and 5xx. */
export function answers(ok: unknown, code = 200) {
  return { [code]: ok, '4xx': errorSchema, '5xx': errorSchema };
}

/**
 * A success documented by what it is (its exact shape is not yet in the shared contract: the
 * answer is serialised as it is), and the errors.
 */
export function described(description: string, code = 200) {
  return { [code]: { description }, '4xx': errorSchema, '5xx': errorSchema };
}

/** No content on success (204), and the errors. */
export function answersNothing(description: string) {
  return { 204: { description, type: 'null' }, '4xx': errorSchema, '5xx': errorSchema };
}
