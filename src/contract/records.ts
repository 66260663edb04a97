import { z } from 'zod';
import {
  DEVICE_CLASSES,
  DEVICE_STATUSES,
  OWNERSHIPS,
  PLATFORMS,
  PURPOSES,
} from '../domain/device.model.js';
import { normaliseUnitPath } from '../domain/unit-path.js';
import { DEVICE_SORTS, PEOPLE_SORTS } from '../domain/list.sorts.js';
import { instant, operation, Page, pageLimit, pageOffset, sortOf, imeiText } from './operation.js';

const etag = z.string().meta({ description: 'the record’s ETag, for If-Match on updates' });

/** A device as the API shows it. */
export const Device = z.object({
  id: z.string(),
  owner: z.string().nullable(),
  class: z.enum(DEVICE_CLASSES),
  platform: z.enum(PLATFORMS),
  osVersion: z.string().nullable(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  imei: z.string().nullable(),
  ownership: z.enum(OWNERSHIPS).nullable(),
  purposes: z.array(z.enum(PURPOSES)),
  status: z.enum(DEVICE_STATUSES),
  apps: z.array(z.string()),
  unit: z.string().nullable().meta({
    description: 'the custodian unit: it holds the device while no active person owns it',
  }),
  changedAt: instant,
  etag,
});
export type Device = z.output<typeof Device>;

/** When a source last reported a device. */
export const DeviceSource = z.object({
  source: z.string(),
  sourceId: z.string().nullable(),
  lastSeen: instant,
  notReportedSince: instant.nullable(),
  lastContact: instant
    .nullable()
    .meta({ description: 'the source’s own last contact with the device' }),
  /** Whom this source last said has the device (absent: it does not say; null: nobody). */
  reportedOwner: z.string().nullable().optional(),
});

/** One device, with when each source last reported it. */
export const DeviceWithSources = Device.extend({
  ownerName: z.string().nullable(),
  sources: z.array(DeviceSource),
});
export type DeviceWithSources = z.output<typeof DeviceWithSources>;

/** A person as the API shows them. */
export const Person = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  unit: z.string(),
  title: z.string().nullable(),
  supervisor: z.string().nullable(),
  tags: z.array(z.string()),
  active: z.boolean(),
  changedAt: instant,
  etag,
});
export type Person = z.output<typeof Person>;

/** A unit and its head. */
export const Unit = z.object({ path: z.string(), head: z.string().nullable() });

const pageOf = <T extends z.ZodType>(item: T) =>
  Page(item).extend({
    next: z
      .string()
      .nullable()
      .meta({ description: 'sorted by id from the start: the cursor of the following page' }),
  });
const lower = (values: readonly string[]) =>
  z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(values as [string, ...string[]]));
const text = z.string().trim().nullable();
/** A unit path, segments trimmed and non-empty. */
const unitPath = z.string().transform(
  (u, ctx) =>
    normaliseUnitPath(u) ??
    (ctx.addIssue({
      code: 'custom',
      message: 'is not a unit path',
      params: { code: 'not_unit_path' },
    }),
    z.NEVER),
);

/** Device fields an API write may set (enumerations case-insensitive, stored lower-case). */
const DeviceFields = z.strictObject({
  owner: text,
  class: lower(DEVICE_CLASSES),
  platform: lower(PLATFORMS),
  osVersion: text,
  manufacturer: text,
  model: text,
  serial: text,
  imei: imeiText.nullable(),
  ownership: lower(OWNERSHIPS).nullable(),
  purposes: z.array(lower(PURPOSES)),
  status: lower(DEVICE_STATUSES),
  apps: z.array(z.string().trim().min(1)),
  /** The custodian unit (DESIGN §5a): shared phones, reception desks, spares outside stock. */
  unit: unitPath.nullable(),
});

const PersonFields = z.strictObject({
  name: z.string().trim().min(1),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[^\s@]+@[^\s@]+$/, 'is not an email address')
    .nullable(),
  unit: unitPath,
  title: text,
  supervisor: text,
  tags: z.array(z.string().trim().toLowerCase().min(1)),
  active: z.boolean(),
});

/** How a write is made: a new record, a whole one replaced, or some fields changed. */
type WriteMode = 'create' | 'replace' | 'patch';

/**
 * Not a field: an admin's reason to change the status or owner of a device phaseout's
 * replacement workflow holds (DESIGN §5a), audited with the change; without it, 409.
 */
const holdOverride = {
  holdOverride: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .optional()
    .meta({ description: 'admin only: why a device the replacement workflow holds is changed' }),
};

/** The device fields a write takes: a patch any of them, otherwise class and platform at least. */
export function deviceWrite(mode: WriteMode) {
  return mode === 'patch'
    ? DeviceFields.partial().extend(holdOverride)
    : DeviceFields.extend(holdOverride).partial({
        holdOverride: true,
        owner: true,
        osVersion: true,
        manufacturer: true,
        model: true,
        serial: true,
        imei: true,
        ownership: true,
        purposes: true,
        status: true,
        apps: true,
        unit: true,
      });
}

/** The person fields a write takes: a patch any of them, otherwise name and unit at least. */
export function personWrite(mode: WriteMode) {
  return mode === 'patch'
    ? PersonFields.partial()
    : PersonFields.partial({
        email: true,
        title: true,
        supervisor: true,
        tags: true,
        active: true,
      });
}

const page = {
  after: z.string().optional().meta({ description: 'the cursor of the next page (sort by id)' }),
  offset: pageOffset,
  limit: pageLimit,
};
const byId = z.object({ id: z.string() });

const write = (kind: 'devices' | 'people', how: 'create' | 'replace' | 'update') => {
  const noun = kind === 'devices' ? 'Device' : 'Person';
  const word = kind === 'devices' ? 'device' : 'person';
  return operation({
    operationId: `${how}${noun}`,
    method: how === 'create' ? 'POST' : how === 'replace' ? 'PUT' : 'PATCH',
    path: how === 'create' ? `/api/v1/${kind}` : `/api/v1/${kind}/{id}`,
    tags: [kind],
    summary:
      how === 'create'
        ? `Create a ${word} (takes effect now)`
        : `${how === 'replace' ? 'Replace' : 'Change some fields of'} a ${word}; needs If-Match with its ETag (428 without, 412 when stale)`,
    ...(how === 'create' ? {} : { params: byId }),
    body: (kind === 'devices'
      ? deviceWrite(how === 'update' ? 'patch' : how)
      : personWrite(how === 'update' ? 'patch' : how)
    ).extend(how === 'create' ? { id: z.string().trim().min(1) } : {}),
    status: how === 'create' ? 201 : 200,
    response: kind === 'devices' ? Device : Person,
    answers: `The ${word} as stored, with its ETag`,
  });
};

export const recordOps = {
  createDevice: write('devices', 'create'),
  replaceDevice: write('devices', 'replace'),
  updateDevice: write('devices', 'update'),
  createPerson: write('people', 'create'),
  replacePerson: write('people', 'replace'),
  updatePerson: write('people', 'update'),
  getDevice: operation({
    operationId: 'getDevice',
    method: 'GET',
    path: '/api/v1/devices/{id}',
    tags: ['devices'],
    summary: 'One device (404 when missing or out of scope)',
    params: byId,
    status: 200,
    response: DeviceWithSources,
    answers: 'The device, with when each source last reported it',
  }),
  listDevices: operation({
    operationId: 'listDevices',
    method: 'GET',
    path: '/api/v1/devices',
    tags: ['devices'],
    summary: 'Devices with filters, a page at a time, sorted; with the total and the owner’s name',
    query: z.object({
      platform: z.string().optional(),
      class: z.string().optional(),
      status: z.string().optional(),
      owner: z.string().optional(),
      unit: z.string().optional(),
      q: z.string().optional().meta({
        description: 'A device id, serial or IMEI, or part of its model or manufacturer (any case)',
      }),
      sort: sortOf(DEVICE_SORTS).optional(),
      ...page,
    }),
    status: 200,
    response: pageOf(Device.extend({ ownerName: z.string().nullable() })),
    answers: 'A page of devices',
  }),
  getPerson: operation({
    operationId: 'getPerson',
    method: 'GET',
    path: '/api/v1/people/{id}',
    tags: ['people'],
    summary: 'One person (404 when missing or out of scope)',
    params: byId,
    status: 200,
    response: Person,
    answers: 'The person',
  }),
  listPeople: operation({
    operationId: 'listPeople',
    method: 'GET',
    path: '/api/v1/people',
    tags: ['people'],
    summary: 'People with filters, a page at a time, sorted; with the total',
    query: z.object({
      unit: z.string().optional(),
      tag: z.string().optional(),
      active: z.stringbool().optional(),
      q: z.string().optional().meta({ description: 'part of a name, an id or an e-mail' }),
      sort: sortOf(PEOPLE_SORTS).optional(),
      ...page,
    }),
    status: 200,
    response: pageOf(Person),
    answers: 'A page of people',
  }),
  stateNoOfficialUse: operation({
    operationId: 'stateNoOfficialUse',
    method: 'POST',
    path: '/api/v1/devices/{id}/no-official-use',
    tags: ['devices'],
    summary: 'As its owner, state that a device is no longer used for official business',
    params: byId,
    body: z.strictObject({ note: z.string().optional() }).optional(),
    status: 200,
    response: Device,
    answers: 'The device as it is now',
  }),
  listUnits: operation({
    operationId: 'listUnits',
    method: 'GET',
    path: '/api/v1/units',
    tags: ['units'],
    summary: 'Units within your scope, with their heads',
    status: 200,
    response: z.array(Unit),
    answers: 'Units with their heads',
  }),
};
