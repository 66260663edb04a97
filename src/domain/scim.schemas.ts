import { SCIM } from './scim.js';

/** What the SCIM endpoint supports and describes (RFC 7643 §5–§7), for directory clients. */

const attr = (
  name: string,
  o: {
    type?: string;
    multiValued?: boolean;
    required?: boolean;
    subAttributes?: unknown[];
    mutability?: string;
    uniqueness?: string;
  } = {},
) => ({
  name,
  type: o.type ?? 'string',
  multiValued: o.multiValued ?? false,
  required: o.required ?? false,
  caseExact: false,
  mutability: o.mutability ?? 'readWrite',
  returned: 'default',
  uniqueness: o.uniqueness ?? 'none',
  ...(o.subAttributes ? { subAttributes: o.subAttributes } : {}),
});

const USER_SCHEMA = {
  id: SCIM.user,
  name: 'User',
  description: 'A person of the organisation',
  attributes: [
    attr('userName', { required: true, uniqueness: 'server' }),
    attr('externalId'),
    attr('name', {
      type: 'complex',
      subAttributes: [attr('formatted'), attr('givenName'), attr('familyName')],
    }),
    attr('displayName'),
    attr('title'),
    attr('active', { type: 'boolean' }),
    attr('emails', {
      type: 'complex',
      multiValued: true,
      subAttributes: [attr('value'), attr('type'), attr('primary', { type: 'boolean' })],
    }),
    attr('groups', {
      type: 'complex',
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [attr('value'), attr('display')],
    }),
  ],
};

const ENTERPRISE_SCHEMA = {
  id: SCIM.enterprise,
  name: 'EnterpriseUser',
  description:
    'employeeNumber is the person id; department is the unit path; manager is the supervisor',
  attributes: [
    attr('employeeNumber'),
    attr('department', { required: true }),
    attr('manager', { type: 'complex', subAttributes: [attr('value', { type: 'reference' })] }),
  ],
};

const GROUP_SCHEMA = {
  id: SCIM.group,
  name: 'Group',
  description: 'A group is a tag on its members',
  attributes: [
    attr('displayName', { required: true, uniqueness: 'server' }),
    attr('externalId'),
    attr('members', {
      type: 'complex',
      multiValued: true,
      subAttributes: [attr('value'), attr('display')],
    }),
  ],
};

const meta = (resourceType: string, id: string) => ({
  resourceType,
  location: `/scim/v2/${resourceType === 'Schema' ? 'Schemas' : 'ResourceTypes'}/${id}`,
});

/** The schemas, each with its meta. */
export const SCIM_SCHEMAS = [USER_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA].map((s) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
  ...s,
  meta: meta('Schema', s.id),
}));

/** The resource types: users with the enterprise extension, and groups. */
export const SCIM_RESOURCE_TYPES = [
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    schema: SCIM.user,
    schemaExtensions: [{ schema: SCIM.enterprise, required: false }],
    meta: meta('ResourceType', 'User'),
  },
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    schema: SCIM.group,
    meta: meta('ResourceType', 'Group'),
  },
];

export const SCIM_SERVICE_PROVIDER_CONFIG = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
  documentationUri: '/api/docs',
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: 200 },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: [
    {
      type: 'oauthbearertoken',
      name: 'Bearer token',
      description: 'A token made with `phaseout tokens create --scim`',
      primary: true,
    },
  ],
  meta: { resourceType: 'ServiceProviderConfig', location: '/scim/v2/ServiceProviderConfig' },
};
