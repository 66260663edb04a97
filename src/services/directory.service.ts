import type { SourceReport } from '../domain/source.merge.js';
import { createHash } from 'node:crypto';
import type {
  Device as ContractDevice,
  DeviceWithSources,
  Person as ContractPerson,
} from '../contract/records.js';
import { canSeeDevice, canSeePerson, visibilityOf, type Actor } from '../domain/access.policy.js';
import { canonicalJson } from '../domain/canonical-json.js';
import { AppError } from '../domain/errors.js';
import { formatInstant } from '../domain/time.js';
import { PAGE_MAX } from '../contract/operation.js';
import type { Store } from '../store/database.js';
import { getDevicesByIds, type StoredDevice } from '../store/devices.repository.js';
import {
  listVisibleDevices,
  listVisiblePeople,
  listVisibleUnits,
  type DeviceFilter,
  type PeopleFilter,
} from '../store/directory.repository.js';
import { getPeopleByIds, type StoredPerson } from '../store/people.repository.js';
import { getDeviceSources } from '../store/device-sources.repository.js';

/** A record as the API shows it, with the ETag that an update must present. */
/** A device and a person as the API shows them (the contract's types). */
export type DeviceView = ContractDevice;
export type PersonView = ContractPerson;
/** When a source last reported a device; `notReportedSince` once a synced file left it out. */
export type DeviceSourceView = DeviceWithSources['sources'][number];

/** Whom a source's kept report names as the owner, when it says. */
function reportedOwnerOf(fields: string | null): { reportedOwner?: string | null } {
  const owner = fields ? (JSON.parse(fields) as SourceReport).owner : undefined;
  return owner ? { reportedOwner: (owner.value as string | null) ?? null } : {};
}

/** A weak-free ETag over the stored fields: any change of a field changes it. */
export function etagOf(record: object): string {
  return `"${createHash('sha256').update(canonicalJson(record)).digest('base64url').slice(0, 27)}"`;
}

function deviceView(d: StoredDevice): DeviceView {
  const { createdAt: _c, changedAt, ...fields } = d;
  return { ...fields, changedAt: formatInstant(changedAt), etag: etagOf(fields) };
}

function personView(p: StoredPerson): PersonView {
  const { createdAt: _c, changedAt, ...fields } = p;
  return { ...fields, changedAt: formatInstant(changedAt), etag: etagOf(fields) };
}

/** Where a page is in its list: the total, its offset and size, and the cursor after it (by id). */
function pageOf(
  f: { offset?: number; sort?: string },
  limit: number,
  total: number,
  rows: { id: string }[],
) {
  const offset = f.offset ?? 0;
  const byId = (f.sort ?? 'id') === 'id' && offset === 0;
  return {
    total,
    offset,
    limit,
    next: byId && rows.length === limit ? rows[rows.length - 1]!.id : null,
  };
}

/** Reading people, devices and units within the actor's scope; out of scope reads as missing. */
export function makeDirectoryService(deps: { store: Store }) {
  const { store } = deps;
  const limitOf = (n: number | undefined): number => Math.min(Math.max(n ?? 100, 1), PAGE_MAX);
  return {
    /** One device, with when each source last reported it. */
    async device(
      actor: Actor,
      id: string,
    ): Promise<DeviceView & { ownerName: string | null; sources: DeviceSourceView[] }> {
      const d = (await getDevicesByIds(store.db, [id])).get(id);
      const owner = d?.owner
        ? ((await getPeopleByIds(store.db, [d.owner])).get(d.owner) ?? null)
        : null;
      if (!d || !canSeeDevice(visibilityOf(actor), owner, d.unit))
        throw new AppError('not_found', `no device ${id}`);
      const sources = (await getDeviceSources(store.db, id)).map((r) => ({
        source: r.source,
        sourceId: r.source_id,
        lastSeen: formatInstant(r.last_seen_at),
        notReportedSince:
          r.not_reported_since === null ? null : formatInstant(r.not_reported_since),
        lastContact: r.last_contact_at === null ? null : formatInstant(r.last_contact_at),
        // What this source says of the owner: sources that disagree show here (DESIGN §5a).
        ...reportedOwnerOf(r.fields),
      }));
      return { ...deviceView(d), ownerName: owner?.name ?? null, sources };
    },
    async devices(actor: Actor, f: Omit<DeviceFilter, 'limit'> & { limit?: number }) {
      const limit = limitOf(f.limit);
      const { rows, total } = await listVisibleDevices(store.db, visibilityOf(actor), {
        ...f,
        limit,
      });
      return {
        items: rows.map(({ ownerName, ...d }) => ({ ...deviceView(d), ownerName })),
        ...pageOf(f, limit, total, rows),
      };
    },
    async person(actor: Actor, id: string): Promise<PersonView> {
      const p = (await getPeopleByIds(store.db, [id])).get(id);
      if (!p || !canSeePerson(visibilityOf(actor), p))
        throw new AppError('not_found', `no person ${id}`);
      return personView(p);
    },
    async people(actor: Actor, f: Omit<PeopleFilter, 'limit'> & { limit?: number }) {
      const limit = limitOf(f.limit);
      const { rows, total } = await listVisiblePeople(store.db, visibilityOf(actor), {
        ...f,
        limit,
      });
      return { items: rows.map(personView), ...pageOf(f, limit, total, rows) };
    },
    async units(actor: Actor) {
      return listVisibleUnits(store.db, visibilityOf(actor));
    },
  };
}
