import type { Generated, Kysely, Transaction } from 'kysely';

/** Times are epoch milliseconds; booleans are 0/1; lists are JSON text. */
type Ms = number;

export interface SettingsTable {
  key: string;
  value: string;
}

export interface UnitsTable {
  path: string;
  parent_path: string | null;
  head_person_id: string | null;
  created_at: Ms;
}

/** The folded text a record is found by (`domain/text.fold.ts`), written with the record. */
export interface Searchable {
  search: Generated<string | null>;
}

/** The key a person's name is ordered by (`domain/text.order.ts` `sortKey`), written with them. */
export interface NameOrdered {
  name_key: Generated<string | null>;
}

export interface PeopleTable {
  id: string;
  name: string;
  email: string | null;
  unit: string;
  title: string | null;
  supervisor_id: string | null;
  tags: string;
  active: number;
  created_at: Ms;
  changed_at: Ms;
  last_seen_at: Ms;
}

export interface DevicesTable {
  id: string;
  owner_id: string | null;
  class: string;
  platform: string;
  os_version: string | null;
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  imei: string | null;
  ownership: string | null;
  purposes: string;
  status: string;
  apps: string;
  created_at: Ms;
  changed_at: Ms;
  last_seen_at: Ms;
  /** The serial trimmed and lower-case, and the IMEI's digits: how sources find a device. */
  serial_key: string | null;
  imei_key: string | null;
  /** The custodian unit (DESIGN §5a): it holds the device while no active person owns it. */
  unit: string | null;
}

/** When each source last reported a device, and since when it has not. */
export interface DeviceSourcesTable {
  device_id: string;
  source: string;
  source_id: string | null;
  last_seen_at: Ms;
  not_reported_since: Ms | null;
  /** The source's own last contact with the device (read from its export's text). */
  last_contact_at: Ms | null;
  /** Its last report, field by field (`source.merge.ts` `SourceReport`, JSON); null: none kept. */
  fields: string | null;
}

export interface CheckinsTable {
  id: Generated<number>;
  device_id: string;
  source: string;
  observed_at: Ms;
  received_at: Ms;
  /** 0 when older than the stored state: kept in history, no field changed. */
  applied: number;
  body: string;
}

export interface IdempotencyKeysTable {
  account_id: number;
  key: string;
  digest: string;
  status: number;
  response: string;
  created_at: Ms;
}

export interface ScimIdentitiesTable {
  person_id: string;
  external_id: string | null;
  user_name: string;
  created_at: Ms;
  changed_at: Ms;
  /** Set by a SCIM DELETE: the person has left and the resource answers 404. */
  deleted_at: Ms | null;
}

export interface ScimGroupsTable {
  id: string;
  display_name: string;
  tag: string;
  external_id: string | null;
  created_at: Ms;
  changed_at: Ms;
}

export interface CampaignsTable {
  id: string;
  title: string;
  /** JSON `{units, tags}`: the shape of a mandate's scope. */
  scope: string;
  due_day: string;
  /** The end of the due day in the organisation's zone: declarations after it are late. */
  due_end: Ms;
  opened_at: Ms;
  opened_by: string;
  /** JSON: the campaign's own reminders and escalations (a mandate's `notify` shape); null: the defaults. */
  notify: string | null;
}

export interface CampaignPeopleTable {
  campaign_id: string;
  person_id: string;
  started_at: Ms;
  /** The person's statement that their list is complete, and who recorded it. */
  confirmed_at: Ms | null;
  confirmed_by: string | null;
  /** 1: the person stated they use no device for work. */
  uses_none: number;
}

export interface DeclarationsTable {
  id: Generated<number>;
  campaign_id: string;
  person_id: string;
  device_id: string;
  declared_at: Ms;
  declared_by: string;
  /** 1: an officer recorded a paper form for the person. */
  paper: number;
  late: number;
  /** 1: the declaration created the device; 0: it matched one already known. */
  created_device: number;
  withdrawn_at: Ms | null;
  /** A known device's fields before the declaration changed it (JSON): restored on take-back. */
  device_before: string | null;
}

/** A unit head's statement that every person of the unit has declared (or why not). */
export interface CampaignAttestationsTable {
  campaign_id: string;
  unit: string;
  by_person_id: string;
  attested_at: Ms;
  /** JSON `[{person, reason}]`: people who have not confirmed, named with a reason. */
  exceptions: string;
  note: string | null;
}

export interface MandatesTable {
  id: string;
  title: string;
  current_version: number;
  issued_at: Ms;
  first_applied_at: Ms;
  withdrawn_at: Ms | null;
}

export interface MandateVersionsTable {
  mandate_id: string;
  version: number;
  source: string;
  document: string;
  digest: string;
  effective_at: Ms;
  applied_at: Ms;
}

export interface MandateEventsTable {
  id: Generated<number>;
  mandate_id: string;
  kind: string;
  version: number;
  effective_at: Ms;
  recorded_at: Ms;
}

export interface FindingsTable {
  id: Generated<number>;
  mandate_id: string;
  device_id: string;
  /** Null while a unit holds the device (DESIGN §5a): the unit is then the custodian. */
  owner_id: string | null;
  unit: string;
  opened_at: Ms;
  closed_at: Ms | null;
  close_reason: string | null;
  /** The device's status when it closed: tells a lost device from a real resolution. */
  close_status: string | null;
}

export interface UnknownsTable {
  id: Generated<number>;
  mandate_id: string;
  device_id: string;
  owner_id: string | null;
  unit: string;
  reason: string;
  opened_at: Ms;
  closed_at: Ms | null;
}

/** A removal of the organisation's data from a personal device, recorded and verified. */
export interface DataRemovalsTable {
  id: Generated<number>;
  device_id: string;
  /** The device's owner when the removal was recorded. */
  person_id: string | null;
  /** How: `MDM selective wipe`, `work profile removed`, … */
  method: string;
  performed_on: string;
  note: string | null;
  /** Accounts, by e-mail: who recorded it and who verified it (never the same). */
  recorded_by: string;
  recorded_at: Ms;
  verified_by: string | null;
  verified_at: Ms | null;
}

/** While a device the target matches has no active owner and no custodian (DESIGN §5a). */
export interface UnassignedTable {
  id: Generated<number>;
  mandate_id: string;
  device_id: string;
  opened_at: Ms;
  closed_at: Ms | null;
}

/** A person's fields that decide scope, as they stood from `valid_from` until `valid_to`. */
export interface PeopleHistoryTable {
  id: string;
  unit: string;
  tags: string;
  active: number;
  valid_from: Ms;
  valid_to: Ms | null;
}

export interface AttestationsTable {
  id: Generated<number>;
  mandate_id: string;
  phase_id: string;
  unit: string | null;
  person_id: string | null;
  by_person_id: string;
  note: string | null;
  attested_at: Ms;
}

export interface ExemptionsTable {
  id: Generated<number>;
  mandate_id: string;
  device_id: string | null;
  person_id: string | null;
  /** The device's owner when requested: a device exemption covers it while the owner stays. */
  device_owner_id: string | null;
  ground: string;
  until_day: string;
  ends_at: Ms;
  reason: string;
  state: string;
  requested_by: string;
  requested_at: Ms;
  decided_by: string | null;
  approved_at: Ms | null;
  decided_at: Ms | null;
  revoked_at: Ms | null;
}

export interface AuditLogTable {
  seq: number;
  at: Ms;
  actor: string;
  action: string;
  object: string;
  digest: string;
  prev_hash: string;
  hash: string;
}

export interface AccountsTable {
  id: Generated<number>;
  email: string;
  password_hash: string | null;
  roles: string;
  units: string;
  person_id: string | null;
  disabled: number;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: Ms;
  /** `en` or `ru`, chosen in the console; null: the organisation's. */
  language: string | null;
}

export interface SessionsTable {
  /** sha256 of the cookie value: a stolen database yields no usable session. */
  id: string;
  account_id: number;
  csrf_token: string;
  created_at: Ms;
  expires_at: Ms;
  ended_at: Ms | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  token_hash: string;
  read_only: number;
  created_at: Ms;
  expires_at: Ms | null;
  revoked_at: Ms | null;
  /** `api` for /api/v1, `scim` for directory sync at /scim/v2 only. */
  scope: string;
}

export interface StatementsTable {
  id: Generated<number>;
  device_id: string;
  person_id: string;
  kind: string;
  note: string | null;
  stated_at: Ms;
}

export interface NotificationsTable {
  id: Generated<number>;
  finding_id: number;
  mandate_id: string;
  device_id: string;
  owner_id: string;
  /** Ladder step and repetition: `remind-P3D#0`. */
  step: string;
  /** Who: a person id, or `account:EMAIL` for officers. */
  recipient: string;
  address: string;
  channel: 'email' | 'webhook';
  language: string;
  subject: string;
  body: string;
  /**
   * `merged`: the person was told by another step of the same finding in the same round; never
   * sent. `waiting`: nobody could be written to (DESIGN §5a); sent once someone can be.
   */
  state: 'queued' | 'sending' | 'sent' | 'dead' | 'merged' | 'waiting';
  attempts: number;
  due_at: Ms;
  next_at: Ms;
  lease_until: Ms | null;
  created_at: Ms;
  sent_at: Ms | null;
  error: string | null;
  /** A report sent as attachments. */
  report_id: number | null;
  /** JSON `{from, via, why}` when the step could not go to the rung it asked for. */
  rerouted: string | null;
}

export interface ReportsTable {
  id: Generated<number>;
  mandate_id: string;
  day: string;
  as_of: Ms;
  created_at: Ms;
  csv: string;
  pdf: Uint8Array;
  /** The register of exemptions as of the report's day (reports made before it have none). */
  register_csv: string | null;
}

export interface CatalogueItemsTable {
  id: string;
  class: string;
  platform: string;
  manufacturer: string;
  model: string;
  notes: string | null;
  active: number;
  created_at: Ms;
  changed_at: Ms;
  /** JSON list: the purposes a unit of this model is issued for. */
  purposes: string;
}

/** A device waiting in stock (status `in_stock`) at a location, perhaps reserved by an order. */
export interface StockUnitsTable {
  device_id: string;
  item_id: string;
  location: string;
  received_at: Ms;
  reserved_for: number | null;
}

export interface ReplacementOrdersTable {
  id: Generated<number>;
  mandate_id: string;
  finding_id: number;
  old_device_id: string;
  person_id: string;
  /** The official's unit when requested: reports by unit group by it. */
  unit: string;
  item_id: string;
  /** Where the official would collect it; null: any stock location. */
  location: string | null;
  state: string;
  new_device_id: string | null;
  requested_by: string;
  requested_at: Ms;
  approved_at: Ms | null;
  issued_at: Ms | null;
  returned_at: Ms | null;
  confirmed_at: Ms | null;
  sanitised_at: Ms | null;
  closed_at: Ms | null;
  /** Rejected or cancelled at. */
  ended_at: Ms | null;
  reason: string | null;
  /** An officer's override of a mandate that would catch the unit: why, and who. */
  override_reason: string | null;
  override_by: string | null;
}

export interface OrderEventsTable {
  id: Generated<number>;
  order_id: number;
  step: string;
  actor: string;
  at: Ms;
  place: string | null;
  note: string | null;
}

/** A handover: `supplier`, `stock:LOCATION`, `person:ID`, `logistics`, `destroyed`. */
export interface CustodyEventsTable {
  id: Generated<number>;
  device_id: string;
  kind: string;
  from_party: string;
  to_party: string;
  place: string | null;
  at: Ms;
  recorded_by: string;
  order_id: number | null;
  sanitisation_id: number | null;
}

export interface SanitisationsTable {
  id: Generated<number>;
  certificate: string;
  method: string;
  tool: string;
  performed_on: string;
  place: string | null;
  notes: string | null;
  operator: string;
  operator_name: string;
  recorded_at: Ms;
  verifier: string | null;
  verifier_name: string | null;
  verified_at: Ms | null;
  state: 'recorded' | 'verified';
  /** NIST SP 800-88 Appendix G: technique, verification method, destination, roles. */
  technique: string | null;
  verification: string | null;
  destination: string | null;
  operator_role: string | null;
  verifier_role: string | null;
}

export interface SanitisedDevicesTable {
  sanitisation_id: number;
  device_id: string;
  /** The device as it was sanitised (class, model, serial, IMEI), for the certificate. */
  description: string;
  /** Appendix G: the media type (flash memory, disk) and its source (the previous owner). */
  media_type: string | null;
  source: string | null;
}

/** Sign-in attempts by `pair:EMAIL ADDRESS` or `address:ADDRESS` (login-limiter.ts). */
export interface SignInThrottleTable {
  key: string;
  attempts: number;
  blocked_until: Ms;
  window_start: Ms;
}

export interface Database {
  sign_in_throttle: SignInThrottleTable;
  catalogue_items: CatalogueItemsTable;
  stock_units: StockUnitsTable;
  replacement_orders: ReplacementOrdersTable;
  order_events: OrderEventsTable;
  custody_events: CustodyEventsTable;
  sanitisations: SanitisationsTable;
  sanitised_devices: SanitisedDevicesTable;
  reports: ReportsTable;
  notifications: NotificationsTable;
  statements: StatementsTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  settings: SettingsTable;
  units: UnitsTable;
  people: PeopleTable & Searchable & NameOrdered;
  devices: DevicesTable & Searchable;
  device_sources: DeviceSourcesTable;
  checkins: CheckinsTable;
  idempotency_keys: IdempotencyKeysTable;
  scim_identities: ScimIdentitiesTable;
  scim_groups: ScimGroupsTable;
  mandates: MandatesTable;
  campaigns: CampaignsTable;
  campaign_attestations: CampaignAttestationsTable;
  campaign_people: CampaignPeopleTable;
  declarations: DeclarationsTable;
  mandate_versions: MandateVersionsTable;
  mandate_events: MandateEventsTable;
  findings: FindingsTable;
  unknowns: UnknownsTable;
  unassigned: UnassignedTable;
  data_removals: DataRemovalsTable;
  people_history: PeopleHistoryTable;
  attestations: AttestationsTable;
  exemptions: ExemptionsTable;
  audit_log: AuditLogTable;
}

/** The database or a transaction on it: repositories accept either. */
export type Db = Kysely<Database> | Transaction<Database>;
