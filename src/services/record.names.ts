import { getDevicesByIds } from '../store/devices.repository.js';
import type { Db } from '../store/schema.js';
import { getPeopleByIds } from '../store/people.repository.js';

/** How a device is called on screen: its maker and model ("Apple iPhone 12"), or null if unknown. */
export function deviceNameOf(d: { manufacturer: string | null; model: string | null } | undefined) {
  return [d?.manufacturer, d?.model].filter(Boolean).join(' ') || null;
}

/**
 * The names of the people and devices a list refers to, read once for the whole list: a
 * person's name, a device's maker and model and its owner.
 */
export async function namesOf(db: Db, ids: { people?: string[]; devices?: string[] }) {
  const devices = await getDevicesByIds(db, ids.devices ?? []);
  const owners = [...devices.values()].map((d) => d.owner).filter((x): x is string => !!x);
  const people = await getPeopleByIds(db, [...(ids.people ?? []), ...owners]);
  return {
    person: (id: string | null | undefined) => (id ? (people.get(id)?.name ?? null) : null),
    device: (id: string | null | undefined) => (id ? deviceNameOf(devices.get(id)) : null),
    ownerOf: (id: string | null | undefined) => (id ? (devices.get(id)?.owner ?? null) : null),
  };
}
