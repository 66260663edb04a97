import { z } from 'zod';
import { ROLES } from '../domain/access.policy.js';
import { Account } from './auth.js';
import { instant, operation } from './operation.js';

// Administration: accounts, API tokens, the organisation's time zone, the channels' state.

const byId = z.object({ id: z.coerce.number().int().min(1) });

/** An API token as listed: never its secret. */
export const Token = z.object({
  id: z.number().int(),
  account: z.string().meta({ description: 'the e-mail of the account it acts as' }),
  name: z.string(),
  readOnly: z.boolean(),
  scope: z.enum(['api', 'scim']),
  createdAt: instant,
  expiresAt: instant.nullable(),
  revokedAt: instant.nullable(),
});
export type Token = z.output<typeof Token>;

/** The organisation's settings and which channels can send. */
export const Settings = z.object({
  timeZone: z
    .string()
    .meta({ description: 'IANA, e.g. Europe/Moscow: mandate days are read in it' }),
  channels: z.object({
    mail: z.boolean().meta({ description: 'an SMTP server is configured: messages are sent' }),
    webhook: z.boolean(),
    sso: z.boolean().meta({ description: 'single sign-on (OpenID Connect) is configured' }),
  }),
});
export type Settings = z.output<typeof Settings>;

const roles = z.array(z.enum(ROLES)).min(1, 'at least one role');

export const adminOps = {
  listAccounts: operation({
    operationId: 'listAccounts',
    method: 'GET',
    path: '/api/v1/accounts',
    tags: ['admin'],
    summary: 'Every account: its roles, units, person, and whether it is disabled',
    status: 200,
    response: z.array(Account),
    answers: 'Accounts, by id',
  }),
  createAccount: operation({
    operationId: 'createAccount',
    method: 'POST',
    path: '/api/v1/accounts',
    tags: ['admin'],
    summary: 'Create an account; without a password it signs in by single sign-on only',
    body: z.strictObject({
      email: z.string(),
      roles,
      units: z.array(z.string()).optional(),
      personId: z.string().nullable().optional(),
      password: z.string().max(1024).nullable().optional(),
    }),
    status: 201,
    response: Account,
    answers: 'The account',
  }),
  updateAccount: operation({
    operationId: 'updateAccount',
    method: 'PATCH',
    path: '/api/v1/accounts/{id}',
    tags: ['admin'],
    summary:
      'Change an account’s roles, units or person, disable it (its sessions and tokens end) or enable it',
    params: byId,
    body: z.strictObject({
      roles: roles.optional(),
      units: z.array(z.string()).optional(),
      personId: z.string().nullable().optional(),
      disabled: z.boolean().optional(),
    }),
    status: 200,
    response: Account,
    answers: 'The account as changed',
  }),
  resetAccountPassword: operation({
    operationId: 'resetAccountPassword',
    method: 'POST',
    path: '/api/v1/accounts/{id}/password',
    tags: ['admin'],
    summary: 'Give an account a new password (shown once); its sessions end',
    params: byId,
    status: 200,
    response: z.object({ password: z.string() }),
    answers: 'The new password: shown this once, stored only hashed',
  }),
  listTokens: operation({
    operationId: 'listTokens',
    method: 'GET',
    path: '/api/v1/tokens',
    tags: ['admin'],
    summary: 'Every API token, newest first (never its secret)',
    status: 200,
    response: z.array(Token),
    answers: 'Tokens',
  }),
  createToken: operation({
    operationId: 'createToken',
    method: 'POST',
    path: '/api/v1/tokens',
    tags: ['admin'],
    summary: 'Create an API token acting as an account; the secret is answered once',
    body: z.strictObject({
      account: z.string().meta({ description: 'the e-mail of the account' }),
      name: z.string().trim().min(1, 'is required'),
      expires: z.string().optional().meta({ description: 'ISO 8601 duration, e.g. P90D' }),
      readOnly: z.boolean().optional(),
      scim: z.boolean().optional().meta({ description: 'for directory sync at /scim/v2 only' }),
    }),
    status: 201,
    response: z.object({ id: z.number().int(), token: z.string(), expiresAt: instant.nullable() }),
    answers: 'The token: its secret is shown this once',
  }),
  revokeToken: operation({
    operationId: 'revokeToken',
    method: 'POST',
    path: '/api/v1/tokens/{id}/revoke',
    tags: ['admin'],
    summary: 'Revoke an API token',
    params: byId,
    status: 204,
    response: z.null(),
    answers: 'Revoked',
  }),
  getSettings: operation({
    operationId: 'getSettings',
    method: 'GET',
    path: '/api/v1/settings',
    tags: ['admin'],
    summary: 'The organisation’s time zone and which notification channels are configured',
    status: 200,
    response: Settings,
    answers: 'The settings',
  }),
  setTimeZone: operation({
    operationId: 'setTimeZone',
    method: 'PUT',
    path: '/api/v1/settings/time-zone',
    tags: ['admin'],
    summary: 'Set the organisation’s time zone (an IANA name): mandate days are read in it',
    body: z.strictObject({ timeZone: z.string() }),
    status: 200,
    response: z.object({ from: z.string(), to: z.string() }),
    answers: 'The change',
  }),
};
