import { z } from 'zod';
import { DEVICE_CLASSES, OWNERSHIPS, PLATFORMS, PURPOSES } from '../domain/device.model.js';
import { notifySchema } from '../domain/mandate.model.js';
import { CAMPAIGN_PEOPLE_SORTS, CAMPAIGN_SORTS } from '../domain/list.sorts.js';
import {
  day,
  instant,
  operation,
  Page,
  paging,
  queryFlag,
  csvFormat,
  imeiText,
} from './operation.js';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must match ^[a-z0-9][a-z0-9-]{1,62}$');
const lower = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(values));

/** Opening a campaign: who is asked (a mandate's scope shape), by when, and its own ladder. */
export const OpenCampaign = z.strictObject({
  id: slug,
  title: z.string().trim().min(1, 'is required'),
  scope: z
    .strictObject({
      units: z
        .array(z.string().max(512))
        .max(200, 'lists at most 200 units (a unit takes in its subtree: name the parent)')
        .default([]),
      tags: z.array(z.string().max(512)).max(200, 'lists at most 200 tags').default([]),
    })
    .default({ units: [], tags: [] }),
  due: z.iso.date({ error: 'must be a date YYYY-MM-DD' }),
  /** The campaign's own ladder, in a mandate's `notify` shape; without one, the defaults. */
  notify: notifySchema.optional(),
});

/** One device as a person declares it: what it is, and its model, serial or IMEI to know it by. */
export const DeclaredDevice = z
  .strictObject({
    class: lower(DEVICE_CLASSES),
    platform: lower(PLATFORMS),
    manufacturer: z.string().trim().min(1).max(200).nullable().optional(),
    model: z.string().trim().min(1).max(200).nullable().optional(),
    ownership: lower(OWNERSHIPS),
    purposes: z.array(lower(PURPOSES)).min(1).default(['official']),
    serial: z.string().trim().min(1).max(200).nullable().optional(),
    imei: imeiText.nullable().optional(),
    osVersion: z.string().trim().min(1).max(50).nullable().optional(),
  })
  .refine((d) => Boolean(d.model ?? d.serial ?? d.imei), {
    path: ['model'],
    params: { code: 'device_unidentified' },
    message: 'a declared device needs its model, serial or IMEI',
  });

/** A declaration: devices, and/or that the list is complete, or that none is used. */
export const Declaration = z.strictObject({
  /** An officer recording a paper form names the person. */
  person: z.string().trim().min(1).optional(),
  devices: z.array(DeclaredDevice).max(50).default([]),
  /** The person's statement that the list is complete. */
  complete: z.boolean().default(false),
  /** The person states they use no device for work. */
  none: z.boolean().default(false),
});

/** A unit head's statement that every person of their unit has declared. */
export const CampaignAttestation = z.strictObject({
  unit: z.string().min(1),
  exceptions: z
    .array(
      z.strictObject({
        person: z.string().trim().min(1),
        reason: z.string().trim().min(1, 'is required'),
      }),
    )
    .default([]),
  note: z.string().trim().max(2000).optional(),
});

const counts = {
  people: z.number().int(),
  confirmed: z.number().int(),
  notStarted: z.number().int(),
  inProgress: z.number().int(),
};

/** A campaign's progress, within what the reader may see. */
export const CampaignStatus = z.object({
  id: z.string(),
  title: z.string(),
  due: day,
  scope: z.object({ units: z.array(z.string()), tags: z.array(z.string()) }),
  openedAt: instant,
  ...counts,
  devicesDeclared: z.number().int(),
  late: z.number().int(),
  units: z.array(z.object({ unit: z.string(), ...counts })).optional(),
  /** Unit heads' statements that every person of their unit has declared. */
  attestations: z.array(
    z.object({
      unit: z.string(),
      by: z.string(),
      byName: z.string().nullable(),
      at: instant,
      exceptions: z.array(
        z.object({ person: z.string(), name: z.string().nullable(), reason: z.string() }),
      ),
    }),
  ),
});
export type CampaignStatus = z.output<typeof CampaignStatus>;

export const DECLARATION_STATES = ['not-started', 'in-progress', 'confirmed'] as const;
export type DeclarationState = (typeof DECLARATION_STATES)[number];

/** One person's standing in a campaign. */
export const CampaignPerson = z.object({
  person: z.string(),
  name: z.string(),
  unit: z.string(),
  state: z.enum(DECLARATION_STATES),
  declared: z.number().int(),
  /** The devices declared, by id. */
  devices: z.array(z.string()),
  /** The same devices with their names (maker and model) as lists show them. */
  declaredDevices: z.array(z.object({ id: z.string(), name: z.string().nullable() })).optional(),
  usesNone: z.boolean(),
  confirmedAt: instant.nullable(),
  late: z.boolean(),
});
export type CampaignPerson = z.output<typeof CampaignPerson>;

/** A model declared in a campaign by three people or more: the form suggests these first. */
export const DeclaredModel = z.object({
  class: z.string(),
  platform: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  people: z.number().int(),
});
export type DeclaredModel = z.output<typeof DeclaredModel>;

const byId = z.object({ id: z.string() });

export const campaignOps = {
  openCampaign: operation({
    operationId: 'openCampaign',
    method: 'POST',
    path: '/api/v1/campaigns',
    tags: ['campaigns'],
    summary: 'Open a declaration campaign (officer, admin)',
    body: OpenCampaign,
    status: 201,
    response: CampaignStatus,
    answers: 'The campaign as opened, with everyone in scope not started',
  }),
  listCampaigns: operation({
    operationId: 'listCampaigns',
    method: 'GET',
    path: '/api/v1/campaigns',
    tags: ['campaigns'],
    summary: 'Campaigns with their progress within your scope, a page at a time with the total',
    query: z.object(paging(CAMPAIGN_SORTS, 'default `-opened` (newest first)')),
    status: 200,
    response: Page(CampaignStatus),
    answers: 'A page of campaigns, with their attestations',
  }),
  getCampaign: operation({
    operationId: 'getCampaign',
    method: 'GET',
    path: '/api/v1/campaigns/{id}',
    tags: ['campaigns'],
    summary:
      'A campaign: people, confirmed, notStarted, inProgress, devicesDeclared, late (within your scope); `byUnit` adds units',
    params: byId,
    query: z.object({
      byUnit: z.stringbool().optional(),
      depth: z.coerce.number().int().min(1).optional(),
    }),
    status: 200,
    response: CampaignStatus,
    answers: 'The campaign’s progress',
  }),
  listCampaignPeople: operation({
    operationId: 'listCampaignPeople',
    method: 'GET',
    path: '/api/v1/campaigns/{id}/people',
    tags: ['campaigns'],
    summary:
      'The people of a campaign within your scope, a page at a time with the total: by state, unit (and below), one person or a search of names and ids; `format=csv` the whole list',
    params: byId,
    query: z.object({
      state: z
        .string()
        .regex(
          /^(not-started|in-progress|confirmed)(,(not-started|in-progress|confirmed))*$/,
          'is a comma-separated list of not-started, in-progress, confirmed',
        )
        .optional(),
      unit: z.string().optional().meta({ description: 'this unit and everything below it' }),
      person: z.string().optional(),
      q: z.string().max(200).optional().meta({ description: 'part of a name or a person id' }),
      late: queryFlag().optional(),
      ...csvFormat,
      ...paging(CAMPAIGN_PEOPLE_SORTS, 'default `state` (not started first), then unit and name'),
    }),
    status: 200,
    response: Page(CampaignPerson),
    answers: 'A page of people (or, with format=csv, every one of them as CSV)',
  }),
  listDeclaredModels: operation({
    operationId: 'listDeclaredModels',
    method: 'GET',
    path: '/api/v1/campaigns/{id}/models',
    tags: ['campaigns'],
    summary:
      'The models most often declared in a campaign (by three people or more), for the declaration form',
    params: byId,
    status: 200,
    response: z.array(DeclaredModel),
    answers: 'Models, most declared first',
  }),
  declareDevices: operation({
    operationId: 'declareDevices',
    method: 'POST',
    path: '/api/v1/campaigns/{id}/declarations',
    tags: ['campaigns'],
    summary:
      'Declare devices for yourself, state the list complete, or that you use none; an officer names `person` to record a paper form',
    params: byId,
    body: Declaration,
    status: 201,
    response: z.object({ devices: z.array(z.string()), confirmed: z.boolean(), late: z.boolean() }),
    answers: 'The ids of the devices declared, and whether the list is confirmed',
  }),
  attestCampaign: operation({
    operationId: 'attestCampaign',
    method: 'POST',
    path: '/api/v1/campaigns/{id}/attestations',
    tags: ['campaigns'],
    summary:
      'A unit head attests that every person of the unit has declared (409 naming who has not, unless named with a reason)',
    params: byId,
    body: CampaignAttestation,
    status: 201,
    response: z.object({
      unit: z.string(),
      at: instant,
      exceptions: z.array(z.object({ person: z.string(), reason: z.string() })),
    }),
    answers: 'The attestation as recorded',
  }),
  takeBackDeclaration: operation({
    operationId: 'takeBackDeclaration',
    method: 'DELETE',
    path: '/api/v1/campaigns/{id}/declarations/{device}',
    tags: ['campaigns'],
    summary: 'Take back a wrongly declared device before the due date',
    params: z.object({ id: z.string(), device: z.string() }),
    status: 204,
    response: z.null(),
    answers: 'Taken back',
  }),
};
