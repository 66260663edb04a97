import { getDevicesByIds } from '../store/devices.repository.js';
import type { Db } from '../store/schema.js';
import { getPeopleByIds } from '../store/people.repository.js';
import { getAccountNames } from '../store/accounts.repository.js';

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

const ACCOUNT = /^account:(\d+)$/;

/**
 * Who acted, as registers show it: an account (`account:N`, as the audit chain names it) by its
 * person's name and e-mail, or its e-mail; any other actor (an e-mail, `cli:user@host`, a SCIM
 * client) as written. Read once for the whole list.
 */
export async function actorNamesOf(db: Db, actors: (string | null)[]) {
  const ids = actors.flatMap((a) => {
    const m = a ? ACCOUNT.exec(a) : null;
    return m ? [Number(m[1])] : [];
  });
  const accounts = await getAccountNames(db, ids);
  return (actor: string | null): string | null => {
    if (actor === null) return null;
    const m = ACCOUNT.exec(actor);
    const a = m ? accounts.get(Number(m[1])) : undefined;
    if (!a) return actor;
    return a.name ? `${a.name} (${a.email})` : a.email;
  };
}
