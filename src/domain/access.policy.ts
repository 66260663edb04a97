import { isAtOrBelow } from './unit-path.js';

export const ROLES = ['admin', 'officer', 'unit-head', 'logistics', 'official', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: an account's roles and the scope they give. */
export interface Actor {
  accountId: number;
  email: string;
  roles: ReadonlySet<Role>;
  /** The person the account is linked to, if any. */
  personId: string | null;
  /** Unit-head scope: units given to the account and those its person heads (everything below too). */
  units: readonly string[];
  /** A token limited to reading. */
  readOnly: boolean;
  /** How the audit chain names the actor when it is not an account (the demo). */
  auditName?: string;
}

/** How the audit chain names an actor: its account, or a name of its own (the demo, the CLI). */
export const auditActor = (a: Actor): string => a.auditName ?? `account:${a.accountId}`;

/** Everything a caller may do; each route asks for exactly one of these. */
export const PERMISSIONS = [
  'read',
  'records.write',
  'mandates.write',
  'attest',
  'exemptions.request',
  'exemptions.decide',
  'audit.read',
  'accounts.manage',
  'replacements.request',
  'replacements.decide',
  'logistics',
  'sanitisation.verify',
  'imports',
  'campaigns.manage',
  'declare',
  'act-for-others',
  'attest-unit',
  'mandates.override',
  'hold.override',
  'self.write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Permission, readonly Role[]> = {
  read: ROLES,
  'records.write': ['admin', 'officer', 'logistics'],
  'mandates.write': ['admin', 'officer'],
  attest: ['unit-head', 'official', 'officer'],
  'exemptions.request': ['official', 'officer'],
  'exemptions.decide': ['admin', 'officer', 'unit-head'],
  'audit.read': ['admin', 'auditor', 'officer'],
  'accounts.manage': ['admin'],
  /**
   * Whoever owns a caught device asks for its replacement, whatever else they do (DESIGN §5a);
   * for someone else's, `act-for-others` is needed too (services check which device is whose).
   */
  'replacements.request': ROLES,
  /** Approving or rejecting a replacement request reserves or frees a stock unit. */
  'replacements.decide': ['logistics', 'officer'],
  /** The catalogue, stock, issuing, receiving returns, recording sanitisation. */
  logistics: ['logistics'],
  /** Verifying someone else's sanitisation record. */
  'sanitisation.verify': ['logistics', 'officer'],
  /** Loading device exports and check-ins from other systems. */
  imports: ['admin', 'officer'],
  /** Opening declaration campaigns. */
  'campaigns.manage': ['admin', 'officer'],
  /**
   * Declaring one's own devices and stating how one uses them: everyone, for their own (an
   * officer records paper forms for others).
   */
  declare: ROLES,
  /**
   * Acting for another person: recording their paper declaration or taking one back, asking for
   * an exemption or a replacement on their behalf.
   */
  'act-for-others': ['officer'],
  /** Answering for a unit: a campaign's "every person of my unit has declared". */
  'attest-unit': ['unit-head'],
  /** Issuing a unit that a mandate would catch, with a reason. */
  'mandates.override': ['officer'],
  /** Changing, with a reason, a device the replacement workflow holds (DESIGN §5a). */
  'hold.override': ['admin'],
  /**
   * Changes an account makes about itself or its own orders (its language, cancelling its
   * request, confirming a receipt): every role, never a read-only token.
   */
  'self.write': ROLES,
};

/** What an actor may do: the console shows what these allow, and nothing else. */
export function capabilitiesOf(actor: Actor): Permission[] {
  return PERMISSIONS.filter((p) => hasPermission(actor, p));
}

/** Whether an actor's roles grant a permission; read-only tokens grant only reading. */
export function hasPermission(actor: Actor, p: Permission): boolean {
  if (actor.readOnly && p !== 'read' && p !== 'audit.read') return false;
  return GRANTS[p].some((r) => actor.roles.has(r));
}

/** Roles that see the whole organisation. */
const EVERYWHERE: readonly Role[] = ['admin', 'officer', 'auditor', 'logistics'];

/** What an actor may see: everything, some units, and/or one person. */
export interface Visibility {
  all: boolean;
  units: readonly string[];
  personId: string | null;
}

/** DESIGN §2: unit heads see their units and below; officials see themselves. */
export function visibilityOf(actor: Actor): Visibility {
  if (EVERYWHERE.some((r) => actor.roles.has(r))) return { all: true, units: [], personId: null };
  return {
    all: false,
    units: actor.roles.has('unit-head') ? actor.units : [],
    personId: actor.roles.has('official') || actor.roles.has('unit-head') ? actor.personId : null,
  };
}

/** How far an actor sees, in one word: the whole organisation, some units, or only themself. */
export function reachOf(actor: Actor): 'all' | 'units' | 'self' {
  const v = visibilityOf(actor);
  return v.all ? 'all' : v.units.length > 0 ? 'units' : 'self';
}

/** Whether a person (by id and unit) is visible. */
export function canSeePerson(v: Visibility, person: { id: string; unit: string }): boolean {
  return v.all || person.id === v.personId || v.units.some((u) => isAtOrBelow(person.unit, u));
}

/**
 * Whether a device is visible: to its owner, and through the unit that holds it — its active
 * owner's, else its custodian unit (DESIGN §5a), else its last owner's. A device nobody holds
 * is seen only by those who see all.
 */
export function canSeeDevice(
  v: Visibility,
  owner: { id: string; unit: string; active?: boolean } | null,
  custodian: string | null = null,
): boolean {
  if (v.all) return true;
  if (owner !== null && owner.id === v.personId) return true;
  const unit = owner && owner.active !== false ? owner.unit : (custodian ?? owner?.unit ?? null);
  return unit !== null && canSeeUnit(v, unit);
}

/** Whether a unit is visible. */
export function canSeeUnit(v: Visibility, unit: string): boolean {
  return v.all || v.units.some((u) => isAtOrBelow(unit, u));
}
