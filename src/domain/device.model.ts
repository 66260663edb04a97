/** Enumerations of DESIGN §3; input is case-insensitive, storage lower-case. */
export const DEVICE_CLASSES = [
  'smartphone',
  'feature_phone',
  'tablet',
  'laptop',
  'desktop',
  'other',
] as const;
export const PLATFORMS = [
  'ios',
  'ipados',
  'android',
  'aurora',
  'harmonyos',
  'kaios',
  'windows',
  'macos',
  'linux',
  'chromeos',
  'other',
] as const;
export const OWNERSHIPS = ['corporate', 'personal'] as const;
export const PURPOSES = ['official', 'personal'] as const;
export const DEVICE_STATUSES = [
  'active',
  'in_stock',
  'retired',
  'lost',
  'wiped',
  'destroyed',
] as const;

export type DeviceClass = (typeof DEVICE_CLASSES)[number];
export type Platform = (typeof PLATFORMS)[number];
export type Ownership = (typeof OWNERSHIPS)[number];
export type Purpose = (typeof PURPOSES)[number];
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** A device as the engine sees it. */
export interface Device {
  id: string;
  owner: string | null;
  class: DeviceClass;
  platform: Platform;
  osVersion: string | null;
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  imei: string | null;
  ownership: Ownership | null;
  purposes: Purpose[];
  status: DeviceStatus;
  apps: string[];
  /** The custodian unit (DESIGN §5a): it holds the device while no active person owns it. */
  unit: string | null;
}

/** A device with nothing known but its id: what a full replacement starts from. */
export function blankDevice(id: string): Device {
  return {
    id,
    owner: null,
    class: 'other',
    platform: 'other',
    osVersion: null,
    manufacturer: null,
    model: null,
    serial: null,
    imei: null,
    ownership: null,
    purposes: [],
    status: 'active',
    apps: [],
    unit: null,
  };
}

/**
 * Every field of a device, declared once (DESIGN §3): its column in a devices file, and whether
 * it is free text, one of an enumeration, or a list. The import rules, the CEL declarations of
 * targets, the demo and the test builders derive from it.
 */
export const DEVICE_SCHEMA = {
  id: { column: 'id', kind: 'text', optional: false },
  owner: { column: 'owner', kind: 'text', optional: true },
  class: { column: 'class', kind: 'enum', values: DEVICE_CLASSES, optional: false },
  platform: { column: 'platform', kind: 'enum', values: PLATFORMS, optional: false },
  osVersion: { column: 'os_version', kind: 'text', optional: true },
  manufacturer: { column: 'manufacturer', kind: 'text', optional: true },
  model: { column: 'model', kind: 'text', optional: true },
  serial: { column: 'serial', kind: 'text', optional: true },
  imei: { column: 'imei', kind: 'text', optional: true },
  ownership: { column: 'ownership', kind: 'enum', values: OWNERSHIPS, optional: true },
  purposes: { column: 'purposes', kind: 'list', values: PURPOSES, optional: false },
  status: { column: 'status', kind: 'enum', values: DEVICE_STATUSES, optional: false },
  apps: { column: 'apps', kind: 'list', optional: false },
  unit: { column: 'unit', kind: 'text', optional: true },
} as const satisfies Record<
  keyof Device,
  {
    column: string;
    kind: 'text' | 'enum' | 'list';
    values?: readonly string[];
    optional: boolean;
  }
>;

type DeviceField = keyof typeof DEVICE_SCHEMA;
const fields = Object.keys(DEVICE_SCHEMA) as DeviceField[];
type Spec = (typeof DEVICE_SCHEMA)[DeviceField];

/** The columns of a devices file, in order. */
export const DEVICE_COLUMNS = fields.map<(typeof DEVICE_SCHEMA)[DeviceField]['column']>(
  (f) => DEVICE_SCHEMA[f].column,
);

/** The fields that may have no value: absent in a target's view of the device. */
export const OPTIONAL_DEVICE_FIELDS = fields.filter((f) => DEVICE_SCHEMA[f].optional) as {
  [K in DeviceField]: (typeof DEVICE_SCHEMA)[K]['optional'] extends true ? K : never;
}[DeviceField][];

/** The free-text fields besides the id and the owner (which name things). */
export const DEVICE_TEXT_FIELDS = fields.filter(
  (f) => DEVICE_SCHEMA[f].kind === 'text' && f !== 'id' && f !== 'owner',
) as Exclude<
  { [K in DeviceField]: (typeof DEVICE_SCHEMA)[K]['kind'] extends 'text' ? K : never }[DeviceField],
  'id' | 'owner'
>[];

/** The CEL type of each device field, as targets declare `device`. */
export const DEVICE_CEL_SCHEMA: Record<string, string> = Object.fromEntries(
  fields.map((f) => [f, DEVICE_SCHEMA[f].kind === 'list' ? 'list<string>' : 'string']),
);

/** The enumerated device fields, by CEL field name, for validation and target hints. */
export const DEVICE_ENUMS: Record<string, readonly string[]> = Object.fromEntries(
  fields.flatMap((f) => {
    const spec: Spec = DEVICE_SCHEMA[f];
    return 'values' in spec ? [[f, spec.values]] : [];
  }),
);

/** The stored fields of a device, in a fixed order, for change detection. */
export const DEVICE_FIELDS = fields.filter((f): f is Exclude<DeviceField, 'id'> => f !== 'id');
