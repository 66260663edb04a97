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
}

/** The enumerated device fields, by CEL field name, for validation and target hints. */
export const DEVICE_ENUMS: Record<string, readonly string[]> = {
  class: DEVICE_CLASSES,
  platform: PLATFORMS,
  ownership: OWNERSHIPS,
  purposes: PURPOSES,
  status: DEVICE_STATUSES,
};

/** The stored fields of a device, in a fixed order, for change detection. */
export const DEVICE_FIELDS = [
  'owner',
  'class',
  'platform',
  'osVersion',
  'manufacturer',
  'model',
  'serial',
  'imei',
  'ownership',
  'purposes',
  'status',
  'apps',
] as const satisfies readonly (keyof Device)[];
