import { LANGUAGES } from '../domain/texts/languages.js';
import { z } from 'zod';
import { DEVICE_CLASSES, OWNERSHIPS, PLATFORMS, PURPOSES } from '../domain/device.model.js';
import {
  DESTINATIONS,
  ORDER_STATES,
  SANITISATION_METHODS,
  VERIFICATIONS,
  type OrderState,
} from '../domain/replacement.rules.js';
import { ORDER_SORTS, SANITISATION_SORTS, STOCK_SORTS } from '../domain/list.sorts.js';
import { count, day, instant, operation, Page, paging, queryFlag, csvFormat } from './operation.js';

// Replacement logistics: orders through their steps, the catalogue and its stock, the chain of
// custody, sanitisation records (DESIGN §11).

const orderId = z.object({ id: z.coerce.number().int().min(1) });

/** A replacement order as the API shows it. */
export const Order = z.object({
  id: count,
  state: z.enum(ORDER_STATES),
  mandate: z.string(),
  finding: count,
  device: z.string().meta({ description: 'the old device' }),
  person: z.string(),
  unit: z.string(),
  item: z.string(),
  newDevice: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: instant,
  approvedAt: instant.nullable(),
  issuedAt: instant.nullable(),
  returnedAt: instant.nullable(),
  confirmedAt: instant.nullable(),
  sanitisedAt: instant.nullable(),
  closedAt: instant.nullable(),
  endedAt: instant.nullable(),
  reason: z.string().nullable(),
  /** An officer's override of a mandate that would catch the unit (DESIGN §11). */
  override: z.object({ reason: z.string(), by: z.string() }).nullable(),
  events: z
    .array(
      z.object({
        step: z.string(),
        by: z.string(),
        at: instant,
        place: z.string().nullable(),
        note: z.string().nullable(),
      }),
    )
    .optional(),
});
export type Order = z.output<typeof Order>;

/** An order in a list, with the official, the old device and the item by name. */
export const OrderRow = Order.extend({
  personName: z.string().nullable(),
  deviceName: z.string().nullable().meta({ description: 'the old device’s maker and model' }),
  deviceOwnership: z
    .enum(OWNERSHIPS)
    .nullable()
    .meta({ description: 'personal: it stays with its owner, never taken (DESIGN §5a)' }),
  itemName: z.string().nullable().meta({ description: 'the catalogue item’s maker and model' }),
});
export type OrderRow = z.output<typeof OrderRow>;

/** What a handover opens and closes. */
export const HandoverEffect = z.object({
  opened: z.array(z.object({ mandate: z.string(), title: z.string(), device: z.string() })),
  closed: z.array(
    z.object({ mandate: z.string(), title: z.string(), device: z.string(), reason: z.string() }),
  ),
});
export type HandoverEffect = z.output<typeof HandoverEffect>;

/** The options of a step. */
export const StepOptions = z.strictObject({
  place: z.string().optional().meta({ description: 'where the handover happens' }),
  note: z.string().optional(),
  swap: z.boolean().optional().meta({
    description: 'issue: the old device is at the desk and is taken back in the same step',
  }),
  location: z
    .string()
    .optional()
    .meta({ description: 'approve: the stock location to reserve from' }),
  reason: z.string().optional().meta({ description: 'reject (required) or cancel: why' }),
  override: z.string().min(1).optional().meta({
    description:
      'approve or issue, an officer only: why a unit that a mandate in force would catch is handed out all the same',
  }),
});
export type StepOptions = z.output<typeof StepOptions>;

/** The steps of an order, each its own operation. */
export const ORDER_STEPS = {
  approve: 'Approve a request: reserves a free unit (409 when none)',
  reject: 'Reject a request (a reason is required); frees its unit',
  cancel: 'Cancel a request before issue (the official, the requester, logistics or an officer)',
  issue:
    'Hand the reserved unit to the official; with `swap` take the old device back in the same step',
  return: 'Receive the old device back: it becomes retired with no owner, its finding resolves now',
  writeoff:
    'Close an issued order whose old device will not come back (lost, say): a reason is required, except for a personal device, which stays with its owner',
  confirm: 'The official confirms they received the new device',
} as const;
export type OrderStepName = keyof typeof ORDER_STEPS;

const step = (name: OrderStepName) =>
  operation({
    operationId: `${name}Replacement`,
    method: 'POST',
    path: `/api/v1/replacements/{id}/${name}`,
    tags: ['replacement'],
    summary: ORDER_STEPS[name],
    params: orderId,
    body: StepOptions.optional(),
    status: 200,
    response: Order.extend({ effect: HandoverEffect.optional() }),
    answers: 'The order after the step (issue and return: what the handover opened and closed)',
  });

const bulk = (name: 'approve' | 'issue' | 'return') => {
  const title = `${name[0]!.toUpperCase()}${name.slice(1)}`;
  return operation({
    operationId: `bulk${title}Replacements`,
    method: 'POST',
    path: `/api/v1/replacements/bulk/${name}`,
    tags: ['replacement'],
    summary: `${title} many orders at once (orders, old devices, or a CSV): all or nothing, every refused entry listed`,
    body: StepOptions.extend({
      orders: z.array(z.number().int()).optional(),
      devices: z
        .array(z.string())
        .optional()
        .meta({ description: 'old devices, each with an order in progress' }),
      csv: z
        .string()
        .optional()
        .meta({ description: 'CSV with a column `order` or `device`, and `place`' }),
    }),
    status: 200,
    response: z.object({ done: z.array(Order) }),
    answers: 'Every order after the step',
  });
};

/** Per mandate that asks for replacements: demand, stock and the pace of handovers. */
const ShortageWarning = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('short'), need: count, available: count, shortfall: count }),
  z.object({ kind: z.literal('pace'), projectedCompletion: instant.nullable() }),
  z.object({ kind: z.literal('due-passed'), open: count }),
]);

/** A catalogue item's fields as written (PUT). */
export const CatalogueItemFields = z.strictObject({
  class: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(DEVICE_CLASSES)),
  platform: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(PLATFORMS)),
  manufacturer: z.string().trim().min(1, 'is required'),
  model: z.string().trim().min(1, 'is required'),
  notes: z.string().trim().nullable().optional(),
  active: z.boolean().optional(),
  /** What a unit is issued for: `personal` keeps a replacement phone out of "no official smartphones". */
  purposes: z
    .array(
      z
        .string()
        .transform((s) => s.trim().toLowerCase())
        .pipe(z.enum(PURPOSES)),
    )
    .optional(),
});

/** A catalogue item's id: a slug. */
export const CatalogueId = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a slug: lower-case letters, digits and -');

const stockCounts = z.object({ total: count, reserved: count, free: count });

/** A catalogue item with the mandates that offer it and its stock. */
export const CatalogueItem = z.object({
  id: z.string(),
  class: z.string(),
  platform: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  notes: z.string().nullable(),
  active: z.boolean(),
  purposes: z.array(z.string()),
  offeredBy: z.array(z.string()),
  stock: stockCounts,
});
export type CatalogueItem = z.output<typeof CatalogueItem>;

export const StockLine = z.object({
  item: z.string(),
  itemName: z.string().nullable().meta({ description: 'the catalogue item’s maker and model' }),
  location: z.string(),
  total: count,
  reserved: count,
  free: count,
});
export type StockLine = z.output<typeof StockLine>;

export const Shortage = z.object({
  asOf: instant,
  mandates: z.array(
    z.object({
      mandate: z.string(),
      due: day.nullable(),
      items: z.array(z.string()),
      /** Caught devices still held (open findings). */
      open: count,
      /** Of those, devices whose owners have no live order. */
      withoutOrder: count,
      awaitingApproval: count,
      available: count,
      shortfall: count,
      ratePerDay: z.number(),
      projectedCompletion: instant.nullable(),
      warnings: z.array(ShortageWarning),
      warningText: z.array(z.string()),
    }),
  ),
  items: z.array(CatalogueItem.extend({ awaitingApproval: count })),
});
export type Shortage = z.output<typeof Shortage>;

/** One handover in a device's chain of custody. */
export const Custody = z.object({
  kind: z.string(),
  from: z.string(),
  to: z.string(),
  place: z.string().nullable(),
  at: instant,
  recordedBy: z.string(),
  order: count.nullable(),
  sanitisation: count.nullable(),
});
export type Custody = z.output<typeof Custody>;

/** What the operator records (NIST SP 800-88 Appendix G). */
export const SanitisationRecord = z.strictObject({
  devices: z.array(z.string().trim().min(1)).min(1, 'name at least one device'),
  method: z.enum(SANITISATION_METHODS, {
    error: `must be one of ${SANITISATION_METHODS.join(', ')}`,
  }),
  tool: z.string().trim().min(1, 'is required (the product and version used)'),
  performedOn: z
    .string()
    .trim()
    .pipe(z.iso.date({ error: 'must be a date YYYY-MM-DD' })),
  certificate: z.string().trim().min(1).max(100).optional(),
  place: z.string().trim().min(1).optional(),
  notes: z.string().trim().optional(),
  technique: z.string().trim().min(1).max(200).optional(),
  verification: z
    .enum(VERIFICATIONS, { error: `must be one of ${VERIFICATIONS.join(', ')}` })
    .optional(),
  destination: z
    .enum(DESTINATIONS, { error: `must be one of ${DESTINATIONS.join(', ')}` })
    .optional(),
});

/** A sanitisation record as the API shows it. */
export const Sanitisation = z.object({
  id: count,
  certificate: z.string(),
  method: z.enum(SANITISATION_METHODS),
  tool: z.string(),
  performedOn: day,
  place: z.string().nullable(),
  notes: z.string().nullable(),
  operator: z.string(),
  operatorName: z.string(),
  recordedAt: instant,
  verifier: z.string().nullable(),
  verifierName: z.string().nullable(),
  verifiedAt: instant.nullable(),
  state: z.enum(['recorded', 'verified']),
  /** NIST SP 800-88 Appendix G. */
  technique: z.string(),
  verification: z.string(),
  destination: z.enum(DESTINATIONS),
  operatorRole: z.string(),
  verifierRole: z.string().nullable(),
  devices: z.array(
    z.object({
      id: z.string(),
      description: z.string(),
      mediaType: z.string(),
      source: z.string(),
    }),
  ),
});
export type Sanitisation = z.output<typeof Sanitisation>;

/** Orders by state. */
const orderCounts = z.object(
  Object.fromEntries(ORDER_STATES.map((s) => [s, count])) as Record<OrderState, typeof count>,
);

export const logisticsOps = {
  listReplacements: operation({
    operationId: 'listReplacements',
    method: 'GET',
    path: '/api/v1/replacements',
    tags: ['replacement'],
    summary:
      'Replacement orders within your scope, a page at a time with the total; `state` may list several (a,b); `unconfirmed=true`: issued and not confirmed by the official; `format=csv`',
    query: z.object({
      id: z.coerce.number().int().min(1).optional().meta({ description: 'one order' }),
      state: z.string().optional(),
      person: z.string().optional(),
      item: z.string().optional(),
      mandate: z.string().optional(),
      device: z.string().optional(),
      unconfirmed: queryFlag().optional(),
      ...paging(ORDER_SORTS, 'default `-requested` (newest first)'),
      ...csvFormat,
    }),
    status: 200,
    response: Page(OrderRow),
    answers: 'A page of orders, newest first unless sorted (or, with `format=csv`, all as CSV)',
  }),
  countReplacementsByUnit: operation({
    operationId: 'countReplacementsByUnit',
    method: 'GET',
    path: '/api/v1/replacements/by-unit',
    tags: ['replacement'],
    summary: 'Orders counted by unit (cut to `depth` levels) and state, within your scope',
    query: z.object({ depth: z.coerce.number().int().min(1).max(20).optional(), ...csvFormat }),
    status: 200,
    response: z.array(
      z.object({
        unit: z.string(),
        counts: orderCounts,
        total: count,
      }),
    ),
    answers: 'Orders by unit and state (or, with `format=csv`, as CSV)',
  }),
  getReplacementShortage: operation({
    operationId: 'getReplacementShortage',
    method: 'GET',
    path: '/api/v1/replacements/shortage',
    tags: ['replacement'],
    summary:
      'Per mandate that asks for replacements: caught devices without an order and requests awaiting approval against free stock; a warning when the due date cannot be met',
    status: 200,
    response: Shortage,
    answers: 'Per mandate: caught devices, stock and what is short',
  }),
  requestReplacement: operation({
    operationId: 'requestReplacement',
    method: 'POST',
    path: '/api/v1/replacements',
    tags: ['replacement'],
    summary: 'Request one of the offered models for a device a mandate caught',
    body: z.strictObject({
      device: z.string(),
      item: z.string(),
      mandate: z.string().optional(),
      note: z.string().optional(),
    }),
    status: 201,
    response: Order,
    answers: 'The order, requested',
  }),
  getReplacement: operation({
    operationId: 'getReplacement',
    method: 'GET',
    path: '/api/v1/replacements/{id}',
    tags: ['replacement'],
    summary: 'One order with its steps (who, when, where)',
    params: orderId,
    status: 200,
    response: Order,
    answers: 'The order with its steps',
  }),
  previewIssue: operation({
    operationId: 'previewIssue',
    method: 'GET',
    path: '/api/v1/replacements/{id}/preview',
    tags: ['replacement'],
    summary:
      'What issuing (with `swap`: and taking the old device back) would open and close, without doing it',
    params: orderId,
    query: z.object({ swap: queryFlag().optional(), place: z.string().optional() }),
    status: 200,
    response: HandoverEffect,
    answers: 'What the handover would open and close',
  }),
  approveReplacement: step('approve'),
  rejectReplacement: step('reject'),
  cancelReplacement: step('cancel'),
  issueReplacement: step('issue'),
  returnReplacement: step('return'),
  writeoffReplacement: step('writeoff'),
  confirmReplacement: step('confirm'),
  bulkApproveReplacements: bulk('approve'),
  bulkIssueReplacements: bulk('issue'),
  bulkReturnReplacements: bulk('return'),
  getCustody: operation({
    operationId: 'getCustody',
    method: 'GET',
    path: '/api/v1/devices/{id}/custody',
    tags: ['devices'],
    summary: 'A device’s chain of custody: every handover (from, to, place, time, who recorded it)',
    params: z.object({ id: z.string() }),
    status: 200,
    response: z.array(Custody),
    answers: 'Every handover of the device, oldest first',
  }),
  listCatalogue: operation({
    operationId: 'listCatalogue',
    method: 'GET',
    path: '/api/v1/catalogue',
    tags: ['replacement'],
    summary: 'Catalogue items, the mandates that offer them, and their stock',
    status: 200,
    response: z.array(CatalogueItem),
    answers: 'The catalogue',
  }),
  putCatalogueItem: operation({
    operationId: 'putCatalogueItem',
    method: 'PUT',
    path: '/api/v1/catalogue/{id}',
    tags: ['replacement'],
    summary:
      'Create or change a catalogue item (class, platform, manufacturer, model, notes, active, purposes)',
    params: z.object({ id: CatalogueId }),
    body: CatalogueItemFields,
    status: 200,
    response: CatalogueItem,
    answers: 'The item as stored',
  }),
  listStock: operation({
    operationId: 'listStock',
    method: 'GET',
    path: '/api/v1/stock',
    tags: ['replacement'],
    summary:
      'Stock units per catalogue item and location: total, reserved, free; a page with the total',
    query: z.object(paging(STOCK_SORTS, 'default `item`')),
    status: 200,
    response: Page(StockLine),
    answers: 'A page of stock lines per item and location',
  }),
  receiveStock: operation({
    operationId: 'receiveStock',
    method: 'POST',
    path: '/api/v1/stock',
    tags: ['replacement'],
    summary:
      'Receive stock: `devices` [{id, item, location, serial, imei}] or `csv` with those columns; all or nothing',
    body: z.strictObject({
      devices: z.array(z.record(z.string(), z.unknown())).optional().meta({
        description: 'units: {id, item, location, serial, imei}, each checked with its index',
      }),
      csv: z.string().optional(),
      dryRun: z.boolean().optional(),
    }),
    status: 201,
    also: 200,
    response: z.object({
      received: count,
      locations: z.array(z.string()),
      dryRun: z.boolean(),
    }),
    answers: 'The units received (201), or in a dry run what would be (200)',
  }),
  listSanitisations: operation({
    operationId: 'listSanitisations',
    method: 'GET',
    path: '/api/v1/sanitisations',
    tags: ['replacement'],
    summary: 'Sanitisation records, a page at a time with the total, newest first unless sorted',
    query: z.object(paging(SANITISATION_SORTS, 'default `-performed` (newest first)')),
    status: 200,
    response: Page(Sanitisation),
    answers: 'A page of sanitisation records',
  }),
  recordSanitisation: operation({
    operationId: 'recordSanitisation',
    method: 'POST',
    path: '/api/v1/sanitisations',
    tags: ['replacement'],
    summary: `Record a sanitisation (NIST SP 800-88: ${SANITISATION_METHODS.join(', ')}) of one device or a batch; you are the operator, someone else verifies`,
    body: SanitisationRecord,
    status: 201,
    response: Sanitisation,
    answers: 'The record, awaiting a verifier',
  }),
  getSanitisation: operation({
    operationId: 'getSanitisation',
    method: 'GET',
    path: '/api/v1/sanitisations/{id}',
    tags: ['replacement'],
    summary: 'One sanitisation record',
    params: orderId,
    status: 200,
    response: Sanitisation,
    answers: 'The record',
  }),
  verifySanitisation: operation({
    operationId: 'verifySanitisation',
    method: 'POST',
    path: '/api/v1/sanitisations/{id}/verify',
    tags: ['replacement'],
    summary:
      'Verify a sanitisation record (not its operator): its devices become wiped or destroyed',
    params: orderId,
    status: 200,
    response: Sanitisation,
    answers: 'The record, verified',
  }),
  getSanitisationCertificate: operation({
    operationId: 'getSanitisationCertificate',
    method: 'GET',
    path: '/api/v1/sanitisations/{id}/certificate',
    tags: ['replacement'],
    summary: 'The certificate of sanitisation of a verified record, as PDF',
    params: orderId,
    query: z.object({ lang: z.enum(LANGUAGES).optional() }),
    status: 200,
    response: z.string().meta({ description: 'application/pdf' }),
    answers: 'The certificate as PDF',
  }),
};
